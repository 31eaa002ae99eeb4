/**
 * Electron shell: only wiring. The app itself is core.ts; this file opens a hardened
 * window, applies the security policy and carries the contract over IPC.
 */
import { app, BrowserWindow, dialog, Menu, safeStorage } from 'electron';
import { join } from 'node:path';
import { ConfigError } from '../../config/load-config';
import { resolveConfig } from '../../config/demo-config';
import { createCore, type Core } from '../../core';
import { DataFolderInUseError, lockDataFolder, type DataFolderLock } from '../../journal/data-folder-lock';
import { JournalOpenError } from '../../journal/open-journal';
import { consoleLogger } from '../../logger';
import { applicationMenuTemplate } from './app-menu';
import { registerIpc } from './electron-ipc';
import { devServerUrl, isDevelopment } from './launch-mode';
import { electronOsPrint } from './os-print';
import { applySecurityPolicy, type TrustedRenderer } from './security';
import { safeStorageKeyStore } from './signing-key-store';
import { fileKeyStore } from '../../integrity/signing-key';
import { hardenedWebPreferences } from '../security-policy';

const development = isDevelopment(app);
const rendererFileDir = join(__dirname, '../renderer');
const trusted: TrustedRenderer = { rendererFileDir, devServerOrigin: devServerUrl(app, process.env) };
let lock: DataFolderLock | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Countertop',
    webPreferences: { ...hardenedWebPreferences(development), preload: join(__dirname, '../preload/index.cjs') },
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
  // One till per data folder (the single-instance lock only covers this user's copies of the app).
  lock = lockDataFolder(dataDir, { program: 'Countertop', nativeBinding: sqliteBinding });
  if (lock.warning) consoleLogger.info(lock.warning);
  return createCore({
    config: { ...config, dataDir },
    resourcesDir: resources,
    sqliteBinding,
    osPrint: electronOsPrint,
    // The journal's signing key, encrypted by the OS keychain unless the config names a key file.
    signingKeys: config.security.signingKeyFile
      ? fileKeyStore(config.security.signingKeyFile)
      : safeStorageKeyStore(
          safeStorage,
          { encrypted: join(dataDir, 'signing.key.enc'), plainFallback: join(dataDir, 'signing.key') },
          consoleLogger.info,
        ),
  });
}

app.enableSandbox();
// A second launch focuses the running till instead of opening the journal again.
if (!app.requestSingleInstanceLock()) app.exit(0);
app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});
app
  .whenReady()
  .then(async () => {
    applySecurityPolicy(trusted);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(applicationMenuTemplate({ development, platform: process.platform })),
    );
    let core: Core;
    try {
      core = await start();
    } catch (error) {
      // The operator's problems (config, folder in use, journal unreadable) are one sentence with the remedy.
      const explained =
        error instanceof ConfigError || error instanceof DataFolderInUseError || error instanceof JournalOpenError;
      dialog.showErrorBox('Countertop could not start', explained ? error.message : String(error));
      app.exit(explained ? 2 : 1);
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
    app.on('before-quit', () => void core.close().finally(() => lock?.release()));
  })
  .catch((error) => consoleLogger.error('Electron start failed', error));

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
