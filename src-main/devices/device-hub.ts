/**
 * The devices the till runs with, built from config: the receipt printer (with the
 * drawer behind it) and a scanner in main. A device that fails to load or connect
 * degrades to a status in words; it never stops the till.
 */
import type { DevicesView } from '../../src-shared/domain';
import type { Logger } from '../logger';
import type { Db } from '../journal/open-journal';
import type { OsPrint } from './printer/os-transport';
import { createPrinterService, type PrinterConfig, type PrinterService } from './printer/printer-service';
import { createScanSource, type ScannerConfig } from './scanner/scanner-config';
import type { ScanMeta, ScanSource, ScannerStatus } from './scanner/scanner-source';

export interface DeviceHub {
  printer: PrinterService;
  scanner(): ScanSource | null;
  /** Swaps the scanner read in main (the manager chose another one in settings). */
  setScanner(config: ScannerConfig): Promise<void>;
  view(): DevicesView;
  close(): Promise<void>;
}

export async function startDeviceHub(deps: {
  db: Db;
  printer: PrinterConfig;
  /** The desktop shell's OS printing (Electron only), for a printer of type 'os'. */
  osPrint?: OsPrint;
  scanner: ScannerConfig | ScanSource | null;
  storeName: string;
  log: Logger;
  onScan(code: string, meta: ScanMeta): void;
  onChange(view: DevicesView): void;
}): Promise<DeviceHub> {
  let hub: DeviceHub | null = null;
  let closed = false;
  let viewDue = false;
  // One view per turn of the event loop, however many changes it saw: a cash sale changes its three print
  // jobs about nine times, and each view reads the printer's queue and newest jobs from the journal.
  const changed = () => {
    if (!hub || viewDue || closed) return;
    viewDue = true;
    setImmediate(() => {
      viewDue = false;
      if (hub && !closed) deps.onChange(hub.view());
    });
  };
  const printer = createPrinterService({
    db: deps.db,
    config: deps.printer,
    storeName: deps.storeName,
    onStatus: changed,
    onJob: changed,
    ...(deps.osPrint ? { osPrint: deps.osPrint } : {}),
  });
  let scanner: ScanSource | null = null;
  let scannerStatus: ScannerStatus | null = null;
  const useScanner = async (source: ScanSource | null) => {
    await scanner?.stop().catch(() => undefined);
    scanner = source;
    scannerStatus = null;
    if (!source) return changed();
    source.on('scan', (code, meta) => deps.onScan(code, meta));
    source.on('status', (status) => {
      scannerStatus = status;
      changed();
    });
    await source.start().catch((error) => deps.log.error('Scanner failed to start', error));
    scannerStatus = source.status();
    changed();
  };
  await useScanner(
    deps.scanner === null ? null : 'start' in deps.scanner ? deps.scanner : createScanSource(deps.scanner),
  );

  hub = {
    printer,
    scanner: () => scanner,
    setScanner: (config) => useScanner(createScanSource(config)),
    view() {
      const p = printer.status();
      const s = scannerStatus;
      return {
        scanner: s
          ? {
              configured: true,
              state: s.state,
              message: s.message,
              device: s.device?.product ?? s.device?.path ?? null,
              lastScanAt: s.lastScanAt ?? null,
            }
          : {
              configured: false,
              state: 'not-configured',
              message: 'No scanner in main: scans typed by a keyboard-wedge scanner are detected in the window.',
              device: null,
              lastScanAt: null,
            },
        printer: {
          state: p.state,
          message: p.message,
          transport: p.transport,
          queued: p.queued,
          jobs: printer.jobs({ limit: 10 }).map((j) => ({
            id: j.id,
            kind: j.kind,
            label: j.label,
            state: j.state,
            attempts: j.attempts,
            lastError: j.lastError,
            createdAt: j.createdAt,
          })),
        },
      };
    },
    async close() {
      closed = true;
      await scanner?.stop().catch(() => undefined);
      await printer.close();
    },
  };
  return hub;
}
