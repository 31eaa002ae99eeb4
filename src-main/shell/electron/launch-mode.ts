/**
 * How the Electron shell was started, decided by plain functions so tests hold the rules without Electron.
 * Development means started from the sources (`!app.isPackaged`). There is deliberately no `--dev` switch:
 * in a packaged build anyone who can edit the till's shortcut could turn DevTools back on.
 */

/** True when started from the sources: DevTools, reload and the dev server are allowed. */
export function isDevelopment(app: { isPackaged: boolean }): boolean {
  return !app.isPackaged;
}

/**
 * The dev server URL from `ELECTRON_RENDERER_URL` (set by electron-vite), only when not packaged and only an
 * http(s) URL; null otherwise, and the shell loads its own files. A packaged till ignores the variable, so an
 * environment set by someone else cannot point the till's window, with its IPC, at another page.
 */
export function devServerUrl(app: { isPackaged: boolean }, env: NodeJS.ProcessEnv): string | null {
  const raw = env.ELECTRON_RENDERER_URL;
  if (!isDevelopment(app) || !raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
