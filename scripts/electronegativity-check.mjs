#!/usr/bin/env node
/**
 * Electronegativity over the Electron shell, its preload and the renderer page (DESIGN §11, issue 12), offline.
 * It always exits 0 whatever it finds, so its SARIF report is read here: a finding fails the run unless
 * electronegativity-reviewed.json lists its check and file with the reason it is acceptable.
 *
 *   node scripts/electronegativity-check.mjs [--reviewed FILE] [--sarif OUT]
 *
 * Not run: AvailableSecurityFixesGlobalCheck (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK), which downloads Electron's release list (the run must give
 * the same answer offline after `npm ci`); Electron upgrades are tracked as dependency updates.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const SCANNED = [
  'src-main/shell/electron',
  'src-main/shell/security-policy.ts',
  'src-preload',
  'src-renderer/index.html',
];
const OFFLINE_ONLY = ['AvailableSecurityFixesGlobalCheck'];

const { values } = parseArgs({ options: { reviewed: { type: 'string' }, sarif: { type: 'string' } } });
const reviewedPath = values.reviewed ?? join(root, 'electronegativity-reviewed.json');
const reviewed = JSON.parse(readFileSync(reviewedPath, 'utf8')).findings;

// The scanned files, staged with their paths from the repository root, so findings name them that way.
const stage = mkdtempSync(join(tmpdir(), 'ct-electronegativity-'));
try {
  for (const path of SCANNED) cpSync(join(root, path), join(stage, 'src', path), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const electronVersion = pkg.devDependencies.electron.replace(/^[^\d]*/, '');
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist/index.js');
  const report = values.sarif ?? join(stage, 'electronegativity.sarif');
  const run = spawnSync(
    process.execPath,
    [
      cli,
      '-i',
      join(stage, 'src'),
      '-o',
      report,
      '-r',
      '-v',
      'false',
      '-e',
      electronVersion,
      '-x',
      OFFLINE_ONLY.join(','),
    ],
    { encoding: 'utf8', env: { ...process.env, LANG: 'en-US' } },
  );
  if (run.status !== 0 || !existsSync(report)) {
    process.stderr.write(`Electronegativity did not run (exit ${run.status}):\n${run.stdout}\n${run.stderr}\n`);
    process.exit(1);
  }
  const sarif = JSON.parse(readFileSync(report, 'utf8'));
  const findings = sarif.runs.flatMap((r) =>
    r.results.map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri ?? '';
      // Global checks report no file ("file:///"): they are about the whole app.
      const file = uri.startsWith('file:') ? '(global)' : relative(join(stage, 'src'), join(stage, 'src', uri));
      return { id: result.ruleId, file, line: location?.region?.startLine ?? 0, message: result.message?.text ?? '' };
    }),
  );
  const isReviewed = (f) => reviewed.some((r) => r.id === f.id && r.file === f.file && r.reason?.trim());
  const open = findings.filter((f) => !isReviewed(f));
  const stale = reviewed.filter((r) => !findings.some((f) => f.id === r.id && f.file === r.file));
  for (const r of stale)
    process.stdout.write(`Reviewed but no longer found (remove it from the list): ${r.id} ${r.file}\n`);
  if (open.length) {
    for (const f of open) process.stderr.write(`Not reviewed: ${f.id} at ${f.file}:${f.line}: ${f.message}\n`);
    process.stderr.write(
      `${open.length} Electronegativity finding(s) not in ${relative(root, reviewedPath) || reviewedPath}: fix them, or add each with the reason it is acceptable.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`Electronegativity: ${findings.length} finding(s), all reviewed.\n`);
  if (values.sarif) writeFileSync(values.sarif, readFileSync(report));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
