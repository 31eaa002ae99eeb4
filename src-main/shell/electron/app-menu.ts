/**
 * The application menu, as plain data so a test can hold the line without Electron. In production it is
 * minimal: no View menu, so no Reload and no Toggle Developer Tools (issue 12: the default menu handed any
 * cashier DevTools, and with it `window.countertop.invoke` with raw payloads). Development adds them back.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuContext {
  /** Started from the sources (`!app.isPackaged`): reload and DevTools are wanted. */
  development: boolean;
  platform: NodeJS.Platform;
}

/** Roles that must never be reachable in production: each opens DevTools or reloads the till mid-sale. */
export const DEVELOPMENT_ONLY_ROLES = ['toggleDevTools', 'reload', 'forceReload'] as const;

export function applicationMenuTemplate(context: MenuContext): MenuItemConstructorOptions[] {
  // Text fields need the Edit roles for their shortcuts on macOS (copy a sale number, paste a code).
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const app: MenuItemConstructorOptions =
    context.platform === 'darwin'
      ? {
          label: 'Countertop',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        }
      : { label: 'File', submenu: [{ role: 'quit' }] };
  if (!context.development) return [app, edit];
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { role: 'forceReload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [app, edit, view];
}
