/**
 * The refund ledger, step by step with scripted providers (the deterministic companion of the
 * model test): one record per movement back, bound to its tender; nothing left behind by a
 * refusal; in-flight parts held, declined ones released; tips and cash back; late approvals
 * accepted or refunded on the terminal; tax that adds up to the sale's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaxRate } from '../../../../src-shared/pricing';
import { CASHIER, MANAGER, errorCodeOf, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import {
  CAPABILITY_SETS,
  answer,
  createScriptedProvider,
  type ScriptedProvider,
} from '../../../support/scripted-provider';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const VAT: TaxRate = { code: 'VAT', label: 'VAT 21%', ratePpm: 210_000, inclusive: true };

async function till(): Promise<EngineHarness> {
  h = startEngineHarness({
    backoffMs: [60_000],
    providers: (ledger) => [
      createScriptedProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay, ledger }),
      createScriptedProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax, ledger }),
      createScriptedProvider({
        id: 'iotpay-wallet',
        method: 'wallet',
        capabilities: CAPABILITY_SETS.iotpayWallet,
        ledger,
      }),
    ],
  });
  await h.engine.reconcile();
  return h;
}

/** A sale of two lines (12.99 and 2 × 5.00, VAT inclusive) paid in full by one card approval. */
async function paidByCard(provider = 'codepay', extra: { tip?: number; cashback?: number } = {}) {
  const order = h.orders.createOrder('EUR', CASHIER, null);
  h.orders.addLine(order.id, {
    productId: null,
    name: 'Bread',
    barcode: null,
    unit: 'each',
    unitPrice: 1_299,
    qtyMilli: 1_000,
    taxes: [VAT],
    embedded: null,
  });
  h.orders.addLine(order.id, {
    productId: null,
    name: 'Jam',
    barcode: null,
    unit: 'each',
    unitPrice: 500,
    qtyMilli: 2_000,
    taxes: [VAT],
    embedded: null,
  });
  const attempt = h.engine.start({
    orderId: order.id,
    providerId: provider,
    amount: h.order(order.id).due,
    tip: extra.tip ?? 0,
    userId: CASHIER,
    ...(extra.cashback ? { options: { cashback: extra.cashback } } : {}),
  });
  const scripted = h.provider(provider);
  const call = scripted.calls('start').find((c) => c.attempt.id === attempt.id)!;
  scripted.release(
    call,
    answer.approved(call.attempt, {
      tip: extra.tip ?? 0,
      ...(extra.cashback ? { card: { provider, method: 'card', cashback: extra.cashback } } : {}),
    }),
  );
  await h.flush();
  return { orderId: order.id, attemptId: attempt.id };
}

function startCall(provider: ScriptedProvider, kind: 'refund' | 'void') {
  return provider.calls('start').find((c) => c.attempt.kind === kind)!;
}

const refundRecords = () => h.journal.db.prepare('SELECT COUNT(*) FROM refunds').pluck().get() as number;

describe('one record per movement, bound to the tender it gives back', () => {
  it('a payment voided on its screen leaves nothing for history to give back again', async () => {
    await till();
    const { orderId, attemptId } = await paidByCard();
    h.refunds.voidPayment({ attemptId, reason: 'wrong card', userId: CASHIER, approvedBy: MANAGER });
    expect(h.refunds.refundable(orderId)).toMatchObject({ total: 0, tips: 0, reserved: 2_299 });
    expect(
      errorCodeOf(() =>
        h.refunds.create({
          orderId,
          lines: [],
          amount: 100,
          to: 'cash',
          reason: 'again',
          userId: CASHIER,
          approvedBy: MANAGER,
        }),
      ),
    ).toBe('INVALID_PAYLOAD');
    h.provider('codepay').release(
      startCall(h.provider('codepay'), 'void'),
      answer.approved({ amount: 2_299, currency: 'EUR' }),
    );
    await h.flush();
    expect(h.order(orderId).refunded).toBe(2_299);
    expect(h.refunds.forOrder(orderId).map((r) => [r.kind, r.status, r.givenBack])).toEqual([
      ['void', 'completed', 2_299],
    ]);
  });

  it('a refusal inside the transaction leaves no record and no attempt; a declined refund releases what it held', async () => {
    await till();
    const { orderId, attemptId } = await paidByCard();
    // The terminal is busy with another sale: the provider refund cannot start, so nothing is written.
    const other = h.openOrder(1_000);
    h.engine.start({ orderId: other, providerId: 'codepay', amount: 1_000, tip: 0, userId: CASHIER });
    const attemptsBefore = h.rows().length;
    expect(
      errorCodeOf(() =>
        h.refunds.create({
          orderId,
          lines: [],
          amount: 500,
          to: 'original',
          reason: 'x',
          userId: CASHIER,
          approvedBy: MANAGER,
        }),
      ),
    ).toBe('PAYMENT_IN_PROGRESS');
    expect(refundRecords()).toBe(0);
    expect(h.rows()).toHaveLength(attemptsBefore);
    h.provider('codepay').release(h.provider('codepay').calls('start')[0], answer.declined());
    await h.flush();

    h.refunds.refundPayment({ attemptId, amount: 500, reason: 'goodwill', userId: CASHIER, approvedBy: MANAGER });
    expect(h.refunds.refundable(orderId)).toMatchObject({ total: 1_799, reserved: 500 });
    h.provider('codepay').release(startCall(h.provider('codepay'), 'refund'), answer.declined());
    await h.flush();
    expect(h.refunds.refundable(orderId)).toMatchObject({ total: 2_299, reserved: 0 });
    expect(h.refunds.forOrder(orderId)[0]).toMatchObject({ status: 'failed', givenBack: 0 });
    // The retry is accepted and goes through.
    h.refunds.refundPayment({ attemptId, amount: 500, reason: 'goodwill', userId: CASHIER, approvedBy: MANAGER });
    h.provider('codepay').release(
      startCall(h.provider('codepay'), 'refund'),
      answer.approved({ amount: 500, currency: 'EUR' }),
    );
    await h.flush();
    expect(h.refunds.refundable(orderId).total).toBe(1_799);
    expect(h.order(orderId).refunded).toBe(500);
  });
});

describe('tips and cash back', () => {
  it('a tip is refundable with the goods, through the provider, and the sale is then refunded in full', async () => {
    await till();
    const { orderId, attemptId } = await paidByCard('codepay', { tip: 300 });
    const left = h.refunds.refundable(orderId);
    expect(left).toMatchObject({ total: 2_299, tips: 300 });
    h.refunds.create({
      orderId,
      lines: left.lines.map((l) => ({ lineId: l.lineId, qtyMilli: l.qtyMilli })),
      tip: 300,
      to: 'original',
      reason: 'all back',
      userId: CASHIER,
      approvedBy: MANAGER,
    });
    const call = startCall(h.provider('codepay'), 'refund');
    expect(call.attempt.amount).toBe(2_599);
    h.provider('codepay').release(call, answer.approved(call.attempt));
    await h.flush();
    expect(h.row(attemptId)).toMatchObject({ state: 'refunded', refunded: 2_599 });
    expect(h.refunds.refundable(orderId)).toMatchObject({ total: 0, tips: 0 });
    // The tax given back is exactly the sale's (last-remainder), not a rounded share.
    const refund = h.refunds.forOrder(orderId)[0];
    expect(refund.tax).toBe(h.order(orderId).includedTax);
    expect(refund.tip).toBe(300);
  });

  it('cash back is a cash line of its own: charged to the card, out of the drawer, never refundable, and such a sale is not voided', async () => {
    await till();
    const { orderId, attemptId } = await paidByCard('codepay', { cashback: 2_000 });
    const order = h.order(orderId);
    expect(order.status).toBe('completed');
    expect(order.tenders.map((t) => [t.kind, t.label, t.amount, t.cashback])).toEqual([
      ['card', 'codepay', 4_299, 2_000],
      ['cash', 'Cash back', -2_000, 0],
    ]);
    expect(order.paid).toBe(order.total);
    expect(h.refunds.refundable(orderId)).toMatchObject({ total: 2_299 });
    expect(
      errorCodeOf(() => h.refunds.voidPayment({ attemptId, reason: 'x', userId: CASHIER, approvedBy: MANAGER })),
    ).toBe('CONFLICT');
  });
});

describe('late approvals and refunds done on the terminal', () => {
  async function lateApproval(provider: string) {
    const orderId = h.openOrder(1_000);
    const sale = h.startSale(orderId, provider);
    h.provider(provider).release(sale.call, answer.unknown());
    await h.flush();
    h.engine.release({ attemptId: sale.id, managerId: MANAGER, reason: 'walked away' });
    h.checkout.takeCash(orderId, 1_000);
    h.engine.eventsFor(provider).lateResult(h.row(sale.id).reference, answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id)).toMatchObject({ state: 'needs_reversal', needs_attention: 'needs-reversal' });
    return { orderId, attemptId: sale.id };
  }

  it('accepted by a manager: the approval becomes the tender and the cash goes back from the drawer, in the ledger', async () => {
    await till();
    const { orderId, attemptId } = await lateApproval('iotpay-pax');
    h.refunds.resolvePayment({
      attemptId,
      resolution: 'accepted',
      evidence: 'terminal slip 12',
      reason: 'keep the card payment',
      managerId: MANAGER,
      userId: MANAGER,
    });
    expect(h.row(attemptId)).toMatchObject({ state: 'approved', needs_attention: null });
    const order = h.order(orderId);
    expect(order.tenders.map((t) => [t.kind, t.amount])).toEqual([
      ['cash', 1_000],
      ['card', 1_000],
    ]);
    expect(
      h.refunds
        .forOrder(orderId)
        .map((r) => [r.kind, r.amount, r.tenders.map((t) => [t.via, t.originalTenderId === order.tenders[0].id])]),
    ).toEqual([['accepted', 1_000, [['drawer', true]]]]);
    expect(h.engine.needingAttention()).toEqual([]);
  });

  it('a terminal-only card is refunded on the terminal and recorded with its evidence; to the card is refused with the reason', async () => {
    await till();
    const { orderId } = await paidByCard('iotpay-pax');
    const request = {
      orderId,
      lines: [],
      amount: 2_299,
      to: 'original' as const,
      reason: 'returned',
      userId: CASHIER,
      approvedBy: MANAGER,
    };
    expect(() => h.refunds.create(request)).toThrow(
      /iotpay-pax cannot be refunded from the till: refund that part on the terminal and record it, or refund to cash/,
    );
    expect(errorCodeOf(() => h.refunds.create({ ...request, to: 'outside' }))).toBe('INVALID_PAYLOAD');
    const recorded = h.refunds.create({ ...request, to: 'outside', evidence: 'PAX refund 000123' });
    expect(recorded).toMatchObject({
      kind: 'outside',
      status: 'completed',
      givenBack: 2_299,
      evidence: 'PAX refund 000123',
    });
    expect(h.refunds.refundable(orderId).total).toBe(0);
    expect(refundRecords()).toBe(1);
  });

  it('refunds by amount give back the tax pro rata, and the last one exactly what is left', async () => {
    await till();
    const { orderId } = await paidByCard();
    const tax = h.order(orderId).includedTax;
    for (const amount of [700, 700, 899]) {
      h.refunds.create({
        orderId,
        lines: [],
        amount,
        to: 'cash',
        reason: 'by amount',
        userId: CASHIER,
        approvedBy: MANAGER,
      });
    }
    const records = h.refunds.forOrder(orderId);
    expect(records.map((r) => r.amount)).toEqual([700, 700, 899]);
    expect(records.reduce((s, r) => s + r.tax, 0)).toBe(tax);
    expect(h.refunds.refundable(orderId).total).toBe(0);
  });
});
