/**
 * Carries the contract over Electron IPC: one ipcMain.handle per declared channel, each
 * through the dispatcher (schema validation) after the sender frame is checked.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { CHANNEL_NAMES } from '../../../src-shared/contract';
import type { Dispatch } from '../../ipc/dispatcher';
import type { EventBus } from '../../ipc/event-bus';
import { isTrustedSender, type TrustedRenderer } from './security';

export function registerIpc(options: {
  dispatch: Dispatch;
  events: EventBus;
  trusted: TrustedRenderer;
  windows: () => BrowserWindow[];
}): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      if (!isTrustedSender(event.senderFrame, options.trusted)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not use the till.' } };
      }
      return options.dispatch(channel, payload);
    });
  }
  const unsubscribe = options.events.subscribe((event, payload) => {
    for (const window of options.windows()) if (!window.isDestroyed()) window.webContents.send(event, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}
