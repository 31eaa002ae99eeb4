/**
 * The station's devices as main reports them (`pos:devices.status`, then
 * `pos:devices.changed`): scanner and printer state in words, recent print jobs. Also
 * every printer action: receipts, retries, the test page and the manager-approved
 * no-sale drawer opening. Main decides; this only asks and shows.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput, ChannelOutput } from '../../src-shared/contract';
import type { DevicesView, PrintJobView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { withApproval, type Approval } from '../common/approval';
import { busyRunner } from '../common/busy-call';
import { latest } from '../common/latest';
import { jobText } from '../common/print-job-text';
import { showFailure } from '../common/shown-error';

export type HidList = ChannelOutput<'pos:devices.hidList'>;
export type ScannerChoice = ChannelInput<'pos:devices.chooseScanner'>;

/** A receipt print the cashier asked for, followed until it is done or failed. */
export interface ReceiptPrint {
  orderId: string;
  copy: boolean;
  job: PrintJobView | null;
  error: string | null;
}

export interface DevicesState {
  view: DevicesView | null;
  hid: HidList | null;
  /** Which printer action is running ('receipt', 'test', 'drawer', 'retry:<id>', 'hid'), if any. */
  busy: string | null;
  error: string | null;
  /** The last printer action's answer, in words, for the devices panel. */
  notice: string | null;
  receiptPrint: ReceiptPrint | null;
  load(): Promise<void>;
  /** Takes a report from main (reply or `pos:devices.changed`). */
  applyView(view: DevicesView): void;
  findHid(): Promise<void>;
  /** Manager: the USB scanner main reads from (or none: keyboard-wedge scanners only). */
  chooseScanner(choice: ScannerChoice): Promise<boolean>;
  printReceipt(orderId: string, copy: boolean): Promise<PrintJobView | null>;
  retry(jobId: number): Promise<PrintJobView | null>;
  testPage(): Promise<PrintJobView | null>;
  /** Resolves with null when the drawer was told to open, else the sentence to show in the approval dialog. */
  noSale(reason: string, approval?: Approval): Promise<string | null>;
  clearReceiptPrint(): void;
}

export type DevicesStore = StoreApi<DevicesState>;

export function createDevicesStore(client: PosClient): DevicesStore {
  const reads = latest();

  const store = createStore<DevicesState>()((set, get) => {
    /** A newer report of a job (reply or event) replaces the one shown. */
    function trackJob(job: PrintJobView): void {
      const current = get().receiptPrint;
      if (current?.job?.id === job.id) set({ receiptPrint: { ...current, job } });
      const view = get().view;
      if (view?.printer.jobs.some((j) => j.id === job.id)) {
        set({
          view: {
            ...view,
            printer: { ...view.printer, jobs: view.printer.jobs.map((j) => (j.id === job.id ? job : j)) },
          },
        });
      }
    }

    /** Runs one printer call under a busy tag; failures become the panel's error. */
    const runBusy = busyRunner(set);
    const run = <T>(tag: string, call: () => Promise<T>) => {
      set({ notice: null });
      return runBusy(tag, call);
    };

    return {
      view: null,
      hid: null,
      busy: null,
      error: null,
      notice: null,
      receiptPrint: null,

      load: () =>
        reads(
          () => client.invoke('pos:devices.status', {}),
          (view) => get().applyView(view),
          (failure) => showFailure(set, failure),
        ),

      applyView(view) {
        set({ view });
        const current = get().receiptPrint;
        const job = current?.job ? view.printer.jobs.find((j) => j.id === current.job!.id) : undefined;
        if (current && job) set({ receiptPrint: { ...current, job } });
      },

      async findHid() {
        const hid = await run('hid', () => client.invoke('pos:devices.hidList', {}));
        if (hid) set({ hid });
      },

      async chooseScanner(choice) {
        const view = await run('scanner', () => client.invoke('pos:devices.chooseScanner', choice));
        if (!view) return false;
        get().applyView(view);
        set({
          notice:
            choice.type === 'none'
              ? 'No USB scanner is read by the till now.'
              : `Scanner chosen: ${view.scanner.message}`,
        });
        return true;
      },

      async printReceipt(orderId, copy) {
        set({ receiptPrint: { orderId, copy, job: null, error: null } });
        try {
          const job = await client.invoke('pos:print.receipt', { orderId, copy });
          if (get().receiptPrint?.orderId === orderId) set({ receiptPrint: { orderId, copy, job, error: null } });
          return job;
        } catch (error) {
          const failure = toClientError(error);
          if (get().receiptPrint?.orderId === orderId)
            set({ receiptPrint: { orderId, copy, job: null, error: failure.message } });
          return null;
        }
      },

      async retry(jobId) {
        const job = await run(`retry:${jobId}`, () => client.invoke('pos:print.retry', { jobId }));
        if (job) {
          trackJob(job);
          set({ notice: `${job.label}: ${jobText(job)}` });
        }
        return job;
      },

      async testPage() {
        const job = await run('test', () => client.invoke('pos:print.testPage', {}));
        if (job) {
          trackJob(job);
          set({ notice: `Test page: ${jobText(job)}` });
        }
        return job;
      },

      async noSale(reason, approval) {
        set({ busy: 'drawer', error: null, notice: null });
        try {
          const job = await client.invoke('pos:drawer.noSale', { reason, ...withApproval(approval) });
          trackJob(job);
          set({
            notice:
              job.state === 'failed'
                ? `The drawer did not open: ${job.lastError ?? 'printer error'}`
                : 'Drawer opened (no sale).',
          });
          return null;
        } catch (error) {
          return toClientError(error).message;
        } finally {
          set({ busy: null });
        }
      },

      clearReceiptPrint: () => set({ receiptPrint: null }),
    };
  });

  client.on('pos:devices.changed', (view) => {
    // An event is newer than any read still in flight.
    reads.supersede();
    store.getState().applyView(view);
  });

  return store;
}
