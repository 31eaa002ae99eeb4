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
 * The renderer's webPreferences (electron docs security.md 2–4, 6, 8–10): isolated, sandboxed, no Node, and
 * DevTools only in development (issue 12). Plain data so a test can hold the line without Electron.
 */
export function hardenedWebPreferences(development: boolean) {
  return Object.freeze({
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
    devTools: development,
  } as const);
}

/** The production preferences (no DevTools), for windows that never need them (OS printing). */
export const HARDENED_WEB_PREFERENCES = hardenedWebPreferences(false);

/**
 * True only for the app's own pages, compared in full (issue 12): the packaged renderer is a file:// URL with
 * no host (`file://server/share/…` is a network path on Windows) whose decoded path lies inside the renderer
 * folder, with no `..`, no encoded separator tricks and no control characters; the dev server is its whole
 * origin (scheme, host and port) with no user name or password. Never startsWith on the raw string
 * (`http://localhost:5173.evil.com`). `file://localhost/…` is the same URL as `file:///…` to the WHATWG
 * parser (and to Chromium), so it is judged by its path like any local file URL.
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
  if (url.username || url.password) return false;
  if (url.protocol === 'file:' && trusted.rendererFileDir) {
    if (url.host !== '') return false;
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return false;
    }
    if (/[\u0000-\u001f]/.test(path)) return false;
    const dir = trusted.rendererFileDir.replace(/\\/g, '/').replace(/\/+$/, '');
    const normalized = path.replace(/\\/g, '/').replace(/^\/([A-Za-z]:)/, '$1');
    const segments = normalized.split('/');
    if (segments.includes('..') || segments.includes('.')) return false;
    return normalized.startsWith(`${dir}/`) && normalized.length > dir.length + 1;
  }
  if (trusted.devServerOrigin && (url.protocol === 'http:' || url.protocol === 'https:')) {
    let origin: string;
    try {
      origin = new URL(trusted.devServerOrigin).origin;
    } catch {
      return false;
    }
    return url.origin === origin;
  }
  return false;
}
