/**
 * The journal's full integrity check, in the background (issue 14). Start-up no longer reads every
 * page (31.7 s at 1M products and 1M orders); instead, once the till is up, a worker thread with its
 * own read-only connection runs `PRAGMA integrity_check` (integrity-check-worker.ts) and its verdict
 * is shown in `pos:app.info` and on the Devices screen, and logged. A failed check stops NEW money
 * coming in (new items in a sale, cash, a new payment): see `assertSound`. Money already taken can
 * still go back (refunds, voids, reversals), and history, X and Z reports stay readable, so the
 * manager can close the day on the damaged file before restoring a backup.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PosError } from '../../src-shared/errors';
import type { IntegrityCheckAnswer, IntegrityCheckRequest } from './integrity-check-worker';

export type JournalCheckState = 'pending' | 'running' | 'ok' | 'failed' | 'unavailable';

/** What `pos:app.info` carries as `journalCheck`. */
export interface JournalCheckView {
  /** pending: not started yet; unavailable: the check could not run (`note` says why; sales go on). */
  state: JournalCheckState;
  /** What SQLite found (at most 10), when failed. */
  problems?: string[];
  /** Why the check could not run, when unavailable. */
  note?: string;
  /** When it started (running) or finished. */
  at?: string;
  /** How long it took, once finished. */
  seconds?: number;
}

export interface JournalCheck {
  view(): JournalCheckView;
  /** Starts the check once (later calls do nothing); resolves with its verdict. */
  start(): Promise<JournalCheckView>;
  /** Throws a PosError naming the damage and the remedy once the check failed; `what` is what is refused. */
  assertSound(what: string): void;
  /** Stops a running check (the till is closing). */
  close(): Promise<void>;
}

/**
 * Where the worker is: beside the bundle in a build (out/main/integrity-check-worker.js, an entry
 * of electron.vite.config.ts; the code calling this may sit in out/main/chunks), else the source
 * file, run through tsx (tests, `node --import tsx`).
 */
export function integrityWorkerFile(here = __dirname): { file: string; execArgv: string[] } | null {
  for (const dir of [here, join(here, '..')]) {
    const built = join(dir, 'integrity-check-worker.js');
    if (existsSync(built)) return { file: built, execArgv: [] };
  }
  const source = join(here, 'integrity-check-worker.ts');
  return existsSync(source) ? { file: source, execArgv: ['--require', 'tsx/cjs'] } : null;
}

/** Runs the worker once; its answer, or a reason it gave none. */
function runWorker(request: IntegrityCheckRequest, track: (worker: Worker) => void): Promise<IntegrityCheckAnswer> {
  const where = integrityWorkerFile();
  if (!where) return Promise.resolve({ error: 'the integrity check worker is missing from this build' });
  return new Promise((resolve) => {
    let answered = false;
    const worker = new Worker(where.file, { workerData: request, execArgv: where.execArgv });
    track(worker);
    worker.once('message', (answer: IntegrityCheckAnswer) => {
      answered = true;
      resolve(answer);
    });
    worker.once('error', (error) => {
      answered = true;
      resolve({ error: error.message });
    });
    worker.once('exit', (code) => {
      if (!answered) resolve({ error: `the check stopped before it finished (exit ${code})` });
    });
  });
}

const REMEDY =
  'Restore the journal from your latest backup (or move it aside to start an empty one) and keep the damaged file for your support contact; run npm run journal -- verify for details.';

export function createJournalCheck(deps: {
  path: string;
  nativeBinding?: string;
  log: (message: string) => void;
  /** Each change of the verdict (the shells tell the screens). */
  changed?: (view: JournalCheckView) => void;
  now?: () => Date;
}): JournalCheck {
  const now = deps.now ?? (() => new Date());
  let view: JournalCheckView = { state: 'pending' };
  let running: Promise<JournalCheckView> | null = null;
  let worker: Worker | null = null;
  let closed = false;
  const set = (next: JournalCheckView) => {
    view = next;
    deps.changed?.(next);
  };

  const run = async (): Promise<JournalCheckView> => {
    if (deps.path === ':memory:') {
      set({ state: 'unavailable', note: 'an in-memory journal has no file to check', at: now().toISOString() });
      return view;
    }
    const started = performance.now();
    set({ state: 'running', at: now().toISOString() });
    deps.log('Checking the journal file in the background (SQLite integrity_check)…');
    const answer = await runWorker(
      { path: deps.path, ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}) },
      (w) => (worker = w),
    );
    worker = null;
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const at = now().toISOString();
    if (closed) return view;
    if ('error' in answer) {
      set({ state: 'unavailable', note: answer.error, at, seconds });
      deps.log(`The journal's integrity check could not run (${answer.error}); sales go on unchecked.`);
    } else if (answer.problems.length === 1 && answer.problems[0] === 'ok') {
      set({ state: 'ok', at, seconds });
      deps.log(`The journal's integrity check found no problem (${seconds} s).`);
    } else {
      set({ state: 'failed', problems: answer.problems.slice(0, 10), at, seconds });
      deps.log(
        `The journal ${deps.path} is damaged: SQLite's integrity check found ${answer.problems.length} problem(s): ${answer.problems.slice(0, 3).join('; ')}. New sales are refused. ${REMEDY}`,
      );
    }
    return view;
  };

  return {
    view: () => view,
    start() {
      running ??= run();
      return running;
    },
    assertSound(what) {
      if (view.state !== 'failed') return;
      throw new PosError(
        'CONFLICT',
        `The journal file is damaged (SQLite's integrity check found: ${(view.problems ?? []).slice(0, 2).join('; ')}), so this till takes no ${what}. Refunds, voids, sale history and the X and Z reports still work. ${REMEDY}`,
      );
    },
    async close() {
      closed = true;
      await worker?.terminate();
    },
  };
}

/**
 * Puts `check.assertSound(what)` in front of each named method of `service`, in place (every holder
 * of the service sees it): the services that bring new money in are guarded where core builds them,
 * so a scan from a HID scanner in main is refused like one from the window.
 */
export function refuseWhenDamaged<T extends object, K extends keyof T>(
  check: Pick<JournalCheck, 'assertSound'>,
  service: T,
  methods: readonly K[],
  what: string,
): void {
  for (const name of methods) {
    const method = service[name];
    if (typeof method !== 'function') throw new Error(`${String(name)} is not a method`);
    service[name] = function (this: unknown, ...args: unknown[]) {
      check.assertSound(what);
      return (method as (...a: unknown[]) => unknown).apply(this, args);
    } as T[K];
  }
}
