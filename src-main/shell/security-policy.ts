/**
 * Security policy shared by both shells: the renderer's Content-Security-Policy and
 * the rules for which URLs the app may load. Electron wiring lives in security.ts.
 */

/** No inline script or style, no remote code; WebSocket only to the loopback host. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The renderer's webPreferences (electron docs security.md 2–4, 6, 8–10): isolated,
 * sandboxed, no Node. Plain data so a test can hold the line without Electron.
 */
export const HARDENED_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
} as const);

/**
 * True only for the app's own pages: the packaged renderer (file:// inside the app's
 * renderer folder) or the dev server origin. Compared by parsed origin and path, never
 * with startsWith on the raw string (`http://localhost:5173.evil.com`).
 */
export function isTrustedRendererUrl(
  raw: string,
  trusted: { rendererFileDir: string | null; devServerOrigin: string | null },
): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'file:' && trusted.rendererFileDir) {
    const dir = trusted.rendererFileDir.replace(/\\/g, '/').replace(/\/+$/, '');
    const path = decodeURIComponent(url.pathname).replace(/\\/g, '/');
    const normalized = path.replace(/^\/([A-Za-z]:)/, '$1');
    return (
      !normalized.split('/').includes('..') && (normalized === `${dir}/index.html` || normalized.startsWith(`${dir}/`))
    );
  }
  if (trusted.devServerOrigin && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return url.origin === new URL(trusted.devServerOrigin).origin;
  }
  return false;
}
