import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  honeywellPacketsFor,
  keyboardReportsFor,
  newlandPacketsFor,
  writeReports,
} from '../../src-main/demo/scanner-feed';
import { createHidrawStreamScanner } from '../../src-main/devices/scanner/hidraw-stream-scanner';
import type { ScanMeta, ScanSource, ScannerState, ScannerStatus } from '../../src-main/devices/scanner/scanner-source';

/** Real FIFOs carry report frames into the real decoders, as a hidraw node would. */
let dir: string;
const sources: ScanSource[] = [];

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function track(source: ScanSource): ScanSource {
  sources.push(source);
  return source;
}

function waitForState(source: ScanSource, state: ScannerState): Promise<ScannerStatus> {
  if (source.status().state === state) return Promise.resolve(source.status());
  return new Promise((resolve) => {
    const listener = (status: ScannerStatus) => {
      if (status.state !== state) return;
      source.off('status', listener);
      resolve(status);
    };
    source.on('status', listener);
  });
}

function nextScans(source: ScanSource, count: number): Promise<{ code: string; meta: ScanMeta }[]> {
  const scans: { code: string; meta: ScanMeta }[] = [];
  return new Promise((resolve) => {
    const listener = (code: string, meta: ScanMeta) => {
      scans.push({ code, meta });
      if (scans.length < count) return;
      source.off('scan', listener);
      resolve(scans);
    };
    source.on('scan', listener);
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'countertop-hidstream-'));
});

afterEach(async () => {
  for (const source of sources.splice(0)) await source.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('report stream scanner over a FIFO', () => {
  it('decodes keyboard boot reports into codes, across writer sessions', async () => {
    const path = fifo('keyboard');
    const scanner = track(createHidrawStreamScanner({ path, reportSize: 8, decoder: { kind: 'keyboard' } }));
    await scanner.start();
    expect(scanner.status()).toMatchObject({
      state: 'connected',
      device: { path, decoder: 'keyboard boot reports (US table)' },
    });

    const first = nextScans(scanner, 2);
    await writeReports(path, [
      ...keyboardReportsFor('4006381333931'),
      ...keyboardReportsFor('Ab-12/x', { terminator: 'tab' }),
    ]);
    expect((await first).map((s) => s.code)).toEqual(['4006381333931', 'Ab-12/x']);
    expect((await first)[0].meta).toMatchObject({ source: 'keyboard', aim: null, device: path });

    // The writer closed; a new one (the scanner replugged, the demo feed again) is read too.
    const second = nextScans(scanner, 1);
    await writeReports(path, keyboardReportsFor('SHIFTED!@#'));
    expect((await second)[0].code).toBe('SHIFTED!@#');
    expect(scanner.status().lastScanAt).toBeDefined();
  });

  it('decodes 9-byte keyboard reports that carry a report ID', async () => {
    const path = fifo('keyboard9');
    const scanner = track(
      createHidrawStreamScanner({ path, reportSize: 9, decoder: { kind: 'keyboard', suffix: '#' } }),
    );
    await scanner.start();
    const scans = nextScans(scanner, 1);
    await writeReports(path, keyboardReportsFor('0109501101530003\u001d10ABC#', { reportId: 1, terminator: null }));
    expect((await scans)[0].code).toBe('0109501101530003\u001d10ABC');
  });

  it('assembles Honeywell HID-POS packets, with and without the report-ID byte', async () => {
    const long = `]${'9'.repeat(130)}`;
    for (const reportId of [true, false]) {
      const path = fifo(`honeywell-${reportId}`);
      const scanner = track(
        createHidrawStreamScanner({
          path,
          reportSize: reportId ? 64 : 63,
          decoder: { kind: 'hid-pos', vendor: 'honeywell', reportId },
        }),
      );
      await scanner.start();
      const scans = nextScans(scanner, 2);
      await writeReports(path, [
        ...honeywellPacketsFor('4006381333931', { aim: ']E0', reportId }),
        ...honeywellPacketsFor(long, { aim: ']Q1', reportId }),
      ]);
      const [ean, qr] = await scans;
      expect(ean).toMatchObject({
        code: '4006381333931',
        meta: { source: 'hid-pos', aim: ']E0', vendorSymbology: 'd' },
      });
      expect(qr).toMatchObject({ code: long, meta: { aim: ']Q1' } });
    }
  });

  it('assembles Newland HID-POS packets', async () => {
    const path = fifo('newland');
    const scanner = track(
      createHidrawStreamScanner({ path, reportSize: 64, decoder: { kind: 'hid-pos', vendor: 'newland' } }),
    );
    await scanner.start();
    const scans = nextScans(scanner, 1);
    const code = `https://pay.example/${'z'.repeat(90)}`;
    await writeReports(path, newlandPacketsFor(code, { symbology: 'Q' }));
    expect((await scans)[0]).toMatchObject({ code, meta: { aim: null, vendorSymbology: 'Q' } });
  });

  it('waits for a missing device and opens it when it appears', async () => {
    const path = join(dir, 'later');
    const scanner = track(
      createHidrawStreamScanner({ path, reportSize: 8, decoder: { kind: 'keyboard' }, retryMs: 20 }),
    );
    await scanner.start();
    expect(scanner.status()).toMatchObject({
      state: 'disconnected',
      message: `Scanner ${path} is not connected; retrying.`,
    });
    const connected = waitForState(scanner, 'connected');
    execFileSync('mkfifo', [path]);
    await connected;
    const scans = nextScans(scanner, 1);
    await writeReports(path, keyboardReportsFor('12345670'));
    expect((await scans)[0].code).toBe('12345670');
  });

  it('refuses a regular file and says why', async () => {
    const path = join(dir, 'regular');
    execFileSync('touch', [path]);
    const scanner = track(
      createHidrawStreamScanner({ path, reportSize: 8, decoder: { kind: 'keyboard' }, retryMs: 60_000 }),
    );
    await scanner.start();
    expect(scanner.status()).toMatchObject({ state: 'error' });
    expect(scanner.status().message).toContain('is not a device or FIFO');
  });
});
