/**
 * Attempt options by engine name, and journals written before they had one: a row stored
 * with CodePay's wire names (`on_screen_tip`, `cashback_amount`,
 * `required_terminal_authentication`) reads the same after an upgrade, and no stored text
 * can make reading a row throw (an attempt must never be stranded by its options).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { journalAttemptOptions, parseAttemptOptions } from '../../../../src-main/payments/engine/attempt-options';
import { cashbackOf, isPreauth } from '../../../../src-main/payments/engine/payment-engine';
import type { AttemptOptions } from '../../../../src-main/payments/provider';
import {
  CASHIER,
  MANAGER,
  errorCodeOf,
  oneProvider,
  startEngineHarness,
  type EngineHarness,
} from '../../../support/engine-harness';
import { CAPABILITY_SETS, answer } from '../../../support/scripted-provider';

describe('parseAttemptOptions', () => {
  it('reads the engine names', () => {
    const stored = '{"preauth":true,"capture":false,"onScreenTip":true,"cashback":500,"terminalAuthentication":true}';
    expect(parseAttemptOptions(stored)).toEqual({
      preauth: true,
      capture: false,
      onScreenTip: true,
      cashback: 500,
      terminalAuthentication: true,
    });
  });

  it('reads the names journals held before the upgrade the same way', () => {
    const stored = JSON.stringify({
      on_screen_tip: true,
      cashback_amount: 4000,
      required_terminal_authentication: true,
      preauth: true,
      capture: true,
    });
    expect(parseAttemptOptions(stored)).toEqual({
      onScreenTip: true,
      cashback: 4000,
      terminalAuthentication: true,
      preauth: true,
      capture: true,
    });
  });

  it('prefers the engine name, and falls back to the earlier one when the engine name holds no valid value', () => {
    expect(parseAttemptOptions('{"cashback":700,"cashback_amount":500}')).toEqual({ cashback: 700 });
    expect(parseAttemptOptions('{"cashback":"700","cashback_amount":500}')).toEqual({ cashback: 500 });
    expect(parseAttemptOptions('{"onScreenTip":false,"on_screen_tip":true}')).toEqual({ onScreenTip: false });
  });

  it.each([
    ['no options', null],
    ['an empty text', ''],
    ['text that is not JSON', 'not json {'],
    ['a JSON array', '[true, 500]'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"preauth"'],
  ])('reads %s as no options, without throwing', (_label, stored) => {
    expect(parseAttemptOptions(stored)).toEqual({});
  });

  it.each([
    ['a flag that is a string', '{"preauth":"true"}'],
    ['a flag that is a number', '{"on_screen_tip":1,"capture":1}'],
    ['a flag that is an object', '{"terminalAuthentication":{"yes":true}}'],
    ['cash back as text', '{"cashback_amount":"40.00"}'],
    ['cash back of a fraction', '{"cashback":12.5}'],
    ['cash back below one minor unit', '{"cashback":0,"cashback_amount":-300}'],
    ['cash back beyond a safe integer', '{"cashback":1e300}'],
    ['names that are no options', '{"authorisation":true,"confirm_on_terminal":true,"__proto__":{"preauth":true}}'],
  ])('ignores %s', (_label, stored) => {
    expect(parseAttemptOptions(stored)).toEqual({});
  });

  it('reads back what the engine journals', () => {
    const cases: AttemptOptions[] = [
      {},
      { preauth: true },
      { capture: true },
      { onScreenTip: true, cashback: 2_000 },
      { terminalAuthentication: false },
    ];
    for (const options of cases) {
      expect(parseAttemptOptions(JSON.stringify(journalAttemptOptions(options)))).toEqual(options);
    }
    expect(journalAttemptOptions({ onScreenTip: undefined, cashback: 300 })).toEqual({ cashback: 300 });
  });
});

describe('rows journaled before the upgrade', () => {
  const row = (options: string | null, card: string | null = null) => ({ kind: 'sale' as const, options, card });

  it('keep their cash back and their pre-authorisation', () => {
    expect(cashbackOf(row('{"cashback_amount":4000}'))).toBe(4_000);
    expect(cashbackOf(row('{"cashback":4000}'))).toBe(4_000);
    const confirmed = '{"provider":"codepay","method":"card","cashback":3000}';
    expect(cashbackOf(row('{"cashback_amount":4000}', confirmed))).toBe(3_000);
    expect(isPreauth(row('{"preauth":true}'))).toBe(true);
    expect(isPreauth({ ...row('{"preauth":true}'), kind: 'refund' })).toBe(false);
  });

  it('with damaged options read as none rather than throw', () => {
    expect(cashbackOf(row('{broken'))).toBe(0);
    expect(isPreauth(row('{broken'))).toBe(false);
  });
});

describe('an attempt journaled with the earlier names, after an upgrade', () => {
  let h: EngineHarness;
  afterEach(async () => {
    await h?.close();
  });

  /** A sale a till running the earlier version sent and then lost (it stopped before the answer). */
  function journalEarlierSale(orderId: string, options: Record<string, string | number | boolean>): string {
    return h.journal.db
      .transaction(() => {
        const keys = h.attempts.nextKeys(h.tillId);
        const inserted = h.attempts.insert(
          {
            id: 'sale-before-upgrade',
            orderId,
            provider: 'codepay',
            terminal: null,
            kind: 'sale',
            method: 'card',
            amount: 4_000,
            tip: 0,
            currency: 'EUR',
            reference: keys.reference,
            requestId: keys.requestId,
            originalAttemptId: null,
            walletCodeMasked: null,
            options,
          },
          `sale requested by user ${CASHIER}`,
        );
        return h.attempts.transition(inserted.id, { to: 'sending', cause: 'request about to leave' }).id;
      })
      .immediate();
  }

  it('is reconciled, queried and refunded as it was started', async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
      backoffMs: [60_000],
    });
    const orderId = h.openOrder(4_000);
    const id = journalEarlierSale(orderId, { on_screen_tip: true, cashback_amount: 1_000 });

    const reconciling = h.engine.reconcile();
    await h.flush();
    const query = h.provider('codepay').calls('query')[0];
    // The provider is asked with the options by their engine names.
    expect(query.attempt.options).toEqual({ onScreenTip: true, cashback: 1_000 });
    h.provider('codepay').release(query, answer.approved(query.attempt));
    await reconciling;
    await h.flush();

    // The cash back asked for then is still charged to the card and handed out as a cash line of its
    // own, and the sale still cannot be voided.
    const order = h.order(orderId);
    expect(order.status).toBe('completed');
    const tenders = order.tenders.map((t) => [t.kind, t.amount, t.cashback]);
    expect(tenders).toEqual([
      ['card', 5_000, 1_000],
      ['cash', -1_000, 0],
    ]);
    const voiding = () => h.refunds.voidPayment({ attemptId: id, reason: 'x', userId: CASHIER, approvedBy: MANAGER });
    expect(errorCodeOf(voiding)).toBe('CONFLICT');

    h.refunds.refundPayment({ attemptId: id, amount: 4_000, reason: 'goodwill', userId: CASHIER, approvedBy: MANAGER });
    await h.flush();
    const refund = h
      .provider('codepay')
      .calls('start')
      .find((c) => c.attempt.kind === 'refund')!;
    const original = { reference: h.row(id).reference, preauth: false };
    expect(refund.attempt).toMatchObject({ amount: 4_000, original });
    h.provider('codepay').release(refund, answer.approved(refund.attempt));
    await h.flush();
    expect(h.row(id)).toMatchObject({ state: 'refunded', refunded: 4_000 });
  });
});
