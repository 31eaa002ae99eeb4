import { describe, expect, it } from 'vitest';
import {
  CODEPAY_TOPICS,
  MAX_FRAME_BYTES,
  TRANS_STATUS,
  TRANS_TYPE,
  buildCodepayRequest,
  describeCodepayMessage,
  isFinalStatus,
  isSuccessCode,
  parseCodepayFrame,
} from '../../../../src-main/payments/codepay/codepay-envelope';
import { maskCardNumber } from '../../../../src-shared/pan-mask';
import { interpretCodepayReply } from '../../../../src-main/payments/codepay/codepay-outcome';
import {
  buildCodepayOrder,
  type CodepayOrderSettings,
} from '../../../../src-main/payments/codepay/codepay-order-request';
import type { ProviderAttempt } from '../../../../src-main/payments/provider';

const approvedFrame = {
  topic: 'ecrhub.pay.order',
  app_id: 'wz2b6cef2f18008ee7',
  request_id: '111111',
  timestamp: '1698302992263',
  response_code: '000',
  response_msg: 'Approved',
  biz_data: {
    merchant_order_no: 'A123',
    trans_type: '1',
    trans_status: '2',
    trans_no: '5021000010210602000003',
    order_amount: '34.50',
    tip_amount: '5.18',
    price_currency: 'CAD',
    pay_method_id: 'Visa',
    card_no: '4761731000000010',
    card_type: '2',
    auth_code: '123456',
    ref_no: 'R77',
    entry_mode: 'Contactless',
    pay_channel_trans_no: '000000123',
    trans_end_time: '2021-06-03 12:48:51',
  },
};

function attempt(overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  return {
    id: 'att1',
    orderId: 'ord1',
    kind: 'sale',
    method: 'card',
    amount: 1250,
    tip: 0,
    currency: 'CAD',
    reference: 'CT0001A1',
    requestId: 'req-0001-abcdef',
    providerRef: null,
    terminal: 'Lane 1',
    description: 'Order 12',
    ...overrides,
  };
}

describe('parseCodepayFrame', () => {
  it('reads a vendor-shaped reply and keeps unknown fields', () => {
    const result = parseCodepayFrame(JSON.stringify({ ...approvedFrame, device_data: null, extra: 1 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.message.biz_data?.trans_status).toBe('2');
    expect(result.message.device_data).toBeUndefined();
    expect((result.message as Record<string, unknown>).extra).toBe(1);
  });

  it('normalises numeric wire values to strings', () => {
    const result = parseCodepayFrame(
      Buffer.from(
        JSON.stringify({ topic: 'ecrhub.pay.query', response_code: 0, biz_data: { trans_status: 2, trans_type: 1 } }),
      ),
    );
    expect(result.ok && result.message.response_code).toBe('0');
    expect(result.ok && result.message.biz_data?.trans_status).toBe('2');
  });

  it.each([
    ['not JSON', '{"topic":', /not JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['no topic', '{"response_code":"000"}', /topic/],
    ['empty topic', '{"topic":""}', /topic is empty/],
    ['biz_data not an object', '{"topic":"ecrhub.pay.order","biz_data":"x"}', /biz_data/],
    ['boolean status', '{"topic":"ecrhub.pay.order","biz_data":{"trans_status":true}}', /biz_data.trans_status/],
  ])('rejects %s with a clear error and no throw', (_label, text, pattern) => {
    const result = parseCodepayFrame(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(pattern);
  });

  it('refuses oversized frames before parsing them', () => {
    const huge = JSON.stringify({ topic: 'x', pad: 'a'.repeat(MAX_FRAME_BYTES) });
    const result = parseCodepayFrame(huge);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/larger than/) });
  });
});

describe('codes and enums', () => {
  it('treats "000" and "0" as success and nothing else', () => {
    expect(isSuccessCode('000')).toBe(true);
    expect(isSuccessCode('0')).toBe(true);
    for (const code of ['00', '001', '110', '112', '', undefined]) expect(isSuccessCode(code)).toBe(false);
  });

  it('knows the topics, trans types and statuses', () => {
    expect(CODEPAY_TOPICS.tipAdjustment).toBe('ecrhub.pay.tip.adjustment');
    expect(CODEPAY_TOPICS.batchClose).toBe('ecrhub.pay.batch.close');
    expect([
      TRANS_TYPE.sale,
      TRANS_TYPE.void,
      TRANS_TYPE.refund,
      TRANS_TYPE.preAuth,
      TRANS_TYPE.preAuthCancel,
      TRANS_TYPE.completion,
      TRANS_TYPE.tipAdjustment,
    ]).toEqual(['1', '2', '3', '4', '5', '6', '13']);
    expect([TRANS_STATUS.created, TRANS_STATUS.paying].some(isFinalStatus)).toBe(false);
    expect(['1', '2', '3'].every(isFinalStatus)).toBe(true);
  });
});

describe('buildCodepayRequest', () => {
  it('builds the envelope and drops undefined biz fields', () => {
    const request = buildCodepayRequest({
      topic: CODEPAY_TOPICS.order,
      appId: 'app',
      requestId: 'r1',
      bizData: { merchant_order_no: 'A1', tip_amount: undefined, on_screen_tip: true },
      now: 1698302992263,
    });
    expect(request).toEqual({
      topic: 'ecrhub.pay.order',
      request_id: 'r1',
      app_id: 'app',
      timestamp: '1698302992263',
      version: '1.0',
      biz_data: { merchant_order_no: 'A1', on_screen_tip: true },
    });
  });

  it('refuses a request without app_id', () => {
    expect(() => buildCodepayRequest({ topic: CODEPAY_TOPICS.query, appId: '', requestId: 'r', bizData: {} })).toThrow(
      /app_id/,
    );
  });
});

describe('masking', () => {
  it('shows a card number in the one shared form: its last four digits, even of an already masked number', () => {
    expect(maskCardNumber('4761731000000010')).toBe('**** 0010');
    expect(maskCardNumber('476173******0010')).toBe('**** 0010');
    expect(maskCardNumber('4761 7310 0000 0010')).toBe('**** 0010');
  });

  it('never logs a full card number', () => {
    const parsed = parseCodepayFrame(JSON.stringify(approvedFrame));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const line = describeCodepayMessage(parsed.message);
    expect(line).not.toContain('4761731000000010');
    expect(line).toContain('card=**** 0010');
  });
});

describe('interpretCodepayReply', () => {
  const parse = (frame: unknown) => {
    const result = parseCodepayFrame(JSON.stringify(frame));
    if (!result.ok) throw new Error(result.error);
    return result.message;
  };

  it('maps an approval to an outcome with a card block, tip and amounts in minor units', () => {
    const answer = interpretCodepayReply(parse(approvedFrame), 'CAD');
    expect(answer.kind).toBe('final');
    if (answer.kind !== 'final') return;
    expect(answer.outcome).toMatchObject({
      state: 'approved',
      providerRef: '5021000010210602000003',
      approvedAmount: 3450,
      tip: 518,
      card: {
        provider: 'codepay',
        method: 'card',
        brand: 'Visa',
        maskedPan: '**** 0010',
        authCode: '123456',
        reference: 'R77',
        entryMode: 'Contactless',
        channelOrderNo: '000000123',
        transactionTime: '2021-06-03 12:48:51',
        tip: 518,
      },
    });
    expect(JSON.stringify(answer.outcome)).not.toContain('4761731000000010');
  });

  it('accepts "0" as the success code', () => {
    const answer = interpretCodepayReply(parse({ ...approvedFrame, response_code: '0' }), 'CAD');
    expect(answer.kind === 'final' && answer.outcome.state).toBe('approved');
  });

  it.each([
    [
      { response_code: '301', response_msg: 'Insufficient funds', biz_data: { trans_status: '1' } },
      'final',
      'declined',
    ],
    [{ response_code: '110', response_msg: '[K026] manual cancel' }, 'final', 'cancelled'],
    [{ response_code: '000', biz_data: { trans_status: '3' } }, 'final', 'cancelled'],
    [{ response_code: '000', biz_data: { trans_status: '0' } }, 'pending', 'pending'],
    [{ response_code: '000', biz_data: { trans_status: '9' } }, 'pending', 'pending'],
  ])('maps %j', (fields, kind, state) => {
    const answer = interpretCodepayReply(parse({ topic: 'ecrhub.pay.order', ...fields }), 'CAD');
    expect(answer.kind).toBe(kind);
    if (answer.kind === 'final' || answer.kind === 'pending') expect(answer.outcome.state).toBe(state);
  });

  it.each([
    [{ response_code: '112', response_msg: 'Transaction timeout' }],
    [{ response_code: '999', response_msg: 'Read timeout' }],
    [{ response_code: '109' }],
    [{ response_code: '000' }],
    [{ response_code: '500', biz_data: { trans_status: '2' } }],
    [{ response_code: '000', biz_data: { trans_status: '7' } }],
    [{ response_code: '000', biz_data: { trans_status: '2', order_amount: '12.345' } }],
  ])('needs a query for %j', (fields) => {
    expect(interpretCodepayReply(parse({ topic: 'ecrhub.pay.order', ...fields }), 'CAD').kind).toBe('unknown');
  });

  it('reports a refusal without a status as rejected', () => {
    const answer = interpretCodepayReply(
      parse({ topic: 'ecrhub.pay.order', response_code: '302', response_msg: 'Terminal busy' }),
      'CAD',
    );
    expect(answer).toMatchObject({ kind: 'rejected', message: 'Terminal busy' });
  });
});

describe('buildCodepayOrder', () => {
  it('sends a sale with decimal amounts and options', () => {
    const tipped = attempt({ tip: 200, options: { onScreenTip: true } });
    const order = buildCodepayOrder(tipped, 'sale', 'CAD', { confirmOnTerminal: true });
    expect(order.transType).toBe('1');
    expect(order.requestId).toBe('req-0001-abcdef');
    expect(order.bizData).toMatchObject({
      trans_type: '1',
      merchant_order_no: 'CT0001A1',
      order_amount: '12.50',
      tip_amount: '2.00',
      on_screen_tip: true,
      confirm_on_terminal: true,
      price_currency: 'CAD',
    });
  });

  it('uses the currency exponent (JPY has none)', () => {
    const order = buildCodepayOrder(attempt({ amount: 1250, currency: 'JPY' }), 'sale', 'JPY');
    expect(order.bizData.order_amount).toBe('1250');
  });

  it('sends pre-auth, cash back, void and refund with the original order number', () => {
    expect(buildCodepayOrder(attempt({ options: { preauth: true } }), 'preauth', 'CAD').transType).toBe('4');
    const cashback = buildCodepayOrder(attempt({ options: { cashback: 2000 } }), 'sale', 'CAD');
    expect(cashback.bizData).toMatchObject({ trans_type: '11', cashback_amount: '20.00' });
    const original = { reference: 'CT0001A0', providerRef: 'T1', amount: 1250, tip: 0 };
    const voidAttempt = attempt({ kind: 'void', original, options: { terminalAuthentication: true } });
    const voided = buildCodepayOrder(voidAttempt, 'void', 'CAD');
    expect(voided.bizData).toMatchObject({
      trans_type: '2',
      orig_merchant_order_no: 'CT0001A0',
      required_terminal_authentication: true,
    });
    expect(voided.bizData.order_amount).toBeUndefined();
    const refund = buildCodepayOrder(attempt({ kind: 'refund', amount: 500, original }), 'refund', 'CAD');
    expect(refund.bizData).toMatchObject({ trans_type: '3', orig_merchant_order_no: 'CT0001A0', order_amount: '5.00' });
    expect(buildCodepayOrder(attempt({ original }), 'preauth-cancel', 'CAD').transType).toBe('5');
    expect(buildCodepayOrder(attempt({ original }), 'completion', 'CAD').bizData).toMatchObject({
      trans_type: '6',
      order_amount: '12.50',
    });
  });

  it.each<[string, ProviderAttempt, RegExp, CodepayOrderSettings?]>([
    ['a reference with a dash', attempt({ reference: 'CT-1' }), /merchant order number/],
    ['a reference over 32 chars', attempt({ reference: 'A'.repeat(33) }), /merchant order number/],
    ['another currency', attempt({ currency: 'EUR' }), /CAD, not EUR/],
    ['confirm on terminal without a request id', attempt({ requestId: '' }), /request id/, { confirmOnTerminal: true }],
    ['a non-boolean option', attempt({ options: { onScreenTip: 'yes' as unknown as boolean } }), /on_screen_tip/],
  ])('refuses %s before anything is sent', (_label, input, pattern, settings) => {
    expect(() => buildCodepayOrder(input, 'sale', 'CAD', settings)).toThrow(pattern);
  });

  it('refuses a void without the original payment', () => {
    expect(() => buildCodepayOrder(attempt({ kind: 'void' }), 'void', 'CAD')).toThrow(/original/);
  });
});
