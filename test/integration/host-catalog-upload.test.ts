/**
 * A catalogue CSV larger than one WebSocket frame may carry (issue 12) reaches the import in
 * chunks over the real headless host, with the same report and progress events as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import { CSV_CHUNK_CHARS, splitCsvForUpload } from '../../src-shared/catalog-upload';
import { connectHost, type HostClient } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';

const demoUser = (role: 'manager' | 'cashier') => DEMO_USERS.find((user) => user.role === role)!;

describe('importing a large catalogue CSV through the headless host', () => {
  let dir: string;
  let host: HostProcess;
  let manager: HostClient;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-host-upload-'));
    host = await startHost(writeConfig(dir, { demo: true, dataDir: join(dir, 'data') }));
    manager = await connectHost(host.origin, host.token);
    await manager.invoke('pos:session.login', { userId: demoUser('manager').id, pin: demoUser('manager').pin });
  });
  afterAll(async () => {
    manager.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the file in chunks and imports it by its upload id', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `UPL-${i},Uploaded item ${i} \u{1F34E},1.25`);
    const csv = ['sku,name,price', ...rows].join('\n');
    const chunks = splitCsvForUpload(csv);
    expect(chunks.length).toBeGreaterThan(1);
    for (const [index, text] of chunks.entries()) {
      await manager.invoke('pos:catalog.importChunk', { uploadId: 'upload-big-1', index, text });
    }
    const report = await manager.invoke('pos:catalog.import', { uploadId: 'upload-big-1' });
    expect(report).toMatchObject({ imported: 20_000, updated: 0, rejected: 0 });
    expect(await manager.waitForEvent('pos:catalog.importProgress', (p) => p.phase === 'done')).toMatchObject({
      phase: 'done',
      done: 20_000,
      total: 20_000,
    });
    const found = await manager.invoke('pos:catalog.search', { query: 'UPL-19999', limit: 1 });
    expect(found[0]).toMatchObject({ sku: 'UPL-19999', name: 'Uploaded item 19999 \u{1F34E}', price: 125 });
    // The upload was consumed by the import.
    expect(await manager.raw('pos:catalog.import', { uploadId: 'upload-big-1' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', field: 'uploadId' },
    });
  });

  it('still takes a small file in one call, and refuses a large one sent whole', async () => {
    expect(await manager.invoke('pos:catalog.import', { csv: 'sku,price\nUPL-1,1.50\n' })).toMatchObject({
      updated: 1,
    });
    expect(await manager.raw('pos:catalog.import', { csv: 'x'.repeat(CSV_CHUNK_CHARS + 1) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('lets only a manager upload', async () => {
    const cashier = await connectHost(host.origin, host.token);
    await cashier.invoke('pos:session.login', { userId: demoUser('cashier').id, pin: demoUser('cashier').pin });
    expect(
      await cashier.raw('pos:catalog.importChunk', { uploadId: 'upload-cashier', index: 0, text: 'sku\n' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    cashier.close();
  });
});
