/**
 * Electron security policy, applied once at startup (electron docs security.md):
 * navigation, redirects, new windows, webviews and permission requests are denied by
 * default; every response carries the CSP; IPC senders are checked against the app's
 * own renderer URL. The URL rules themselves are plain code in security-policy.ts.
 */
import { app, session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isTrustedRendererUrl } from '../security-policy';

export interface TrustedRenderer {
  rendererFileDir: string | null;
  devServerOrigin: string | null;
}

export function applySecurityPolicy(trusted: TrustedRenderer): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedRendererUrl(url, trusted)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** IPC sender check: the main frame of one of our windows, showing our own renderer. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null, trusted: TrustedRenderer): boolean {
  return frame !== null && frame.parent === null && isTrustedRendererUrl(frame.url, trusted);
}
