/**
 * The receipt printer as the app core uses it: print a receipt, a test page or a
 * report, kick the drawer, read status, list and retry journaled jobs.
 *
 * The drawer opens only when the caller asks; deciding whether it may (cash tender,
 * change due, an approved no-sale: DESIGN.md §8) is the sales code's job. The reason
 * travels with the request and is journaled with the job for the audit trail.
 */
import type { PrintJobView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import type { Receipt } from '../../../src-shared/receipt';
import type { Db } from '../../journal/open-journal';
import {
  describePrinterProblem,
  DRAWER_KICK,
  DRAWER_KICK_PIN5,
  renderEscPos,
  type PrinterEncoding,
  type PrinterStatusFlags,
  type PrinterWidth,
} from './escpos';
import { createPrintQueue, type PrintJob, type PrintJobState } from './print-queue';
import type { OsPrint } from './os-transport';
import { createPrinterTransport, type PrinterConfig } from './printer-config';
import type { PrinterTransport } from './printer-transport';
import { receiptDocument, testPageDocument } from './receipt-document';

export { printerConfigSchema, type PrinterConfig } from './printer-config';
export type { PrintJob } from './print-queue';

/** A print job as the screens see it (the contract's `PrintJobView`). */
export function printJobView(job: PrintJob): PrintJobView {
  return {
    id: job.id,
    kind: job.kind,
    label: job.label,
    state: job.state,
    attempts: job.attempts,
    lastError: job.lastError,
    createdAt: job.createdAt,
  };
}

/** Why the drawer is being opened; journaled with the kick. */
export type DrawerOpenReason =
  | { kind: 'cash-tender'; orderNumber: number }
  | { kind: 'change'; orderNumber: number }
  | { kind: 'no-sale'; approvedBy: string; note?: string }
  | { kind: 'test'; requestedBy: string };

export type PrinterServiceState = 'ready' | 'printing' | 'attention' | 'not-configured';

export interface PrinterServiceStatus {
  state: PrinterServiceState;
  /** A sentence for the cashier / device panel. */
  message: string;
  /** "TCP 192.168.1.50:9100", or null when no printer is configured. */
  transport: string | null;
  /** Jobs waiting to be printed (failed prints stay here until retried). */
  queued: number;
  /** What the printer said the last time it was asked (DLE EOT), if it answered. */
  flags: PrinterStatusFlags | null;
  checkedAt: string | null;
}

export interface PrinterServiceOptions {
  db: Db;
  config: PrinterConfig;
  /** Characters per line; overrides config.cpl. Default 42. */
  cpl?: PrinterWidth;
  encoding?: PrinterEncoding;
  onStatus?: (status: PrinterServiceStatus) => void;
  onJob?: (job: PrintJob) => void;
  /** Printed on the test page. */
  storeName?: string;
  /** Replaces the transport the config implies (e.g. one a test or the demo built). */
  transport?: PrinterTransport;
  /** The desktop shell's OS printing, for a printer of type 'os'. */
  osPrint?: OsPrint;
  now?: () => Date;
}

export interface PrinterService {
  printReceipt(receipt: Receipt): Promise<PrintJob>;
  printTestPage(): Promise<PrintJob>;
  /** Prints a receiptline document (X/Z reports); build it with escapeReceiptLine for any text. */
  printReport(document: string, label: string): Promise<PrintJob>;
  /** Sends the full 5-byte drawer kick through the printer. Resolves with the journaled job (done or failed). */
  openDrawer(reason: DrawerOpenReason): Promise<PrintJob>;
  status(): PrinterServiceStatus;
  /** Asks the printer for its status now (DLE EOT), where the transport can read. */
  refreshStatus(): Promise<PrinterServiceStatus>;
  jobs(options?: { states?: readonly PrintJobState[]; limit?: number }): PrintJob[];
  retry(id: number): Promise<PrintJob>;
  retryAll(): Promise<PrintJob[]>;
  /** Waits for the job in progress; call before closing the journal. */
  close(): Promise<void>;
}

function drawerLabel(reason: DrawerOpenReason): string {
  switch (reason.kind) {
    case 'cash-tender':
      return `Drawer: cash tender, order #${reason.orderNumber}`;
    case 'change':
      return `Drawer: change, order #${reason.orderNumber}`;
    case 'no-sale':
      return `Drawer: no-sale approved by ${reason.approvedBy}${reason.note ? ` (${reason.note})` : ''}`;
    case 'test':
      return `Drawer: test by ${reason.requestedBy}`;
  }
}

const NOT_CONFIGURED = 'No receipt printer is configured.';

/** Builds the printer service for a config. Jobs interrupted by a crash are re-queued at once. */
export function createPrinterService(options: PrinterServiceOptions): PrinterService {
  const { config } = options;
  const configured = config.type === 'none' ? null : config;
  const cpl: PrinterWidth = options.cpl ?? configured?.cpl ?? 42;
  const encoding: PrinterEncoding = options.encoding ?? configured?.encoding ?? 'cp437';
  const transport = options.transport ?? createPrinterTransport(config, options.osPrint ?? null);
  const now = options.now ?? (() => new Date());
  let flags: PrinterStatusFlags | null = null;
  let checkedAt: string | null = null;
  let printing = false;
  let lastProblem: string | null = null;
  let current: PrinterServiceStatus | null = null;

  async function checkStatus(): Promise<string | null> {
    if (!transport?.queryStatus) return null;
    const answer = await transport.queryStatus();
    checkedAt = now().toISOString();
    // No answer means unknown, not fine: drop what an earlier answer said.
    flags = answer;
    return answer ? describePrinterProblem(answer) : null;
  }

  const queue =
    transport &&
    createPrintQueue({
      db: options.db,
      transport,
      now,
      preflight: configured?.statusCheck === false ? undefined : () => checkStatus(),
      onJob(job) {
        // A job just journaled (queued, no error yet) says nothing about the one printing.
        if (job.state === 'printing') printing = true;
        else if (job.state !== 'queued' || job.lastError) printing = false;
        if (job.state === 'done') lastProblem = null;
        if (job.state === 'queued' && job.lastError)
          lastProblem = `${job.label} did not print: ${job.lastError} It is kept; retry once the printer is ready.`;
        if (job.state === 'failed') lastProblem = `${job.label} failed: ${job.lastError}`;
        options.onJob?.(job);
        publish();
      },
    });

  function compute(): PrinterServiceStatus {
    if (!transport || !queue) {
      return {
        state: 'not-configured',
        message: NOT_CONFIGURED,
        transport: null,
        queued: 0,
        flags: null,
        checkedAt: null,
      };
    }
    const queued = queue.queuedCount();
    const problem = (flags && describePrinterProblem(flags)) ?? lastProblem;
    const base = { transport: transport.description, queued, flags, checkedAt };
    if (printing) return { ...base, state: 'printing', message: `Printing on ${transport.description}…` };
    if (problem) return { ...base, state: 'attention', message: problem };
    if (queued > 0)
      return {
        ...base,
        state: 'attention',
        message: `${queued} print job${queued === 1 ? '' : 's'} waiting; retry once the printer is ready.`,
      };
    return { ...base, state: 'ready', message: `Printer ready (${transport.description}).` };
  }

  function publish(): void {
    const next = compute();
    if (
      !current ||
      next.state !== current.state ||
      next.message !== current.message ||
      next.queued !== current.queued
    ) {
      current = next;
      options.onStatus?.(next);
    }
    current = next;
  }

  function requireQueue() {
    if (!queue) throw new PosError('DEVICE_ERROR', NOT_CONFIGURED);
    return queue;
  }

  return {
    async printReceipt(receipt) {
      const q = requireQueue();
      const bytes = renderEscPos(receiptDocument(receipt, { cpl }), { cpl, encoding });
      return q.submit('receipt', `Receipt #${receipt.orderNumber}${receipt.copy ? ' (copy)' : ''}`, bytes);
    },
    async printTestPage() {
      const q = requireQueue();
      return q.submit(
        'test',
        'Test page',
        renderEscPos(testPageDocument({ cpl, storeName: options.storeName, at: now() }), { cpl, encoding }),
      );
    },
    async printReport(document, label) {
      return requireQueue().submit('report', label, renderEscPos(document, { cpl, encoding }));
    },
    async openDrawer(reason) {
      const q = requireQueue();
      const kick = configured?.drawerPin === 5 ? DRAWER_KICK_PIN5 : DRAWER_KICK;
      return q.submit('drawer', drawerLabel(reason), kick);
    },
    status: () => compute(),
    async refreshStatus() {
      await checkStatus().catch(() => null);
      publish();
      return compute();
    },
    jobs: (opts) => (queue ? queue.jobs(opts) : []),
    retry: async (id) => requireQueue().retry(id),
    retryAll: async () => requireQueue().retryAll(),
    async close() {
      await queue?.idle();
    },
  };
}
