/**
 * `npm run bench`: every benchmark in sequence, then BENCHMARKS.md (rewritten whole).
 * Progress goes to stderr. Flags:
 *   --catalog-1m        also run the in-process catalogue benchmark at 1M SKUs
 *   --only=a,b          run only these (scale, scan, commit, catalog, payment, login); prints the
 *                       report to stdout and leaves BENCHMARKS.md alone
 *   --scans=N           scans per scan benchmark (default 200)
 *   --scale=10k,100k,1m sizes of the scaling table (default all three: issue 14 requires 1M)
 *   --runs=N            runs per scaling figure (default 3; the median is the figure)
 *   --quick             --scale=10k,100k --runs=1, 1,000 → 2,000 sales for memory, scans at 100k
 * The scaling table's big stores are generated once and cached (bench/big-store.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { catalogBench } from './catalog';
import { durableCommitBench } from './durable-commit';
import { loginBench } from './login';
import { paymentOverheadBench } from './payment-overhead';
import { describeMachine, loadAverage, renderReport, type BenchResult } from './report';
import { bigStore, catalogueProduct, scannableIndex } from './big-store';
import { scaleBench } from './scale';
import { scanBenches } from './scan-to-row';
import { progress } from './stats';

const BENCHES = ['scale', 'scan', 'commit', 'catalog', 'payment', 'login'] as const;
type BenchName = (typeof BENCHES)[number];

function failed(title: string, aim: string, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  progress(`${title}: FAILED: ${message}`);
  return {
    title,
    tables: [],
    aim,
    met: null,
    method: 'The benchmark stopped before it had figures.',
    notes: [`Error: ${message}`],
  };
}

async function attempt(title: string, aim: string, run: () => Promise<BenchResult>): Promise<BenchResult> {
  try {
    return await run();
  } catch (error) {
    return failed(title, aim, error);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'catalog-1m': { type: 'boolean', default: false },
      only: { type: 'string' },
      scans: { type: 'string', default: '200' },
      scale: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
    },
  });
  const sizeOf = (text: string) => {
    const n = Number(text.trim().toLowerCase().replace(/k$/, '000').replace(/m$/, '000000'));
    if (![10_000, 100_000, 1_000_000].includes(n)) throw new Error(`--scale sizes are 10k, 100k and 1m, not ${text}`);
    return n;
  };
  const sizes = (values.scale ?? (values.quick ? '10k,100k' : '10k,100k,1m')).split(',').map(sizeOf);
  const runs = Number(values.runs ?? (values.quick ? 1 : 3));
  if (!Number.isInteger(runs) || runs < 1 || runs > 9) throw new Error('--runs must be 1…9');
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...BENCHES];
  const unknown = only.filter((name) => !BENCHES.includes(name as BenchName));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  const wanted = (name: BenchName) => only.includes(name);
  const scans = Number(values.scans);
  if (!Number.isInteger(scans) || scans < 1 || scans > 2000) throw new Error('--scans must be 1…2000');

  const startedAt = new Date();
  const loadBefore = loadAverage();
  const machine = describeMachine();
  const extra: [string, string][] = [];
  const results = new Map<string, BenchResult>();
  progress(`${machine.cpu}, ${machine.cores}; load ${loadBefore}`);

  if (wanted('scale')) {
    try {
      const scale = await scaleBench({ sizes, runs, sales: values.quick ? [1000, 2000] : [1000, 10_000] });
      results.set('scale', scale.result);
      extra.push([
        'Big stores (bench/big-store.ts, /tmp/countertop-bench-cache)',
        scale.generation.map(([k, v]) => `${k} ${v}`).join('; '),
      ]);
    } catch (error) {
      results.set('scale', failed('Scaling table (issue 14)', 'each row its own aim', error));
    }
  }

  // Cheap, in-process benchmarks first; the browser last.
  if (wanted('commit'))
    results.set(
      'commit',
      await attempt(
        'Durable commit of a completed cash sale vs a bare SQLite WAL+FULL insert',
        'checkout transaction p50 ≤ 1.5 × bare insert p50',
        () => durableCommitBench(500, 90_000),
      ),
    );
  if (wanted('payment'))
    results.set(
      'payment',
      await attempt(
        'Payment engine overhead per card attempt over the bare IOTPay simulator round trip',
        'overhead ≤ 2 ms',
        () => paymentOverheadBench(300, 60_000),
      ),
    );
  if (wanted('login'))
    results.set(
      'login',
      await attempt('Login time with the production scrypt cost', 'login p95 < 300 ms', () => loginBench(60, 90_000)),
    );
  if (wanted('catalog')) {
    const sizes = values['catalog-1m'] ? [100_000, 1_000_000] : [100_000];
    results.set(
      'catalog',
      await attempt('Barcode lookup and name search', 'lookups p95 ≤ 1 ms, searches p95 ≤ 16 ms', () =>
        catalogBench(sizes),
      ),
    );
  }
  if (wanted('scan')) {
    try {
      const skus = Math.max(...sizes);
      const store = await bigStore({ products: skus, orders: 0, openOrders: 0 });
      const { wedge, hid, chromium } = await scanBenches(
        {
          skus,
          scans,
          clearEvery: 50,
          warmup: 5,
          store: {
            dataDir: store.dataDir,
            barcode: (k) => catalogueProduct(scannableIndex(k, skus)).barcode!,
            label: `The ${skus.toLocaleString('en')}-product big-store catalogue (bench/big-store.ts)`,
          },
        },
        180_000,
      );
      results.set('wedge', wedge);
      results.set('hid', hid);
      extra.push(['Chromium', chromium]);
    } catch (error) {
      results.set('wedge', failed('Wedge scan → cart line in the DOM (Chromium)', 'p99 ≤ 16 ms', error));
      results.set('hid', failed('HID report → cart line in the DOM (Chromium)', 'p99 ≤ 16 ms', error));
    }
  }

  // The order of the brief: 1 wedge scan, 2 commit, 3 catalogue, 4 payments, 5 HID scan.
  // The scaling table first (issue 14), then the details.
  const ordered = ['scale', 'wedge', 'commit', 'catalog', 'payment', 'hid', 'login'].flatMap(
    (key) => results.get(key) ?? [],
  );
  const command = values.only
    ? `node --import tsx bench/run.ts --only=${values.only}`
    : `npm run bench${[values['catalog-1m'] ? '--catalog-1m' : '', values.quick ? '--quick' : '', values.scale ? `--scale=${values.scale}` : '', values.runs ? `--runs=${values.runs}` : ''].filter(Boolean).reduce((a, f) => `${a} ${f}`, ' --')}`.replace(
        / --$/,
        '',
      );
  const report = renderReport({
    machine,
    extra,
    startedAt,
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    loadBefore,
    loadAfter: loadAverage(),
    command,
    results: ordered,
  });
  if (values.only) {
    process.stdout.write(report);
    return;
  }
  const path = join(__dirname, '..', 'BENCHMARKS.md');
  writeFileSync(path, report);
  progress(`wrote ${path}`);
  for (const result of ordered)
    progress(`${result.title}: ${result.met === null ? 'not measured' : result.met ? 'met' : 'NOT met'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
