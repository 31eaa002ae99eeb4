/**
 * X and Z reports (`pos:reports.*`): the X report of the open shift, the list of Z
 * reports, one report on screen (a stored Z opened again is a COPY), printing it and
 * exporting it as CSV. The print job is followed through `pos:devices.changed`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelOutput } from '../../src-shared/contract';
import type { PrintJobView } from '../../src-shared/domain';
import type { Report } from '../../src-shared/report';
import type { PosClient } from '../api/client';
import { busyRunner } from '../common/busy-call';
import { latest } from '../common/latest';
import { showFailure } from '../common/shown-error';

export type ZSummary = ChannelOutput<'pos:reports.list'>[number];
export type ReportFile = ChannelOutput<'pos:reports.csv'>;

export interface ReportsState {
  list: ZSummary[];
  listLoaded: boolean;
  /** The report on screen: an X report, the Z a close just made, or a stored Z (copy). */
  shown: Report | null;
  /** Which call is running ('x', 'z', 'print', 'csv'), if any. */
  busy: string | null;
  error: string | null;
  /** The print of the report on screen, as the printer reports it. */
  printJob: PrintJobView | null;
  loadList(): Promise<void>;
  showX(): Promise<void>;
  /** Opens a stored Z report; opened again, it is a copy. */
  openZ(number: number, copy?: boolean): Promise<void>;
  /** Shows a report main just answered (the Z of a close). */
  show(report: Report): void;
  closeReport(): void;
  printShown(): Promise<PrintJobView | null>;
  /** The report on screen as a CSV file, for the screen to save. */
  exportShown(): Promise<ReportFile | null>;
}

export type ReportsStore = StoreApi<ReportsState>;

/** "X report", "Z report 3". */
export function reportName(report: Pick<Report, 'kind' | 'number'>): string {
  return report.kind === 'X' || report.number === null ? 'X report' : `Z report ${report.number}`;
}

export function createReportsStore(client: PosClient): ReportsStore {
  const lists = latest();

  const store = createStore<ReportsState>()((set, get) => {
    const run = busyRunner(set);

    return {
      list: [],
      listLoaded: false,
      shown: null,
      busy: null,
      error: null,
      printJob: null,

      loadList: () =>
        lists(
          () => client.invoke('pos:reports.list', {}),
          // Newest first, as a manager looks for the last close.
          (list) => set({ list: [...list].sort((a, b) => b.number - a.number), listLoaded: true }),
          (failure) => showFailure(set, failure),
        ),

      async showX() {
        const report = await run('x', () => client.invoke('pos:reports.x', {}));
        if (report) get().show(report);
      },

      async openZ(number, copy = true) {
        const report = await run('z', () => client.invoke('pos:reports.z', { number, copy }));
        if (report) get().show(report);
      },

      show(report) {
        set({ shown: report, printJob: null, error: null });
        if (report.kind === 'Z' && !get().list.some((z) => z.number === report.number)) void get().loadList();
      },

      closeReport: () => set({ shown: null, printJob: null, error: null }),

      async printShown() {
        const shown = get().shown;
        if (!shown) return null;
        const number = shown.kind === 'Z' ? shown.number : null;
        const job = await run('print', () =>
          client.invoke('pos:reports.print', { number, copy: number !== null && shown.copy }),
        );
        if (job && get().shown === shown) set({ printJob: job });
        return job;
      },

      async exportShown() {
        const shown = get().shown;
        if (!shown) return null;
        return run('csv', () => client.invoke('pos:reports.csv', { number: shown.kind === 'Z' ? shown.number : null }));
      },
    };
  });

  client.on('pos:devices.changed', (view) => {
    const job = store.getState().printJob;
    const newer = job ? view.printer.jobs.find((j) => j.id === job.id) : undefined;
    if (newer) store.setState({ printJob: newer });
  });

  return store;
}
