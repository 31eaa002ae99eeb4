import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createDemoStore } from '../../../../src-renderer/payment/demo-store';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, settle } from '../fake-transport';

const waiting = (key: string) => ({ provider: 'iotpay-pax', key, amount: 135, currency: 'CAD' });

function setup() {
  let list = [waiting('K1')];
  const transport = fakeTransport({
    'pos:demo.terminal': () => list,
    'pos:demo.act': () => {
      list = [];
      return { ok: true as const };
    },
    'pos:demo.scan': () => ({ ok: true as const }),
  });
  const demo = createDemoStore(createClient(transport));
  return {
    transport,
    demo,
    setList: (next: ReturnType<typeof waiting>[]) => {
      list = next;
    },
  };
}

describe('demo store (virtual terminal and scanner)', () => {
  it('reads the waiting payments, and again on every pos:demo.changed', async () => {
    const { transport, demo, setList } = setup();
    await demo.getState().load();
    expect(demo.getState()).toMatchObject({ loaded: true, waiting: [waiting('K1')] });
    setList([waiting('K1'), waiting('K2')]);
    transport.emit('pos:demo.changed', { waiting: 2 });
    await settle();
    expect(demo.getState().waiting.map((w) => w.key)).toEqual(['K1', 'K2']);
  });

  it('an older answer does not replace a newer list', async () => {
    const transport = fakeTransport();
    let release: (value: ReturnType<typeof waiting>[]) => void = () => undefined;
    transport.handlers['pos:demo.terminal'] = () =>
      new Promise((resolve) => {
        release = resolve;
      });
    const demo = createDemoStore(createClient(transport));
    const first = demo.getState().load();
    const releaseFirst = release;
    transport.handlers['pos:demo.terminal'] = () => [waiting('NEW')];
    await demo.getState().load();
    releaseFirst([waiting('OLD')]);
    await first;
    expect(demo.getState().waiting.map((w) => w.key)).toEqual(['NEW']);
  });

  it('plays the customer: sends the action for that payment, then re-reads the list', async () => {
    const { transport, demo } = setup();
    await demo.getState().load();
    expect(await demo.getState().act({ provider: 'iotpay-pax', key: 'K1' }, 'approve')).toBe(true);
    await settle();
    expect(transport.calls.find((c) => c.channel === 'pos:demo.act')?.payload).toEqual({
      provider: 'iotpay-pax',
      key: 'K1',
      action: 'approve',
    });
    expect(demo.getState()).toMatchObject({ waiting: [], acting: null, error: null });
  });

  it("a payment no longer waiting: main's sentence is shown", async () => {
    const { transport, demo } = setup();
    transport.handlers['pos:demo.act'] = () => {
      throw new PosError('NOT_FOUND', 'That payment is no longer waiting on the virtual terminal.');
    };
    expect(await demo.getState().act({ provider: 'codepay', key: 'X' }, 'decline')).toBe(false);
    expect(demo.getState().error).toBe('That payment is no longer waiting on the virtual terminal.');
  });

  it('the virtual scanner sends the trimmed code; an empty one is not sent', async () => {
    const { transport, demo } = setup();
    expect(await demo.getState().scan('   ')).toBe(false);
    expect(demo.getState().error).toBe('Type a code to scan.');
    expect(await demo.getState().scan(' 2000000010007 ')).toBe(true);
    expect(transport.calls.filter((c) => c.channel === 'pos:demo.scan').map((c) => c.payload)).toEqual([
      { code: '2000000010007' },
    ]);
    expect(demo.getState()).toMatchObject({ scanning: false, error: null });
  });
});
