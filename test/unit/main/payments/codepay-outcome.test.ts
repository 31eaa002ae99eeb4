/**
 * What the cashier reads and what the engine checks, from a CodePay reply (issue 10 items
 * 8, 10, 11): the transaction's own text (never the transport's "Success"), card numbers
 * masked wherever the terminal wrote them, and the order's amount read back.
 */
import { describe, expect, it } from 'vitest';
import { parseCodepayFrame, type CodepayMessage } from '../../../../src-main/payments/codepay/codepay-envelope';
import {
  closedOutcome,
  interpretCodepayReply,
  readBackOf,
  replyDetail,
} from '../../../../src-main/payments/codepay/codepay-outcome';

function parse(frame: Record<string, unknown>): CodepayMessage {
  const result = parseCodepayFrame(JSON.stringify(frame));
  if (!result.ok) throw new Error(result.error);
  return result.message;
}

function outcomeOf(frame: Record<string, unknown>) {
  const answer = interpretCodepayReply(parse(frame), 'CAD');
  if (answer.kind !== 'final' && answer.kind !== 'pending') throw new Error(`not an outcome: ${answer.kind}`);
  return answer.outcome;
}

describe('cashier text comes from the transaction, not the transport', () => {
  it.each([
    ['ecrhub.pay.query', '1', 'declined', 'Not approved on the terminal'],
    ['ecrhub.pay.query', '3', 'cancelled', 'Cancelled on the terminal'],
    ['ecrhub.pay.query', '2', 'approved', 'Approved'],
    ['ecrhub.pay.close', '3', 'cancelled', 'Cancelled on the terminal'],
    ['ecrhub.pay.order', '1', 'declined', 'Not approved on the terminal'],
  ])('%s answered "000 Success" with trans_status %s: %s, never "Success"', (topic, status, state, message) => {
    const outcome = outcomeOf({
      topic,
      response_code: '000',
      response_msg: 'Success',
      biz_data: { merchant_order_no: 'A1', trans_status: status, order_amount: '1.00' },
    });
    expect(outcome).toMatchObject({ state, message });
  });

  it("a query's transaction text in biz_data.msg is the cashier's sentence", () => {
    const outcome = outcomeOf({
      topic: 'ecrhub.pay.query',
      response_code: '000',
      response_msg: 'Success',
      biz_data: { merchant_order_no: 'A1', trans_status: '1', msg: 'Do not honour (05)' },
    });
    expect(outcome).toMatchObject({ state: 'declined', message: 'Do not honour (05)' });
  });

  it("an order result's own response_msg is still shown", () => {
    expect(
      outcomeOf({
        topic: 'ecrhub.pay.order',
        response_code: '301',
        response_msg: 'Insufficient funds',
        biz_data: { merchant_order_no: 'A1', trans_status: '1' },
      }).message,
    ).toBe('Insufficient funds');
  });

  it('an accepted close says the till cancelled it', () => {
    const outcome = closedOutcome(
      parse({
        topic: 'ecrhub.pay.close',
        response_code: '000',
        response_msg: 'Success',
        biz_data: { merchant_order_no: 'A1', trans_status: '3' },
      }),
    );
    expect(outcome.state).toBe('cancelled');
    expect(outcome.message).not.toMatch(/success/i);
  });
});

describe('card numbers in free text are masked', () => {
  const leaky = {
    topic: 'ecrhub.pay.order',
    request_id: 'T1S123',
    response_code: '301',
    response_msg: 'Card 4111-1111-1111-1111 declined',
    biz_data: {
      merchant_order_no: '177700000000000009',
      trans_status: '1',
      msg: 'PAN 5555555555554444',
      card_no: '5555555555554444',
      note: { deep: '4111111111111111' },
    },
  };

  it('in the outcome message, its detail and anywhere deeper, keeping our own references', () => {
    const outcome = outcomeOf(leaky);
    expect(outcome.message).toBe('Card **** 1111 declined');
    const text = JSON.stringify(outcome);
    expect(text).not.toMatch(/4111-?1111-?1111-?1111|5555555555554444/);
    expect(outcome.detail).toMatchObject({
      biz_data: {
        merchant_order_no: '177700000000000009',
        card_no: '**** 4444',
        msg: 'PAN **** 4444',
        note: { deep: '**** 1111' },
      },
    });
  });

  it('in the card block of an approval', () => {
    const outcome = outcomeOf({
      ...leaky,
      response_code: '000',
      response_msg: 'Approved 4111111111111111',
      biz_data: { ...leaky.biz_data, trans_status: '2', order_amount: '1.00' },
    });
    expect(outcome.card).toMatchObject({ responseText: 'Approved **** 1111', maskedPan: '**** 4444' });
    expect(JSON.stringify(outcome)).not.toMatch(/4111111111111111|5555555555554444/);
  });

  it("keeps the reply's own ids readable when they happen to pass the Luhn check, while a PAN in response_msg is still masked", () => {
    // Each id below is 13–19 digits and Luhn-valid, as one terminal id in ten is.
    const ids = {
      trans_no: '5021000000123459',
      ref_no: '202612060000123451',
      pay_channel_trans_no: '420000123456784',
      terminal_sn: '18500123456781',
    };
    const frame = {
      topic: 'ecrhub.pay.order',
      request_id: 'T1S123',
      response_code: '000',
      response_msg: `Approved 4111111111111111 txn ${ids.trans_no}`,
      biz_data: {
        merchant_order_no: 'A1',
        trans_status: '2',
        order_amount: '1.00',
        card_no: '5555555555554444',
        ...ids,
      },
    };
    const outcome = outcomeOf(frame);
    expect(outcome.message).toBe(`Approved **** 1111 txn ${ids.trans_no}`);
    expect(outcome.providerRef).toBe(ids.trans_no);
    expect(outcome.detail).toMatchObject({
      response_msg: `Approved **** 1111 txn ${ids.trans_no}`,
      biz_data: { ...ids, card_no: '**** 4444' },
    });
    expect(outcome.card).toMatchObject({
      sequence: ids.trans_no,
      reference: ids.ref_no,
      channelOrderNo: ids.pay_channel_trans_no,
      terminalId: ids.terminal_sn,
    });
    expect(JSON.stringify(outcome)).not.toMatch(/4111111111111111|5555555555554444/);
    expect(replyDetail(parse(frame))).toMatchObject({ biz_data: ids });
  });

  it('in the journal detail of any reply', () => {
    expect(JSON.stringify(replyDetail(parse(leaky)))).not.toMatch(/4111-1111-1111-1111|5555555555554444/);
  });
});

describe('read-back of the order the terminal names', () => {
  it('is the goods amount in minor units of the reply currency, without tip or cash back', () => {
    expect(
      readBackOf(
        parse({
          topic: 'ecrhub.pay.query',
          biz_data: {
            trans_type: '11',
            order_amount: '20.00',
            tip_amount: '3.00',
            cashback_amount: '40.00',
            price_currency: 'CAD',
          },
        }),
        'CAD',
      ),
    ).toEqual({ amount: 2000, currency: 'CAD' });
    expect(
      readBackOf(
        parse({
          topic: 'ecrhub.pay.query',
          biz_data: { trans_type: '1', order_amount: '1250', price_currency: 'JPY' },
        }),
        'CAD',
      ),
    ).toEqual({ amount: 1250, currency: 'JPY' });
    expect(readBackOf(parse({ topic: 'ecrhub.pay.query', biz_data: { order_amount: '1.5' } }), 'CAD')).toEqual({
      amount: 150,
      currency: 'CAD',
    });
  });

  it('is absent when the reply names no amount of ours (a close, a void of the original)', () => {
    expect(readBackOf(parse({ topic: 'ecrhub.pay.close', biz_data: { trans_status: '3' } }), 'CAD')).toBeUndefined();
    expect(
      readBackOf(parse({ topic: 'ecrhub.pay.order', biz_data: { trans_type: '2', order_amount: '12.50' } }), 'CAD'),
    ).toBeUndefined();
  });

  it('is set on declines and pending answers too, and an unreadable amount makes the answer unknown', () => {
    expect(
      outcomeOf({
        topic: 'ecrhub.pay.query',
        response_code: '000',
        biz_data: { trans_status: '0', order_amount: '3.00' },
      }).readBack,
    ).toEqual({ amount: 300, currency: 'CAD' });
    expect(
      interpretCodepayReply(
        parse({
          topic: 'ecrhub.pay.query',
          response_code: '000',
          biz_data: { trans_status: '1', order_amount: '3.001' },
        }),
        'CAD',
      ).kind,
    ).toBe('unknown');
  });
});
