import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHost, type HostClient } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';
import { demoCodes } from '../support/demo-codes';

describe('a sale survives the host being killed', () => {
  let dir: string;
  let host: HostProcess | null = null;
  let client: HostClient | null = null;
  afterEach(async () => {
    client?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL right after a cash sale completes: on restart the sale is in history and integrity_check is ok', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-crash-'));
    const dataDir = join(dir, 'data');
    const config = writeConfig(dir, { demo: true, dataDir });
    host = await startHost(config);
    client = await connectHost(host.origin, host.token);
    await client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });

    const reader = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    const codes = demoCodes(reader);
    reader.close();
    await client.invoke('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    const { order } = await client.invoke('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' });
    const paid = await client.invoke('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    expect(paid.completed).toBe(true);

    await host.kill();
    expect(host.child.signalCode).toBe('SIGKILL');
    client.close();

    host = await startHost(config);
    client = await connectHost(host.origin, host.token);
    await client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const history = await client.invoke('pos:orders.history', {});
    expect(history.find((o) => o.id === order.id)).toMatchObject({
      status: 'completed',
      total: order.total,
      lineCount: 2,
    });
    const receipt = await client.invoke('pos:orders.receipt', { orderId: order.id, copy: true });
    expect(receipt.tenders).toHaveLength(1);

    client.close();
    client = null;
    await host.stop();
    host = null;
    const db = new Database(join(dataDir, 'journal.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT status FROM orders WHERE id = ?').get(order.id)).toEqual({ status: 'completed' });
    db.close();
  });
});
