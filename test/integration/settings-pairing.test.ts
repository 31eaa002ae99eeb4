import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TerminalsView } from '../../src-shared/domain';
import { startHarness, type Harness } from '../support/core-harness';

describe('CodePay terminals at the till (demo terminal pairing from its side)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({});
  });
  afterEach(async () => {
    await h.close();
  });

  const nextRequest = () =>
    new Promise<TerminalsView>((resolve) => {
      const off = h.core.events.subscribe((event, payload) => {
        if (event === 'pos:terminals.changed' && (payload as TerminalsView).requests.length) {
          off();
          resolve(payload as TerminalsView);
        }
      });
    });

  it('lists the configured lane with its live status, pairs a terminal the manager accepts, and keeps it after a restart', async () => {
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const first = await h.call('pos:terminals.list', {});
    expect(first.pairingUrl).toMatch(/^ws:\/\//);
    expect(first.terminals.map((t) => t.name)).toEqual(['Lane 1']);

    const asked = nextRequest();
    await h.call('pos:demo.pairTerminal', {});
    const request = (await asked).requests[0];
    expect(request.url).toMatch(/^ws:\/\//);
    const accepted = await h.call('pos:terminals.decide', { requestId: request.id, accept: true, name: 'Lane 2' });
    expect(accepted.requests).toEqual([]);
    await expect
      .poll(async () => (await h.call('pos:terminals.list', {})).terminals.find((t) => t.name === 'Lane 2')?.source)
      .toBe('paired');
    const info = await h.call('pos:app.info', {});
    expect(info.tenders.filter((t) => t.provider === 'codepay').map((t) => t.terminal)).toEqual(['Lane 1', 'Lane 2']);

    await h.reopen();
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    expect((await h.call('pos:terminals.list', {})).terminals.map((t) => t.name)).toContain('Lane 2');
    const removed = await h.call('pos:terminals.remove', { name: 'Lane 2' });
    expect(removed.terminals.map((t) => t.name)).not.toContain('Lane 2');
    const audit = h.core.journal.db.prepare("SELECT object FROM audit WHERE action = 'settings.change'").pluck().all();
    expect(audit).toEqual(['codepay.pairing', 'codepay.terminal']);
  });

  it('a rejected terminal is not added; a cashier cannot decide; a manual address is the fallback', async () => {
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const asked = nextRequest();
    await h.call('pos:demo.pairTerminal', {});
    const request = (await asked).requests[0];
    await expect(h.call('pos:terminals.decide', { requestId: request.id, accept: true })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const rejected = await h.call('pos:terminals.decide', { requestId: request.id, accept: false });
    expect(rejected.terminals.map((t) => t.name)).toEqual(['Lane 1']);
    const manual = await h.call('pos:terminals.add', { name: 'Back counter', url: 'ws://127.0.0.1:9' });
    expect(manual.terminals.find((t) => t.name === 'Back counter')).toMatchObject({ url: 'ws://127.0.0.1:9' });
    expect(manual.terminals.find((t) => t.name === 'Back counter')?.status).not.toBe('connected');
  });
});

describe('the scanner chosen in settings', () => {
  it('is used at once, survives a restart, and a missing device is a status, not a crash', async () => {
    const h = await startHarness({});
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    await expect(h.call('pos:devices.chooseScanner', { type: 'none' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const chosen = await h.call('pos:devices.chooseScanner', {
      type: 'hid',
      vendorId: 0x0c2e,
      productId: 0x0b81,
      usagePage: 0x8c,
    });
    expect(chosen.scanner.configured).toBe(true);
    expect(['disconnected', 'unavailable', 'error']).toContain(chosen.scanner.state);
    expect(chosen.scanner.message.length).toBeGreaterThan(10);
    await h.reopen();
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const after = await h.call('pos:devices.status', {});
    expect(after.scanner.state).toBe(chosen.scanner.state);
    const none = await h.call('pos:devices.chooseScanner', { type: 'none' });
    expect(none.scanner).toMatchObject({ configured: false, state: 'not-configured' });
    await h.close();
  });
});
