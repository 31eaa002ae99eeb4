import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIotpaySimulator, type IotpayBehaviour, type IotpayBehaviourOptions, type IotpaySimulator } from '../../src-main/demo/iotpay-simulator';
import { connectHost, type HostClient } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';
import { demoCodes } from '../support/demo-codes';

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('crash tests: the host is SIGKILLed mid-payment (IOTPay CC_PAX)', () => {
  let dir: string;
  let dataDir: string;
  let configPath: string;
  let sim: IotpaySimulator;
  let host: HostProcess | null = null;
  let client: HostClient | null = null;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-crash-pay-'));
    dataDir = join(dir, 'data');
    sim = await startIotpaySimulator();
    configPath = writeConfig(dir, { demo: true, dataDir, providers: { iotpay: { baseUrl: sim.url, mchId: sim.mchId, loginName: 'lane1', key: sim.key, device: 'PAX-1' } } });
  });
  afterEach(async () => {
    client?.close();
    await host?.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const journalRow = (sql: string, ...args: unknown[]) => {
    const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    try { return db.prepare(sql).get(...args) as Record<string, unknown> | undefined; } finally { db.close(); }
  };

  async function startCardSale(behaviour: IotpayBehaviour, options: IotpayBehaviourOptions) {
    host = await startHost(configPath);
    client = await connectHost(host.origin, host.token);
    await client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    const codes = demoCodes(db);
    db.close();
    await client.invoke('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    const { order } = await client.invoke('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' });
    sim.setBehaviour(behaviour, options);
    const attempt = await client.invoke('pos:tender.start', { orderId: order.id, provider: 'iotpay-pax', amount: order.due });
    const { reference } = journalRow('SELECT reference FROM payment_attempts WHERE id = ?', attempt.id) as { reference: string };
    return { order, attempt, reference };
  }

  async function restartAndExpectCompleted(orderId: string, attemptId: string, reference: string) {
    client?.close();
    host = await startHost(configPath);
    client = await connectHost(host.origin, host.token);
    await client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    await until(() => journalRow('SELECT state FROM payment_attempts WHERE id = ?', attemptId)?.state === 'approved', 'the attempt to be reconciled');
    const order = await client.invoke('pos:orders.get', { orderId });
    expect(order.status).toBe('completed');
    expect(order.tenders).toHaveLength(1);
    expect(order.tenders[0].card?.maskedPan).toMatch(/\d{4}$/);
    const causes = (new Database(join(dataDir, 'journal.sqlite'), { readonly: true })).prepare('SELECT cause FROM attempt_events WHERE attempt_id = ? ORDER BY seq').pluck().all(attemptId);
    expect(causes).toContain('reconciled at start');
    expect(sim.createOrderCalls(reference)).toBe(1);
    expect(sim.charges()).toBe(1);
  }

  it('(a) killed while the customer is at the terminal: on restart the sale is reconciled by query and completes, one charge', async () => {
    const { order, attempt, reference } = await startCardSale('slow-card', { cardMs: 1_500 });
    await until(() => sim.order(reference) !== null, 'the gateway to receive create_order');
    expect(journalRow('SELECT state FROM payment_attempts WHERE id = ?', attempt.id)?.state).toMatch(/sending|pending/);
    await host!.kill();
    await until(() => (sim.order(reference)?.status ?? 0) >= 2, 'the terminal to approve');
    await restartAndExpectCompleted(order.id, attempt.id, reference);
  });

  it('(b) killed after the gateway approved but before its reply arrived: reconciled once, no second create_order', async () => {
    const { order, attempt, reference } = await startCardSale('timeout-then-success', { lateMs: 150, paidAtQuery: 1 });
    await until(() => (sim.order(reference)?.status ?? 0) >= 2, 'the gateway to approve');
    expect(journalRow('SELECT state FROM payment_attempts WHERE id = ?', attempt.id)?.state).toMatch(/sending|pending/);
    await host!.kill();
    await restartAndExpectCompleted(order.id, attempt.id, reference);
  });
});
