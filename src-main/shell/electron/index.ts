/**
 * Electron shell: only wiring. The app itself is core.ts; this file opens a hardened
 * window, applies the security policy and carries the contract over IPC.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { ConfigError } from '../../config/load-config';
import { resolveConfig } from '../../config/demo-config';
import { createCore, type Core } from '../../core';
import { consoleLogger } from '../../logger';
import { registerIpc } from './electron-ipc';
import { electronOsPrint } from './os-print';
import { applySecurityPolicy, type TrustedRenderer } from './security';
import { HARDENED_WEB_PREFERENCES } from '../security-policy';

const rendererFileDir = join(__dirname, '../renderer');
const trusted: TrustedRenderer = { rendererFileDir, devServerOrigin: process.env.ELECTRON_RENDERER_URL ?? null };

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Countertop',
    webPreferences: { ...HARDENED_WEB_PREFERENCES, preload: join(__dirname, '../preload/index.cjs') },
  });
  window.once('ready-to-show', () => window.show());
  if (trusted.devServerOrigin) void window.loadURL(trusted.devServerOrigin);
  else void window.loadFile(join(rendererFileDir, 'index.html'));
  return window;
}

async function start(): Promise<Core> {
  const configPath =
    process.argv.find((a) => a.startsWith('--config='))?.slice('--config='.length) ??
    process.env.COUNTERTOP_CONFIG ??
    null;
  const config = resolveConfig(configPath);
  const resources = app.isPackaged ? join(process.resourcesPath, 'resources') : join(__dirname, '../../resources');
  const dataDir = configPath ? config.dataDir : join(app.getPath('userData'), 'demo');
  // better-sqlite3 built for Electron's ABI, beside node_modules' Node build (scripts/build-electron-sqlite.mjs).
  const sqliteBinding = app.isPackaged
    ? join(process.resourcesPath, 'native', 'better_sqlite3.node')
    : join(__dirname, '../../.electron-native/better_sqlite3.node');
  return createCore({
    config: { ...config, dataDir },
    resourcesDir: resources,
    sqliteBinding,
    osPrint: electronOsPrint,
  });
}

app.enableSandbox();
app
  .whenReady()
  .then(async () => {
    applySecurityPolicy(trusted);
    let core: Core;
    try {
      core = await start();
    } catch (error) {
      dialog.showErrorBox('Countertop could not start', error instanceof ConfigError ? error.message : String(error));
      app.exit(error instanceof ConfigError ? 2 : 1);
      return;
    }
    registerIpc({
      dispatch: core.dispatch,
      events: core.events,
      trusted,
      windows: () => BrowserWindow.getAllWindows(),
    });
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    app.on('before-quit', () => void core.close());
  })
  .catch((error) => consoleLogger.error('Electron start failed', error));

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
