/**
 * Headless host: the same core as the Electron shell, with the contract carried over a
 * loopback WebSocket so the real renderer runs in any Chromium. Prints the URL to open
 * (with its token) as its first line.
 *
 *   node out/main/host.js [--config FILE] [--port N]
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, configPermissionWarning } from '../../config/load-config';
import { resolveConfig } from '../../config/demo-config';
import { createCore } from '../../core';
import { DataFolderInUseError, lockDataFolder } from '../../journal/data-folder-lock';
import { JournalOpenError } from '../../journal/open-journal';
import { consoleLogger } from '../../logger';
import { rendererDir, resourcesDir } from './app-paths';
import { startWebHost } from './web-host';

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({ options: { config: { type: 'string' }, port: { type: 'string', default: '0' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(`--port ${values.port} is not a port number`, 'port');
  const configPath = values.config ?? process.env.COUNTERTOP_CONFIG ?? null;
  const config = resolveConfig(configPath);
  const warning = configPath ? configPermissionWarning(configPath, config) : null;
  if (warning) consoleLogger.info(warning);

  // One till per data folder: taken before the journal is opened, dropped by the OS however this process ends.
  const lock = lockDataFolder(config.dataDir, { program: basename(process.argv[1] ?? 'host.js') });
  if (lock.warning) consoleLogger.info(lock.warning);
  const core = await createCore({ config, resourcesDir: resourcesDir(__dirname) });
  const host = await startWebHost({
    dispatch: core.dispatch,
    events: core.events,
    rendererDir: rendererDir(__dirname),
    port,
    log: consoleLogger.info,
  });
  process.stdout.write(`${host.url}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  consoleLogger.info(`${config.demo ? 'DEMO MODE, ' : ''}journal ${core.journal.path}, ready in ${seconds} s`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await core.close();
    lock.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
  // Failures the operator can fix get their sentence (path and remedy), not a stack.
  if (error instanceof ConfigError || error instanceof DataFolderInUseError || error instanceof JournalOpenError) {
    process.stderr.write(`${error.message}\nCountertop did not start.\n`);
    process.exit(2);
  }
  consoleLogger.error('Countertop failed to start', error);
  process.exit(1);
});
