/**
 * The Electron shell in production (issue 12, read from the code since the Electron binary is not here): no
 * DevTools and a minimal menu unless started from the sources, ELECTRON_RENDERER_URL only when not packaged,
 * trusted renderer URLs compared in full, and the fuses set in electron-builder.yml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applicationMenuTemplate, DEVELOPMENT_ONLY_ROLES } from '../../../../src-main/shell/electron/app-menu';
import { devServerUrl, isDevelopment } from '../../../../src-main/shell/electron/launch-mode';
import {
  HARDENED_WEB_PREFERENCES,
  hardenedWebPreferences,
  isTrustedRendererUrl,
} from '../../../../src-main/shell/security-policy';

/** Every role anywhere in a menu template, submenus included. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

describe('the application menu', () => {
  it.each(['darwin', 'win32', 'linux'] as const)(
    'in production on %s has no DevTools, reload or force reload anywhere',
    (platform) => {
      const production = roles(applicationMenuTemplate({ development: false, platform }));
      for (const role of DEVELOPMENT_ONLY_ROLES) expect(production).not.toContain(role);
      expect(production).toContain('quit');
      expect(production).toContain('paste');
    },
  );

  it('in development keeps DevTools and reload', () => {
    const development = roles(applicationMenuTemplate({ development: true, platform: 'linux' }));
    for (const role of DEVELOPMENT_ONLY_ROLES) expect(development).toContain(role);
  });
});

describe('the launch mode', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' };
  it('is development only when not packaged', () => {
    expect(isDevelopment({ isPackaged: true })).toBe(false);
    expect(isDevelopment({ isPackaged: false })).toBe(true);
  });

  it('honours ELECTRON_RENDERER_URL only when not packaged, and only an http(s) URL', () => {
    expect(devServerUrl({ isPackaged: true }, env)).toBeNull();
    expect(devServerUrl({ isPackaged: false }, env)).toBe('http://localhost:5173/');
    expect(devServerUrl({ isPackaged: false }, {})).toBeNull();
    expect(devServerUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'file:///tmp/evil.html' })).toBeNull();
    expect(devServerUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'not a url' })).toBeNull();
  });
});

describe('the renderer window preferences', () => {
  it('have DevTools off in production and on in development, hardened either way', () => {
    expect(HARDENED_WEB_PREFERENCES.devTools).toBe(false);
    expect(hardenedWebPreferences(false)).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true });
    expect(hardenedWebPreferences(true)).toMatchObject({ devTools: true, sandbox: true, nodeIntegration: false });
    expect(Object.isFrozen(hardenedWebPreferences(false))).toBe(true);
  });
});

describe('trusted renderer URLs are compared in full', () => {
  const dir = '/opt/Countertop/resources/app.asar/out/renderer';
  const packaged = { rendererFileDir: dir, devServerOrigin: null };
  const dev = { rendererFileDir: null, devServerOrigin: 'http://localhost:5173' };

  it.each([
    [`file://${dir}/index.html`, packaged],
    // The WHATWG parser (and Chromium) read file://localhost/ as file:///: the same local file, so trusted.
    [`file://localhost${dir}/index.html`, packaged],
    ['http://localhost:5173/src/main.tsx', dev],
  ])('trusts %s', (url, trusted) => {
    expect(isTrustedRendererUrl(url, trusted)).toBe(true);
  });

  it.each([
    // A host in a file URL is another machine (a network share on Windows), whatever the path says.
    [`file://evil${dir}/index.html`, packaged],
    [`file://evil.example${dir}/index.html`, packaged],
    [`file://127.0.0.1${dir}/index.html`, packaged],
    // Encoded dot segments and separators.
    [`file://${dir}/%2e%2e/%2e%2e/secrets.html`, packaged],
    [`file://${dir}/assets%2F..%2F..%2Fsecrets.html`, packaged],
    [`file://${dir}/assets%5C..%5C..%5Csecrets.html`, packaged],
    [`file://${dir}/.%2Findex.html`, packaged],
    [`file://${dir}/index.html%00.png`, packaged],
    // Malformed escapes are refused, not thrown (the check runs inside will-navigate).
    [`file://${dir}/%E0%A4%A`, packaged],
    [`file://${dir}`, packaged],
    [`file://${dir}/`, packaged],
    ['http://user:pass@localhost:5173/', dev],
    ['http://localhost:5173.evil.example/', dev],
    ['https://localhost:5173/', dev],
    ['http://127.0.0.1:5173/', dev],
  ])('refuses %s', (url, trusted) => {
    expect(isTrustedRendererUrl(url, trusted)).toBe(false);
  });
});

describe('the Electron fuses set at packaging', () => {
  const builder = parse(readFileSync(join(__dirname, '../../../../electron-builder.yml'), 'utf8')) as {
    electronFuses?: Record<string, unknown>;
  };
  const schema = JSON.parse(
    readFileSync(join(__dirname, '../../../../node_modules/app-builder-lib/scheme.json'), 'utf8'),
  ) as { definitions: { FuseOptionsV1: { properties: Record<string, unknown> } } };

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableCookieEncryption', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
  ])('%s is %s', (fuse, value) => {
    expect(builder.electronFuses?.[fuse]).toBe(value);
  });

  it('names only fuses electron-builder knows (a misspelt key would be silently ignored)', () => {
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const key of Object.keys(builder.electronFuses ?? {})) expect(known).toContain(key);
  });
});
