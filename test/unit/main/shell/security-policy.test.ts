import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  HARDENED_WEB_PREFERENCES,
  isTrustedRendererUrl,
} from '../../../../src-main/shell/security-policy';

const packaged = { rendererFileDir: '/opt/Countertop/resources/app.asar/out/renderer', devServerOrigin: null };
const dev = { rendererFileDir: null, devServerOrigin: 'http://localhost:5173' };

describe('which URLs the app trusts as its own renderer', () => {
  it.each([
    ['file:///opt/Countertop/resources/app.asar/out/renderer/index.html', packaged],
    ['file:///opt/Countertop/resources/app.asar/out/renderer/assets/index.js', packaged],
    ['http://localhost:5173/', dev],
    ['http://localhost:5173/src/main.tsx?t=1', dev],
  ])('trusts %s', (url, trusted) => {
    expect(isTrustedRendererUrl(url, trusted)).toBe(true);
  });

  it.each([
    ['file:///opt/Countertop/resources/app.asar/out/renderer/../../../../etc/passwd', packaged],
    ['file:///opt/Countertop/resources/app.asar/out/renderer%2F..%2F..%2Fsecrets', packaged],
    ['file:///opt/Countertop/resources/app.asar/out/renderer-evil/index.html', packaged],
    ['file:///tmp/index.html', packaged],
    ['https://evil.example/', packaged],
    ['http://localhost:5173.evil.example/', dev],
    ['http://localhost:5174/', dev],
    ['https://localhost:5173@evil.example/', dev],
    ['javascript:alert(1)', dev],
    ['data:text/html,<script>alert(1)</script>', packaged],
    ['not a url', packaged],
    ['', dev],
  ])('refuses %s', (url, trusted) => {
    expect(isTrustedRendererUrl(url, trusted)).toBe(false);
  });
});

describe('the content security policy', () => {
  it('allows no inline or remote script and no plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|(^|\s)\*(\s|;|$)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('the renderer window', () => {
  it('is isolated, sandboxed and has no Node', () => {
    expect(HARDENED_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
    expect(Object.isFrozen(HARDENED_WEB_PREFERENCES)).toBe(true);
  });
});
