/**
 * The Electronegativity gate in `npm test` (DESIGN §11, issue 12) can fail: with nothing reviewed, the real
 * scan of the shell, preload and renderer page fails and names each finding. Runs offline (no network needed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHECKER = join(__dirname, '../../scripts/electronegativity-check.mjs');

describe('the Electronegativity gate', () => {
  it('fails on a finding that is not in the reviewed list, naming its check and file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-eneg-'));
    try {
      const reviewed = join(dir, 'reviewed.json');
      writeFileSync(reviewed, JSON.stringify({ findings: [] }));
      const sarif = join(dir, 'report.sarif');
      const run = spawnSync(process.execPath, [CHECKER, '--reviewed', reviewed, '--sarif', sarif], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/Not reviewed: SANDBOX_JS_CHECK at src-main\/shell\/electron\/index\.ts:\d+/);
      expect(run.stderr).toMatch(/\d+ Electronegativity finding\(s\) not in /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
