/**
 * What a CodePay reply means for the payment engine: a final outcome, "still acting",
 * "ask again by query", or "the terminal refused the request".
 *
 * Rules (PAYMENTS.md §2.4–2.5): trans_status decides when present; 110 is the operator
 * cancelling on the terminal; 112 / 109 / "timeout" in response_msg are unknown and must be
 * queried; declines and cancels are final. A reply whose amounts do not parse is treated
 * as unknown (DESIGN §6 rule 7) rather than trusted.
 */
import type { CardBlock } from '../../../src-shared/domain';
import { parseDecimalString } from '../../../src-shared/money';
import type { ProviderOutcome } from '../provider';
import {
  RESPONSE_CODE,
  TRANS_STATUS,
  isSuccessCode,
  maskCardNumber,
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

function terminalMessage(message: CodepayMessage, fallback: string): string {
  return message.response_msg || message.biz_data?.msg || fallback;
}

function isTimeoutReply(message: CodepayMessage): boolean {
  const code = message.response_code;
  return code === RESPONSE_CODE.timeout || code === RESPONSE_CODE.networkAnomaly || /time\s*-?\s*out/i.test(message.response_msg ?? '');
}

/** Raw reply details for the journal, already masked (no full PAN). */
export function replyDetail(message: CodepayMessage): Record<string, unknown> {
  const biz: Record<string, unknown> = { ...(message.biz_data ?? {}) };
  if (typeof biz.card_no === 'string') biz.card_no = maskCardNumber(biz.card_no);
  return {
    topic: message.topic,
    response_code: message.response_code,
    response_msg: message.response_msg,
    biz_data: biz,
  };
}

function parseAmount(text: string | undefined, currency: string): number | undefined {
  return text === undefined || text === '' ? undefined : parseDecimalString(text, currency);
}

/** Build the receipt card block from an approved reply. Throws RangeError on a bad amount. */
export function cardBlockFromReply(message: CodepayMessage, currency: string): CardBlock {
  const biz: CodepayBizData = message.biz_data ?? {};
  const tip = parseAmount(biz.tip_amount, currency);
  const cashback = parseAmount(biz.cashback_amount, currency);
  const isWallet = biz.pay_scenario === 'SCANQR_PAY' || biz.pay_scenario === 'BSCANQR_PAY' || WALLET_METHODS.has(biz.pay_method_id ?? '');
  const block: CardBlock = { provider: 'codepay', method: isWallet ? 'wallet' : 'card' };
  if (biz.pay_method_id) block.brand = biz.pay_method_id;
  if (biz.card_no) block.maskedPan = maskCardNumber(biz.card_no);
  if (biz.entry_mode) block.entryMode = biz.entry_mode;
  if (biz.auth_code) block.authCode = biz.auth_code;
  if (biz.ref_no) block.reference = biz.ref_no;
  if (biz.pay_channel_trans_no) block.channelOrderNo = biz.pay_channel_trans_no;
  if (biz.trans_no) block.sequence = biz.trans_no;
  if (biz.terminal_sn) block.terminalId = biz.terminal_sn;
  if (biz.trans_end_time) block.transactionTime = biz.trans_end_time;
  if (message.response_msg) block.responseText = message.response_msg;
  if (tip !== undefined && tip > 0) block.tip = tip;
  if (cashback !== undefined && cashback > 0) block.cashback = cashback;
  return block;
}

function approved(message: CodepayMessage, currency: string): CodepayInterpretation {
  const biz = message.biz_data ?? {};
  try {
    const card = cardBlockFromReply(message, currency);
    const approvedAmount = parseAmount(biz.order_amount, currency);
    const detail = replyDetail(message);
    if (biz.card_type !== undefined) detail.cardType = CARD_TYPES[biz.card_type] ?? biz.card_type;
    const outcome: ProviderOutcome = {
      state: 'approved',
      message: terminalMessage(message, 'Approved'),
      card,
      detail,
    };
    if (biz.trans_no) outcome.providerRef = biz.trans_no;
    if (approvedAmount !== undefined) outcome.approvedAmount = approvedAmount;
    if (card.tip !== undefined) outcome.tip = card.tip;
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
  const withRef = (outcome: ProviderOutcome): ProviderOutcome => (providerRef ? { ...outcome, providerRef } : outcome);

  if (isTimeoutReply(message) && status !== TRANS_STATUS.closed && status !== TRANS_STATUS.cancelled) {
    return { kind: 'unknown', message: terminalMessage(message, 'The terminal timed out'), detail };
  }
  switch (status) {
    case TRANS_STATUS.success:
      if (!isSuccessCode(message.response_code)) {
        return { kind: 'unknown', message: 'The terminal sent a success status with an error code; checking', detail };
      }
      return approved(message, currency);
    case TRANS_STATUS.closed:
      return { kind: 'final', outcome: withRef({ state: 'declined', message: terminalMessage(message, 'Declined'), detail }) };
    case TRANS_STATUS.cancelled:
      return { kind: 'final', outcome: withRef({ state: 'cancelled', message: terminalMessage(message, 'Cancelled on the terminal'), detail }) };
    case TRANS_STATUS.paying:
    case TRANS_STATUS.created:
      return { kind: 'pending', outcome: withRef({ state: 'pending', message: 'Waiting for the customer on the terminal', detail }) };
    case undefined:
      break;
    default:
      return { kind: 'unknown', message: `The terminal sent an unknown status ${status}`, detail };
  }
  if (message.response_code === RESPONSE_CODE.operatorCancel) {
    return { kind: 'final', outcome: withRef({ state: 'cancelled', message: terminalMessage(message, 'Cancelled on the terminal'), detail }) };
  }
  if (isSuccessCode(message.response_code)) {
    return { kind: 'unknown', message: 'The terminal answered without a transaction status; checking', detail };
  }
  return { kind: 'rejected', message: terminalMessage(message, `The terminal refused the request (${message.response_code ?? 'no code'})`), detail };
}
