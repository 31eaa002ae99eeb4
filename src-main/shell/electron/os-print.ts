/**
 * Electron's OS printing, for the 'os' printer fallback: the receipt's text in a hidden,
 * sandboxed window with no preload and no script, printed silently with an explicit page
 * size (without one Electron assumes A4: electron#49374).
 */
import { BrowserWindow } from 'electron';
import { HARDENED_WEB_PREFERENCES } from '../security-policy';
import type { OsPrint } from '../../devices/printer/os-transport';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export const electronOsPrint: OsPrint = async (text, options) => {
  const window = new BrowserWindow({ show: false, webPreferences: { ...HARDENED_WEB_PREFERENCES, javascript: false } });
  try {
    const html =
      `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
      `<style>body{margin:0;font:10pt monospace;white-space:pre}</style><body>${escapeHtml(text)}</body>`;
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    const lines = text.split('\n').length;
    await new Promise<void>((resolve, reject) => {
      window.webContents.print(
        {
          silent: true,
          printBackground: false,
          ...(options.deviceName ? { deviceName: options.deviceName } : {}),
          // Microns; a receipt is as long as its lines (about 4.5 mm each at 10 pt) plus margins.
          pageSize: { width: options.widthMicrons, height: Math.max(100_000, lines * 4_500 + 20_000) },
          margins: { marginType: 'none' },
        },
        (success, reason) => (success ? resolve() : reject(new Error(reason || 'the print job failed'))),
      );
    });
  } finally {
    window.destroy();
  }
};
