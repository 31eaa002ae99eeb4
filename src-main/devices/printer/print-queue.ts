/**
 * The journaled print queue: a job is committed before its bytes go out; a print that
 * fails stays queued with its error until someone retries it; one job prints at a
 * time (a printer cannot interleave two receipts). Drawer kicks are journaled too,
 * for the audit trail, but are never retried: a drawer that springs open minutes
 * later, without the cashier asking, is worse than one that did not open.
 */
import { PosError } from '../../../src-shared/errors';
import type { Db } from '../../journal/open-journal';
import {
  createPrintJobStore,
  type PrintJob,
  type PrintJobKind,
  type PrintJobState,
} from '../../journal/print-job-repository';
import type { PrinterTransport } from './printer-transport';

export type { PrintJob, PrintJobKind, PrintJobState } from '../../journal/print-job-repository';

export interface PrintQueueOptions {
  db: Db;
  transport: PrinterTransport;
  /**
   * Asked before sending; a sentence (paper out, cover open) keeps the job queued with
   * that error instead of sending bytes the printer would hold and print later.
   */
  preflight?: (job: PrintJob) => Promise<string | null>;
  /** Every change of a job's state. */
  onJob?: (job: PrintJob) => void;
  now?: () => Date;
}

export interface PrintQueue {
  /** Journals the job, then prints it; resolves with its state afterwards (done, queued with error, or failed). */
  submit(kind: PrintJobKind, label: string, payload: Buffer): Promise<PrintJob>;
  /** Prints a queued job again. Drawer kicks cannot be retried (CONFLICT). */
  retry(id: number): Promise<PrintJob>;
  /** Retries queued jobs oldest first, stopping at the first that fails again. */
  retryAll(): Promise<PrintJob[]>;
  jobs(options?: { states?: readonly PrintJobState[]; limit?: number }): PrintJob[];
  get(id: number): PrintJob | null;
  queuedCount(): number;
  /** Resolves when nothing is printing. */
  idle(): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Creates the queue and puts jobs left 'printing' by a crash back in the queue. */
export function createPrintQueue(options: PrintQueueOptions): PrintQueue {
  const store = createPrintJobStore(options.db);
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  let chain: Promise<unknown> = Promise.resolve();

  store.recoverInterrupted(now());

  function changed(id: number): PrintJob {
    const job = store.get(id);
    if (!job) throw new PosError('NOT_FOUND', `Print job ${id} does not exist.`);
    options.onJob?.(job);
    return job;
  }

  async function print(id: number): Promise<PrintJob> {
    const job = store.get(id);
    if (!job) throw new PosError('NOT_FOUND', `Print job ${id} does not exist.`);
    if (job.state !== 'queued') return job;
    // Drawer kicks skip the check: the drawer opens whether or not there is paper.
    const problem = options.preflight && job.kind !== 'drawer' ? await options.preflight(job).catch(() => null) : null;
    if (problem) {
      store.markQueued(id, problem, now());
      return changed(id);
    }
    if (!store.markPrinting(id, now())) return changed(id);
    changed(id);
    try {
      await options.transport.send(store.payload(id) ?? Buffer.alloc(0));
      store.markDone(id, now());
    } catch (error) {
      if (job.kind === 'drawer') store.markFailed(id, messageOf(error), now());
      else store.markQueued(id, messageOf(error), now());
    }
    return changed(id);
  }

  /** Runs jobs one after another, whatever the caller does with the promise. */
  function enqueue(id: number): Promise<PrintJob> {
    const run = chain.then(() => print(id));
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    async submit(kind, label, payload) {
      const job = store.insert(kind, label, payload, now());
      options.onJob?.(job);
      return enqueue(job.id);
    },
    async retry(id) {
      const job = store.get(id);
      if (!job) throw new PosError('NOT_FOUND', `Print job ${id} does not exist.`);
      if (job.kind === 'drawer')
        throw new PosError('CONFLICT', 'A drawer kick is never repeated; open the drawer again if it is still needed.');
      if (job.state !== 'queued')
        throw new PosError('CONFLICT', `Print job ${id} is ${job.state}, not waiting to print.`);
      return enqueue(id);
    },
    async retryAll() {
      const queued = store
        .list({ states: ['queued'], limit: 1000 })
        .filter((j) => j.kind !== 'drawer')
        .reverse();
      const results: PrintJob[] = [];
      for (const job of queued) {
        const result = await enqueue(job.id);
        results.push(result);
        // Still failing: the printer is not back yet; leave the rest queued as they are.
        if (result.state !== 'done') break;
      }
      return results;
    },
    jobs: (opts) => store.list(opts),
    get: (id) => store.get(id),
    queuedCount: () => store.countByState('queued'),
    idle: () => chain.then(() => undefined),
  };
}
