import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type ChannelName } from '../../../../src-shared/contract';
import { PosError } from '../../../../src-shared/errors';
import { createDispatcher, type Handlers } from '../../../../src-main/ipc/dispatcher';

function recordingHandlers() {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      (input: unknown) => {
        calls.push(channel);
        return { echoed: input };
      },
    ]),
  ) as unknown as Handlers;
  return { calls, handlers };
}

/** Payloads no channel accepts: not objects, or objects with a key no schema declares. */
const MALFORMED: unknown[] = [
  42,
  'text',
  [],
  true,
  { unexpectedKey: 1 },
  { __proto__: { polluted: true }, alsoUnexpected: 'x' },
];

/** Per channel, a payload that is an object of the right shape but with a wrong field. */
const WRONG_FIELD: Partial<Record<ChannelName, unknown>> = {
  'pos:session.login': { userId: 'u', pin: '12ab' },
  'pos:catalog.search': { query: 'x'.repeat(101) },
  'pos:catalog.grid': { department: 5 },
  'pos:catalog.importChunk': { uploadId: 'upload-1', index: 0, text: 'x'.repeat(512 * 1024 + 1) },
  'pos:catalog.import': { csv: 7 },
  'pos:catalog.importFile': { path: '' },
  'pos:cart.scan': { code: '4006381333931\u0000', source: 'wedge' },
  'pos:cart.addProduct': { productId: '1', qty: 0 },
  'pos:cart.setQuantity': { lineId: 'l', qtyMilli: 1.5 },
  'pos:cart.removeLine': { lineId: '' },
  'pos:cart.setLineDiscount': { lineId: 'l', discount: { kind: 'percent', basisPoints: 20_000 } },
  'pos:cart.setOrderDiscount': { discount: { kind: 'amount', amount: -5 } },
  'pos:tender.cash': { orderId: 'o', tendered: 10.5 },
  'pos:tender.start': { orderId: 'o', provider: 'iotpay-pax', amount: 0 },
  'pos:tender.cancel': { attemptId: 12 },
  'pos:orders.history': { limit: 10_000 },
  'pos:orders.get': { orderId: null },
  'pos:orders.receipt': { orderId: 'o', copy: 'yes' },
  'pos:payments.void': { attemptId: 'a', reason: 'no', approval: { managerId: 'm', pin: '9876' } },
  'pos:payments.refund': { attemptId: 'a', amount: 100, reason: 'customer changed mind', approval: { managerId: 'm' } },
  'pos:payments.settle': {
    attemptId: 'a',
    outcome: 'maybe',
    evidence: 'slip 12',
    reason: 'terminal printed approval',
    approval: { managerId: 'm', pin: '9876' },
  },
  'pos:payments.release': { attemptId: 'a', reason: 'no' },
  'pos:payments.resolve': {
    attemptId: 'a',
    resolution: 'forgotten',
    evidence: 'slip 3',
    reason: 'refunded on the terminal',
  },
  'pos:print.receipt': { orderId: 'o', copy: 1 },
  'pos:devices.chooseScanner': { type: 'hid', vendorId: 70_000, productId: 1, usagePage: null },
  'pos:terminals.decide': { requestId: 'r', accept: 'yes' },
  'pos:terminals.add': { name: 'Lane 2', url: 'http://10.0.0.2' },
  'pos:terminals.remove': { name: '' },
  'pos:cart.overridePrice': { lineId: 'l', unitPrice: -1, reason: 'price tag' },
  'pos:shift.open': { float: [{ denomination: 0, count: 1 }] },
  'pos:shift.cashMove': { kind: 'sideways', amount: 100, reason: 'bank run' },
  'pos:shift.close': { counted: [{ denomination: 2000, count: -1 }] },
  'pos:reports.z': { number: 0 },
  'pos:reports.print': { number: 'last' },
  'pos:reports.csv': { number: 1.5 },
  'pos:refunds.refundable': { orderId: '' },
  'pos:refunds.forOrder': { orderId: 7 },
  'pos:refunds.create': { orderId: 'o', lines: [{ lineId: 'l', qtyMilli: 0 }], reason: 'broken' },
  'pos:refunds.receipt': { refundId: 'r' },
  'pos:print.retry': { jobId: -1 },
  'pos:payments.capture': { attemptId: 'a', amount: 0 },
  'pos:payments.adjustTip': { attemptId: 'a', tip: -1 },
  'pos:terminals.batchClose': { name: 42 },
  'pos:print.refundReceipt': { refundId: 'r', copy: 'no' },
  'pos:drawer.noSale': { reason: 'x', approval: { managerId: 'm', pin: '9876' } },
  'pos:demo.scan': { code: '' },
  'pos:demo.act': { provider: 'iotpay-pax', key: 'k', action: 'explode' },
};

describe('the validating dispatcher', () => {
  it.each(CHANNEL_NAMES)(
    '%s refuses malformed payloads with INVALID_PAYLOAD and never reaches its handler',
    async (channel) => {
      const { calls, handlers } = recordingHandlers();
      const dispatch = createDispatcher(handlers, () => undefined);
      const payloads = WRONG_FIELD[channel] === undefined ? MALFORMED : [...MALFORMED, WRONG_FIELD[channel]];
      for (const payload of payloads) {
        const reply = await dispatch(channel, payload);
        expect(reply.ok, `${channel} accepted ${JSON.stringify(payload)}`).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code).toBe('INVALID_PAYLOAD');
          expect(reply.error.message.length).toBeGreaterThan(0);
        }
      }
      expect(calls).toEqual([]);
    },
  );

  it('has a wrong-field example for every channel that takes input', () => {
    const withInput = CHANNEL_NAMES.filter(
      (c) =>
        ![
          'pos:app.info',
          'pos:session.users',
          'pos:session.current',
          'pos:session.lock',
          'pos:session.logout',
          'pos:cart.current',
          'pos:cart.cancel',
          'pos:payments.attention',
          'pos:demo.terminal',
          'pos:devices.status',
          'pos:devices.hidList',
          'pos:print.testPage',
          'pos:shift.current',
          'pos:reports.x',
          'pos:reports.list',
          'pos:audit.verify',
          'pos:journal.exportChain',
          'pos:terminals.list',
          'pos:demo.pairTerminal',
        ].includes(c),
    );
    expect(withInput.filter((c) => WRONG_FIELD[c] === undefined)).toEqual([]);
  });

  it('names the field at fault', async () => {
    const { handlers } = recordingHandlers();
    const reply = await createDispatcher(handlers, () => undefined)('pos:session.login', { userId: 'u', pin: '12ab' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field: 'pin' } });
  });

  it.each([
    'pos:cart.nope',
    'cart.scan',
    'pos:Cart.scan',
    'pos:cart.scan ',
    'POS:cart.scan',
    'toString',
    '__proto__',
    42,
    null,
  ])('refuses channel %j as UNKNOWN_CHANNEL', async (channel) => {
    const { calls, handlers } = recordingHandlers();
    const reply = await createDispatcher(handlers, () => undefined)(channel, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(calls).toEqual([]);
  });

  it('passes parsed input (with defaults) to the handler and wraps the result', async () => {
    const { calls, handlers } = recordingHandlers();
    const reply = await createDispatcher(handlers, () => undefined)('pos:catalog.search', { query: 'milk' });
    expect(reply).toEqual({ ok: true, result: { echoed: { query: 'milk', limit: 20 } } });
    expect(calls).toEqual(['pos:catalog.search']);
  });

  it('turns a PosError into its typed shape and hides other exceptions', async () => {
    const logged: string[] = [];
    const { handlers } = recordingHandlers();
    const failing = {
      ...handlers,
      'pos:cart.current': () => {
        throw new PosError('NOT_AUTHENTICATED', 'Sign in first.');
      },
      'pos:app.info': () => {
        throw new Error('secret stack detail');
      },
    } as Handlers;
    const dispatch = createDispatcher(failing, (message) => logged.push(message));
    expect(await dispatch('pos:cart.current', {})).toEqual({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED', message: 'Sign in first.' },
    });
    const hidden = await dispatch('pos:app.info', {});
    expect(hidden).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(hidden)).not.toContain('secret stack detail');
    expect(logged).toEqual(['Handler for pos:app.info failed']);
  });
});
