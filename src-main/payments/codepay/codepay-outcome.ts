/**
 * What a CodePay reply means for the payment engine: a final outcome, "still acting",
 * "ask again by query", or "the terminal refused the request".
 *
 * Rules (PAYMENTS.md §2.4–2.5): trans_status decides when present; 110 is the operator
 * cancelling on the terminal; 112 / 109 / "timeout" in response_msg are unknown and must be
 * queried; declines and cancels are final. A reply whose amounts do not parse is treated
 * as unknown (DESIGN §6 rule 7) rather than trusted.
 *
 * Every text taken from the terminal is masked for card numbers (issue 10 item 10), and the
 * cashier's sentence comes from the transaction, never from the transport: the
 * `response_msg` of a query or a close says how that request went ("Success"), not how
 * the payment went (issue 10 item 11).
 */
import type { CardBlock } from '../../../src-shared/domain';
import { parseDecimalString } from '../../../src-shared/money';
import { maskCardNumber, maskPansDeep, maskPansIn } from '../../../src-shared/pan-mask';
import type { ProviderOutcome } from '../provider';
import {
  CODEPAY_TOPICS,
  RESPONSE_CODE,
  TRANS_STATUS,
  TRANS_TYPE,
  isSuccessCode,
  type CodepayBizData,
  type CodepayMessage,
} from './codepay-envelope';

export type CodepayInterpretation =
  | { kind: 'final'; outcome: ProviderOutcome }
  | { kind: 'pending'; outcome: ProviderOutcome }
  /** No trustworthy answer: resolve by `ecrhub.pay.query`, never by resending. */
  | { kind: 'unknown'; message: string; detail: Record<string, unknown> }
  /** The terminal refused the request without a transaction status (busy, invalid, …). */
  | { kind: 'rejected'; message: string; detail: Record<string, unknown> };

/** `card_type`: 1 debit, 2 credit, 3 EBT, 4 gift (§2.4). */
const CARD_TYPES: Readonly<Record<string, string>> = { '1': 'debit', '2': 'credit', '3': 'ebt', '4': 'gift' };
const WALLET_METHODS = new Set(['WeChatPay', 'Alipay', 'Alipay+']);

/** Words that only say a request went through; they never describe a payment's result. */
const TRANSPORT_WORDS = /^(success(ful)?|succeed(ed)?|ok|done|closed)[.!]?$/i;

/** Trans types whose `order_amount` is the amount we sent (a void names the original's). */
const AMOUNT_NAMED_BY_US: ReadonlySet<string> = new Set([
  TRANS_TYPE.sale,
  TRANS_TYPE.cashback,
  TRANS_TYPE.preAuth,
  TRANS_TYPE.refund,
  TRANS_TYPE.completion,
]);

/**
 * The reply's id fields: our own keys echoed back and the terminal's / channel's
 * transaction ids. Digits-only ids of 13–19 digits pass the Luhn check one time in ten, so
 * without this list a trans_no or ref_no would be "masked" as if it were a card number.
 * Never `card_no` (masked on its own) nor any free-text field.
 */
const ID_FIELDS = [
  'merchant_order_no',
  'orig_merchant_order_no',
  'trans_no',
  'orig_trans_no',
  'pay_channel_trans_no',
  'ref_no',
  'terminal_sn',
  'auth_code',
  'batch_no',
  'trace_no',
  'voucher_no',
  'invoice_no',
] as const;

/** Ids of the reply (ours and the terminal's): never mistaken for a card number when masking. */
function ownKeys(message: CodepayMessage): ReadonlySet<string> {
  const biz: Record<string, unknown> = message.biz_data ?? {};
  const ids = [...ID_FIELDS.map((field) => biz[field]), message.request_id, message.app_id];
  // A loose field may come as a JSON number; masking sees its digits.
  return new Set(
    ids.flatMap((id) =>
      typeof id === 'string' && id !== ''
        ? [id]
        : typeof id === 'number' && Number.isSafeInteger(id)
          ? [String(id)]
          : [],
    ),
  );
}

/** Free text from the terminal, card numbers masked. */
function maskedText(message: CodepayMessage, text: string): string {
  return maskPansIn(text, ownKeys(message));
}

/**
 * The cashier's sentence for a transaction, from the reply that reported it. On an order
 * result `response_msg` is the transaction's own text; on a query or a close a success
 * code's text is the request's, so only `biz_data.msg` (or an error's text) describes it.
 */
function transactionText(message: CodepayMessage, fallback: string): string {
  const biz = message.biz_data ?? {};
  const candidates =
    message.topic === CODEPAY_TOPICS.order
      ? [message.response_msg, biz.msg]
      : [biz.msg, isSuccessCode(message.response_code) ? undefined : message.response_msg];
  for (const text of candidates) {
    if (text && text.trim() && !TRANSPORT_WORDS.test(text.trim())) return maskedText(message, text.trim());
  }
  return fallback;
}

/** The reply's own words about itself (a refusal, a tip adjustment), masked; `fallback` when empty. */
export function replyText(message: CodepayMessage, fallback: string): string {
  const text = message.response_msg || message.biz_data?.msg;
  return text ? maskedText(message, text) : fallback;
}

/** 112 / 109 or "timeout" in the text: the terminal did not finish; the transaction's fate is unknown. */
export function isTimeoutReply(message: CodepayMessage): boolean {
  const code = message.response_code;
  return (
    code === RESPONSE_CODE.timeout ||
    code === RESPONSE_CODE.networkAnomaly ||
    /time\s*-?\s*out/i.test(message.response_msg ?? '')
  );
}

/** Raw reply details for the journal, masked: the card number cut to its last four, any PAN in free text masked. */
export function replyDetail(message: CodepayMessage): Record<string, unknown> {
  const biz: Record<string, unknown> = { ...(message.biz_data ?? {}) };
  if (biz.card_no !== undefined) biz.card_no = maskCardNumber(biz.card_no);
  return maskPansDeep(
    {
      topic: message.topic,
      response_code: message.response_code,
      response_msg: message.response_msg,
      biz_data: biz,
    },
    ownKeys(message),
  );
}

function parseAmount(text: string | undefined, currency: string): number | undefined {
  return text === undefined || text === '' ? undefined : parseDecimalString(text, currency);
}

/**
 * What the terminal says the order is (DESIGN §6 rule 7): `order_amount` (goods only, no
 * tip or cash back) in minor units of the reply's currency. Undefined when the reply names
 * no amount of ours (a close, a refusal, a void). Throws RangeError on an amount or a
 * currency that cannot be read.
 */
export function readBackOf(message: CodepayMessage, currency: string): ProviderOutcome['readBack'] {
  const biz = message.biz_data ?? {};
  if (biz.order_amount === undefined || biz.order_amount === '') return undefined;
  if (biz.trans_type !== undefined && !AMOUNT_NAMED_BY_US.has(biz.trans_type)) return undefined;
  const replyCurrency = biz.price_currency || currency;
  return { amount: parseDecimalString(biz.order_amount, replyCurrency), currency: replyCurrency };
}

/** Build the receipt card block from an approved reply. Throws RangeError on a bad amount. */
function cardBlockFromReply(message: CodepayMessage, currency: string): CardBlock {
  const biz: CodepayBizData = message.biz_data ?? {};
  const tip = parseAmount(biz.tip_amount, currency);
  const cashback = parseAmount(biz.cashback_amount, currency);
  const isWallet =
    biz.pay_scenario === 'SCANQR_PAY' ||
    biz.pay_scenario === 'BSCANQR_PAY' ||
    WALLET_METHODS.has(biz.pay_method_id ?? '');
  const block: CardBlock = { provider: 'codepay', method: isWallet ? 'wallet' : 'card' };
  if (biz.pay_method_id) block.brand = biz.pay_method_id;
  const maskedPan = maskCardNumber(biz.card_no);
  if (maskedPan) block.maskedPan = maskedPan;
  if (biz.entry_mode) block.entryMode = biz.entry_mode;
  if (biz.auth_code) block.authCode = biz.auth_code;
  if (biz.ref_no) block.reference = biz.ref_no;
  if (biz.pay_channel_trans_no) block.channelOrderNo = biz.pay_channel_trans_no;
  if (biz.trans_no) block.sequence = biz.trans_no;
  if (biz.terminal_sn) block.terminalId = biz.terminal_sn;
  if (biz.trans_end_time) block.transactionTime = biz.trans_end_time;
  const responseText = transactionText(message, '');
  if (responseText) block.responseText = responseText;
  if (tip !== undefined && tip > 0) block.tip = tip;
  if (cashback !== undefined && cashback > 0) block.cashback = cashback;
  // Printed on the receipt: whatever text the terminal put anywhere in it is masked too.
  return maskPansDeep(block, ownKeys(message));
}

function approved(message: CodepayMessage, currency: string): CodepayInterpretation {
  const biz = message.biz_data ?? {};
  try {
    const card = cardBlockFromReply(message, currency);
    const approvedAmount = parseAmount(biz.order_amount, currency);
    const readBack = readBackOf(message, currency);
    const detail = replyDetail(message);
    if (biz.card_type !== undefined) detail.cardType = CARD_TYPES[biz.card_type] ?? biz.card_type;
    const outcome: ProviderOutcome = {
      state: 'approved',
      message: transactionText(message, 'Approved'),
      card,
      detail,
    };
    if (biz.trans_no) outcome.providerRef = biz.trans_no;
    if (approvedAmount !== undefined) outcome.approvedAmount = approvedAmount;
    if (card.tip !== undefined) outcome.tip = card.tip;
    if (readBack) outcome.readBack = readBack;
    return { kind: 'final', outcome };
  } catch (error) {
    return {
      kind: 'unknown',
      message: `The terminal's approval could not be read (${(error as Error).message}); checking with the terminal`,
      detail: replyDetail(message),
    };
  }
}

/**
 * Interpret a reply to `ecrhub.pay.order` or `ecrhub.pay.query` (both carry the
 * transaction's fields in biz_data). `currency` is the attempt's, for amount parsing.
 */
export function interpretCodepayReply(message: CodepayMessage, currency: string): CodepayInterpretation {
  const biz = message.biz_data ?? {};
  const status = biz.trans_status;
  const detail = replyDetail(message);
  const providerRef = biz.trans_no;
  let readBack: ProviderOutcome['readBack'];
  try {
    readBack = readBackOf(message, currency);
  } catch (error) {
    return {
      kind: 'unknown',
      message: `The terminal's amount could not be read (${(error as Error).message}); checking with the terminal`,
      detail,
    };
  }
  const faithful = (outcome: ProviderOutcome): ProviderOutcome => ({
    ...outcome,
    ...(providerRef ? { providerRef } : {}),
    ...(readBack ? { readBack } : {}),
  });

  if (isTimeoutReply(message) && status !== TRANS_STATUS.closed && status !== TRANS_STATUS.cancelled) {
    return { kind: 'unknown', message: replyText(message, 'The terminal timed out'), detail };
  }
  switch (status) {
    case TRANS_STATUS.success:
      if (!isSuccessCode(message.response_code)) {
        return { kind: 'unknown', message: 'The terminal sent a success status with an error code; checking', detail };
      }
      return approved(message, currency);
    case TRANS_STATUS.closed:
      return {
        kind: 'final',
        outcome: faithful({
          state: 'declined',
          message: transactionText(message, 'Not approved on the terminal'),
          detail,
        }),
      };
    case TRANS_STATUS.cancelled:
      return {
        kind: 'final',
        outcome: faithful({
          state: 'cancelled',
          message: transactionText(message, 'Cancelled on the terminal'),
          detail,
        }),
      };
    case TRANS_STATUS.paying:
    case TRANS_STATUS.created:
      return {
        kind: 'pending',
        outcome: faithful({ state: 'pending', message: 'Waiting for the customer on the terminal', detail }),
      };
    case undefined:
      break;
    default:
      return { kind: 'unknown', message: `The terminal sent an unknown status ${status}`, detail };
  }
  if (message.response_code === RESPONSE_CODE.operatorCancel) {
    return {
      kind: 'final',
      outcome: faithful({ state: 'cancelled', message: transactionText(message, 'Cancelled on the terminal'), detail }),
    };
  }
  if (isSuccessCode(message.response_code)) {
    return { kind: 'unknown', message: 'The terminal answered without a transaction status; checking', detail };
  }
  return {
    kind: 'rejected',
    message: replyText(message, `The terminal refused the request (${message.response_code ?? 'no code'})`),
    detail,
  };
}

/**
 * The outcome of a close the terminal accepted (status 3 or none): the order is cancelled.
 * The close reply's own "Success" is the close's, so the sentence is ours unless the
 * terminal wrote one about the transaction.
 */
export function closedOutcome(message: CodepayMessage): ProviderOutcome {
  return {
    state: 'cancelled',
    message: transactionText(message, 'Cancelled: the till closed the payment on the terminal'),
    detail: replyDetail(message),
  };
}
