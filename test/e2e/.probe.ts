import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, writeConfig } from '../support/host-process';
import { connectHost } from '../support/host-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function main() {
  const eur = process.argv[2] === 'eur';
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const cfg: Record<string, unknown> = { demo: true, dataDir: join(dir, 'data') };
  if (eur) cfg.store = { name: 'Countertop Demo Café', currency: 'EUR', locale: 'de-DE', cashRoundingStep: 1 };
  const host = await startHost(writeConfig(dir, cfg));
  const c = await connectHost(host.origin, host.token);
  try {
    const info = await c.invoke('pos:app.info', {});
    console.log('tenders', JSON.stringify(info.tenders), info.demoPins);
    const users = await c.invoke('pos:session.users', {});
    console.log(users);
    await c.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const waitState = async (id: string, states: string[]) => {
      for (let i = 0; i < 100; i++) {
        const o = await c.invoke('pos:orders.get', { orderId: orderId! });
        const a = o.attempts.find((x) => x.id === id);
        if (a && states.includes(a.state)) return { o, a };
        await sleep(200);
      }
      throw new Error('timeout ' + id);
    };
    let orderId: string | undefined;
    const ring = async () => {
      const { order } = await c.invoke('pos:cart.scan', { code: '2000000010007', source: 'keyed' });
      orderId = order.id;
      return order;
    };
    // codepay with tip
    let order = await ring();
    const provider = eur ? 'yabandpay' : 'codepay';
    const a = await c.invoke('pos:tender.start', { orderId: order.id, provider, terminal: eur ? null : 'Lane 1', amount: order.due, onScreenTip: !eur });
    console.log('start', a.state, a.amount);
    let waiting: any[] = [];
    for (let i = 0; i < 50 && waiting.length === 0; i++) { waiting = await c.invoke('pos:demo.terminal', {}); await sleep(100); }
    console.log('waiting', waiting);
    await c.invoke('pos:demo.act', { provider: waiting[0].provider, key: waiting[0].key, action: eur ? 'approve' : 'approve-with-tip' });
    const { o, a: ap } = await waitState(a.id, ['approved', 'declined', 'cancelled']);
    console.log('after', o.status, ap.state, ap.amount, ap.tip, ap.refundable, JSON.stringify(ap.card), o.tenders.map((t) => [t.label, t.amount, t.tip]));
    if (eur) {
      const r = await c.invoke('pos:payments.refund', { attemptId: ap.id, amount: 100, reason: 'customer returned', approval: { managerId: 'demo-manager', pin: '9876' } });
      console.log('refund', r.state, r.kind);
      const { a: orig } = await waitState(ap.id, ['partially_refunded', 'refunded']);
      console.log('orig', orig.state, orig.refundable);
    } else {
      const v = await c.invoke('pos:payments.void', { attemptId: ap.id, reason: 'wrong amount', approval: { managerId: 'demo-manager', pin: '9876' } });
      console.log('void', v.state, v.kind);
      const { a: orig, o: o2 } = await waitState(ap.id, ['voided']);
      console.log('orig', orig.state, o2.status, o2.attempts.map((x) => [x.kind, x.state, x.message]));
    }
    // iotpay pax card
    if (!eur) {
      order = await ring();
      const b = await c.invoke('pos:tender.start', { orderId: order.id, provider: 'iotpay-pax', amount: order.due });
      waiting = [];
      for (let i = 0; i < 50 && waiting.length === 0; i++) { waiting = await c.invoke('pos:demo.terminal', {}); await sleep(100); }
      console.log('waiting pax', waiting);
      await c.invoke('pos:demo.act', { provider: waiting[0].provider, key: waiting[0].key, action: 'approve' });
      const { a: bp } = await waitState(b.id, ['approved', 'declined', 'cancelled']);
      console.log('pax', bp.state, JSON.stringify(bp.card));
      const rc = await c.invoke('pos:orders.receipt', { orderId: order.id, copy: false });
      console.log(JSON.stringify(rc.tenders));
      const att = await c.invoke('pos:payments.attention', {});
      console.log('attention', att);
      const dev = await c.invoke('pos:devices.status', {});
      console.log('devices', JSON.stringify(dev));
      console.log('hid', JSON.stringify(await c.invoke('pos:devices.hidList', {})));
      const pj = await c.invoke('pos:print.receipt', { orderId: order.id, copy: true });
      console.log('print', pj);
    }
  } finally {
    c.close();
    await host.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
