/**
 * IOTPay wallet (WX/ALIPAY/UPI micropay) provider and refunds against the simulator over
 * real HTTP on 127.0.0.1, plus the simulator's own gateway rules (params= wrapper, MD5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAttempt } from '../../src-main/payments/provider';
import {
  createIotpayWalletProvider,
  walletChannelForCode,
  type IotpayConfig,
  type IotpayWalletTiming,
} from '../../src-main/payments/iotpay/iotpay-wallet-provider';
import { iotpaySign, verifyIotpaySignature } from '../../src-main/payments/iotpay/iotpay-sign';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { maskWalletCode } from '../../src-shared/pan-mask';

const WECHAT = '134567890123456789';
const ALIPAY = '286543210987654321';
const UNIONPAY = '6212345678901234567';
const FAST: Partial<IotpayWalletTiming> = {
  createTimeoutMs: 10_000,
  pollIntervalMs: 10,
  maxPolls: 30,
  queryTimeoutMs: 5_000,
  refundTimeoutMs: 10_000,
};

let counter = 0;
function sale(overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  counter += 1;
  const reference = `WAL${process.pid}T${Date.now() % 1e7}N${counter}`;
  return {
    id: `att-${counter}`,
    orderId: 'order-1',
    kind: 'sale',
    method: 'wallet',
    amount: 1000,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `req-${reference}`,
    providerRef: null,
    terminal: null,
    description: 'Groceries',
    walletCode: WECHAT,
    ...overrides,
  };
}

function refundOf(
  original: ProviderAttempt,
  providerRef: string | null,
  amount: number,
  overrides: Partial<ProviderAttempt> = {},
): ProviderAttempt {
  counter += 1;
  const reference = `RF${process.pid}T${Date.now() % 1e7}N${counter}`;
  return {
    id: `att-${counter}`,
    orderId: 'order-1',
    kind: 'refund',
    method: 'wallet',
    amount,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `req-${reference}`,
    providerRef: null,
    terminal: null,
    description: 'Refund',
    original: { reference: original.reference, providerRef, amount: original.amount, tip: 0 },
    ...overrides,
  };
}

const never = new AbortController().signal;
const noProgress = (): void => {};

describe('walletChannelForCode / maskWalletCode', () => {
  it.each([
    [WECHAT, 'WX_MICROPAY'],
    ['104567890123456789', 'WX_MICROPAY'],
    ['154567890123456789', 'WX_MICROPAY'],
    ['164567890123456789', null],
    ['13456789012345678', null],
    ['2512345678901234', 'ALIPAY_MICROPAY'],
    ['301234567890123456789012', 'ALIPAY_MICROPAY'],
    [ALIPAY, 'ALIPAY_MICROPAY'],
    ['251234567890123', null],
    ['3112345678901234', null],
    ['3012345678901234567890123', null],
    [UNIONPAY, 'UPI_MICROPAY'],
    ['621234567890123456', null],
    ['6312345678901234567', null],
    ['4006381333931', null],
    ['13456789012345678a', null],
  ] as const)('%s → %s', (code, channel) => {
    expect(walletChannelForCode(code)).toBe(channel);
  });

  it('masks all but the last four digits', () => {
    expect(maskWalletCode(WECHAT)).toBe('**************6789');
  });
});

describe('IOTPay wallet provider ↔ simulator', () => {
  let sim: IotpaySimulator;
  let config: IotpayConfig;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'wallet-test-key', mchId: '20001222' });
    config = {
      baseUrl: sim.url,
      mchId: sim.mchId,
      loginName: 'cashier1',
      key: sim.key,
      device: 'Lane-1',
      currency: 'CAD',
    };
  });
  afterAll(async () => {
    await sim.close();
  });

  async function run(attempt: ProviderAttempt, timing: Partial<IotpayWalletTiming> = FAST, signal = never) {
    const provider = createIotpayWalletProvider(config, timing);
    try {
      return await provider.start(attempt, signal, noProgress);
    } finally {
      await provider.close();
    }
  }

  it('declares refunds (partial too) and no cancel', () => {
    const provider = createIotpayWalletProvider(config);
    expect(provider.id).toBe('iotpay-wallet');
    expect(provider.method).toBe('wallet');
    expect(provider.capabilities).toEqual({
      cancel: false,
      void: false,
      refund: true,
      partialRefund: true,
      tip: false,
      preauth: false,
      cashback: false,
      onScreenTip: false,
      lanes: false,
      pushResults: false,
      hostedForm: false,
      terminalAuthentication: false,
    });
  });

  it('approve: 0 → 1 → 2 over polls; the code never appears in the outcome', async () => {
    const before = sim.charges();
    sim.setBehaviour('approve', { walletSteps: 3 });
    const attempt = sale();
    const seen: string[] = [];
    const provider = createIotpayWalletProvider(config, FAST);
    const outcome = await provider.start(attempt, never, (m) => seen.push(m));
    await provider.close();
    expect(outcome.state).toBe('approved');
    expect(outcome.card).toMatchObject({
      method: 'wallet',
      brand: 'WeChat Pay',
      reference: sim.order(attempt.reference)?.payOrderId,
    });
    expect(outcome.card?.channelOrderNo).toBeTruthy();
    expect(outcome.detail).toMatchObject({ walletCode: '**************6789' });
    expect(JSON.stringify(outcome)).not.toContain(WECHAT);
    expect(seen.some((m) => /entering their password/.test(m))).toBe(true);
    expect(sim.queryCalls(attempt.reference)).toBe(3);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before + 1);
  });

  it('approve at once (status 2 in the create reply): no polling', async () => {
    sim.setBehaviour('approve', { walletSteps: 0, paidStatus: 3 });
    const attempt = sale({ walletCode: ALIPAY });
    const outcome = await run(attempt);
    expect(outcome.state).toBe('approved');
    expect(outcome.card?.brand).toBe('Alipay');
    expect(sim.order(attempt.reference)?.channelId).toBe('ALIPAY_MICROPAY');
    expect(sim.queryCalls(attempt.reference)).toBe(0);
  });

  it('UnionPay code goes to UPI_MICROPAY', async () => {
    sim.setBehaviour('approve', { walletSteps: 1 });
    const attempt = sale({ walletCode: UNIONPAY });
    expect((await run(attempt)).card?.brand).toBe('UnionPay');
    expect(sim.order(attempt.reference)?.channelId).toBe('UPI_MICROPAY');
  });

  it('customer cancels (9) and system cancels (4): cancelled, nothing charged', async () => {
    const before = sim.charges();
    sim.setBehaviour('decline');
    const a = sale();
    const first = await run(a);
    expect(first.state).toBe('cancelled');
    expect(first.message).toMatch(/customer cancelled/);
    sim.setBehaviour('system-cancel', { walletSteps: 1 });
    const b = sale();
    const second = await run(b);
    expect(second.state).toBe('cancelled');
    expect(second.message).toMatch(/cancelled by the system/);
    expect(sim.charges()).toBe(before);
    expect(sim.createOrderCalls(a.reference) + sim.createOrderCalls(b.reference)).toBe(2);
  });

  it('stuck pending: exhausted polls → unknown', async () => {
    const before = sim.charges();
    sim.setBehaviour('stuck-pending');
    const attempt = sale();
    const outcome = await run(attempt, { ...FAST, maxPolls: 4 });
    expect(outcome.state).toBe('unknown');
    expect(sim.queryCalls(attempt.reference)).toBe(4);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before);
  });

  it('the cashier gives up: polling stops, pending; a later query finds the payment', async () => {
    sim.setBehaviour('approve', { walletSteps: 1_000 });
    const attempt = sale();
    const cashier = new AbortController();
    const provider = createIotpayWalletProvider(config, FAST);
    const running = provider.start(attempt, cashier.signal, noProgress);
    await new Promise<void>((resolve) => {
      const off = sim.onChange(() => {
        if ((sim.order(attempt.reference)?.queries ?? 0) >= 2) {
          off();
          resolve();
        }
      });
    });
    cashier.abort();
    const outcome = await running;
    expect(outcome.state).toBe('pending');
    expect(outcome.message).toMatch(/keeps being checked/);
    const queriesAtAbort = sim.queryCalls(attempt.reference);
    expect(queriesAtAbort).toBeLessThan(30);
    const later = await provider.query(attempt);
    expect(later.state).toBe('pending');
    expect(sim.queryCalls(attempt.reference)).toBe(queriesAtAbort + 1);
    await provider.close();
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });

  it('create_order held past the timeout, paid later: found by polling', async () => {
    const before = sim.charges();
    sim.setBehaviour('timeout-then-success', { paidAtQuery: 2 });
    const attempt = sale();
    const outcome = await run(attempt, { ...FAST, createTimeoutMs: 150 });
    expect(outcome.state).toBe('approved');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before + 1);
  });

  it.each(['bad-signature', 'server-error', 'malformed-json', 'drop-connection'] as const)(
    '%s on create_order: never resent, approved by polling, one charge',
    async (fault) => {
      const before = sim.charges();
      sim.setBehaviour(fault, { walletSteps: 1 });
      const attempt = sale();
      const outcome = await run(attempt);
      expect(outcome.state).toBe('approved');
      expect(sim.createOrderCalls(attempt.reference)).toBe(1);
      expect(sim.charges()).toBe(before + 1);
    },
  );

  it('bad signatures on every query: unknown, never approved', async () => {
    sim.setBehaviour('approve', { walletSteps: 1 });
    sim.setQueryFault('bad-signature', 5);
    const attempt = sale();
    const outcome = await run(attempt, { ...FAST, maxPolls: 5 });
    sim.setQueryFault('bad-signature', 0);
    expect(outcome.state).toBe('unknown');
    expect(sim.order(attempt.reference)?.status).toBe(2);
  });

  it('0113 already paid: read, not failed', async () => {
    sim.setBehaviour('already-paid');
    const attempt = sale();
    const outcome = await run(attempt);
    expect(outcome.state).toBe('approved');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });

  it('a code that is no wallet code: declined, nothing sent', async () => {
    const attempt = sale({ walletCode: '4006381333931' });
    const outcome = await run(attempt);
    expect(outcome.state).toBe('declined');
    expect(sim.createOrderCalls(attempt.reference)).toBe(0);
  });

  describe('refunds', () => {
    let paid: ProviderAttempt;
    let payOrderId: string;
    beforeAll(async () => {
      sim.setBehaviour('approve', { walletSteps: 0 });
      paid = sale({ amount: 3000 });
      const outcome = await run(paid);
      expect(outcome.state).toBe('approved');
      payOrderId = outcome.providerRef!;
    });

    it('partial refunds reduce what is refundable; too much is declined', async () => {
      const before = sim.refunds();
      const first = await run(refundOf(paid, payOrderId, 1000));
      expect(first.state).toBe('approved');
      expect(first.approvedAmount).toBe(1000);
      expect(sim.order(paid.reference)?.refundable).toBe(2000);
      const tooMuch = await run(refundOf(paid, payOrderId, 2500));
      expect(tooMuch.state).toBe('declined');
      expect(tooMuch.message).toMatch(/more than what is left/);
      const rest = await run(refundOf(paid, null, 2000)); // payOrderId looked up by mchOrderNo
      expect(rest.state).toBe('approved');
      expect(sim.order(paid.reference)?.refundable).toBe(0);
      expect(sim.refunds()).toBe(before + 2);
    });

    it('lost refund reply: unknown, then query re-checks with the same mchRefundNo and never refunds twice', async () => {
      sim.setBehaviour('approve', { walletSteps: 0 });
      const original = sale({ amount: 800 });
      const approved = await run(original);
      const before = sim.refunds();
      sim.setRefundFault('drop-connection');
      const refund = refundOf(original, approved.providerRef!, 500);
      const provider = createIotpayWalletProvider(config, FAST);
      const first = await provider.start(refund, never, noProgress);
      expect(first.state).toBe('unknown');
      const checked = await provider.query(refund);
      const again = await provider.query(refund);
      await provider.close();
      expect(checked.state).toBe('approved');
      expect(again.state).toBe('approved');
      expect(sim.refundCalls(refund.reference)).toBe(3);
      expect(sim.refunds()).toBe(before + 1);
      expect(sim.order(original.reference)?.refundable).toBe(300);
    });

    it('refund lost before the gateway acted: the re-check performs it once', async () => {
      sim.setBehaviour('approve', { walletSteps: 0 });
      const original = sale({ amount: 900 });
      const approved = await run(original);
      const before = sim.refunds();
      sim.setRefundFault('server-error', { charge: false });
      const refund = refundOf(original, approved.providerRef!, 900);
      const provider = createIotpayWalletProvider(config, FAST);
      expect((await provider.start(refund, never, noProgress)).state).toBe('unknown');
      expect(sim.refunds()).toBe(before);
      expect((await provider.query(refund)).state).toBe('approved');
      await provider.close();
      expect(sim.refunds()).toBe(before + 1);
      expect(sim.order(original.reference)?.refundable).toBe(0);
    });
  });
});

describe('simulator gateway rules (PAYMENTS.md §1.1–1.2, §6)', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'rules-key', mchId: '10000576' });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function post(body: string, contentType = 'application/x-www-form-urlencoded') {
    const response = await fetch(`${sim.url}/v1/query_order`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return (await response.json()) as Record<string, unknown>;
  }
  const wrap = (obj: Record<string, unknown>): string =>
    new URLSearchParams({ params: JSON.stringify(obj) }).toString();

  it('empty body → 0012; raw JSON without params= → 0014; GET → 0011', async () => {
    expect(await post('')).toMatchObject({ retCode: 'FAIL', errCode: '0012' });
    const fields = { mchId: '10000576', mchOrderNo: 'X1' };
    expect(
      await post(JSON.stringify({ ...fields, sign: iotpaySign(fields, 'rules-key') }), 'application/json'),
    ).toMatchObject({ retCode: 'FAIL', errCode: '0014' });
    const get = await fetch(`${sim.url}/v1/query_order`);
    expect(await get.json()).toMatchObject({ retCode: 'FAIL', errCode: '0011' });
  });

  it('checks the MD5 sign: a "0" left out of the sign fails with "signature fail"', async () => {
    const fields = { mchId: '10000576', mchOrderNo: 'X2', tip: '0' };
    const good = await post(wrap({ ...fields, sign: iotpaySign(fields, 'rules-key') }));
    expect(good).toMatchObject({ retCode: 'SUCCESS', resCode: 'FAIL', errCode: '0112' });
    const { tip: _dropped, ...withoutZero } = fields;
    const bad = await post(wrap({ ...fields, sign: iotpaySign(withoutZero, 'rules-key') }));
    expect(bad).toEqual({ retCode: 'FAIL', retMsg: 'signature fail', errCode: '0013' });
    const unknownMerchant = { mchId: '999', mchOrderNo: 'X3' };
    expect(await post(wrap({ ...unknownMerchant, sign: iotpaySign(unknownMerchant, 'rules-key') }))).toMatchObject({
      errCode: '0015',
    });
  });

  it('signs its replies over fields the client does not know', async () => {
    sim.setBehaviour('approve', { walletSteps: 0 });
    const fields = {
      mchId: '10000576',
      mchOrderNo: 'RULES1',
      jobNo: 'c',
      currency: 'CAD',
      channelId: 'WX_MICROPAY',
      amount: '1',
      notifyUrl: 'http://localhost',
      subject: 's',
      body: 'b',
      codeType: 'barcode',
      identityCode: WECHAT,
      clientIp: '127.0.0.1',
    };
    const response = await fetch(`${sim.url}/v1/create_order`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: wrap({ ...fields, sign: iotpaySign(fields, 'rules-key') }),
    });
    const reply = (await response.json()) as Record<string, unknown>;
    expect(reply).toHaveProperty('retDetail');
    expect(reply).toHaveProperty('payOrder.storeId');
    expect(verifyIotpaySignature(reply, 'rules-key')).toBe(true);
    expect(verifyIotpaySignature(reply, 'other-key')).toBe(false);
    expect(JSON.stringify(reply)).not.toContain(WECHAT);
  });
});
