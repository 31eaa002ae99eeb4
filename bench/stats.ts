/**
 * The one timing and percentile helper every benchmark uses: samples in milliseconds,
 * nearest-rank percentiles, bounded sampling loops and the number formats of the report.
 */
import { performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (q in 0…1) of samples already sorted ascending. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
  };
}

/** Milliseconds taken by a synchronous call. */
export function timeSync(call: () => unknown): number {
  const start = performance.now();
  call();
  return performance.now() - start;
}

/**
 * Runs `step(i)` until `count` steps ran or `maxMs` passed, whichever first, so no
 * benchmark loop is unbounded in count or time. Returns how many steps ran.
 */
export async function boundedLoop(count: number, maxMs: number, step: (i: number) => unknown): Promise<number> {
  const deadline = performance.now() + maxMs;
  let i = 0;
  for (; i < count && performance.now() < deadline; i += 1) await step(i);
  return i;
}

/** Calls `sample(i)` (which returns milliseconds) `runs` times within `maxMs`, and summarizes. */
export async function sampleMs(
  runs: number,
  maxMs: number,
  sample: (i: number) => number | Promise<number>,
): Promise<Summary> {
  const samples: number[] = [];
  await boundedLoop(runs, maxMs, async (i) => {
    samples.push(await sample(i));
  });
  return summarize(samples);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every `everyMs` until it is true or `timeoutMs` passed; returns whether it became true. */
export async function pollUntil(done: () => boolean, timeoutMs: number, everyMs = 2): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/** "1.23 ms" with a precision that suits the magnitude. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return `${value.toFixed(0)} ms`;
  if (Math.abs(value) >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** Milliseconds shown in microseconds: "12 µs". */
export function us(valueMs: number): string {
  return Number.isFinite(valueMs) ? `${(valueMs * 1000).toFixed(0)} µs` : '—';
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—';
}

/** Progress for the person running the bench; stdout stays clean. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Wall-clock milliseconds with sub-millisecond resolution (performance.timeOrigin + now), comparable with a page's. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
