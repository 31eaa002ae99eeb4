/**
 * YabandPay payment and refund states (PAYMENTS.md §3.2) and the reply shapes that carry
 * them. The notify page gives two-digit codes (00 paid … 08 cancelled; refunds 20 … 25)
 * while the query pages show words ("paid", "refunded"): both are accepted.
 */
import { z } from 'zod';
import type { CardBlock } from '../../../src-shared/domain';
import { maskCardNumber, maskPansIn } from '../../../src-shared/pan-mask';

/** How the POS reads a state: final (approved / declined / cancelled) or still open. */
export type StateClass = 'approved' | 'declined' | 'cancelled' | 'open' | 'unrecognised';

export interface ReadState {
  /** The two-digit code (payment 00–08, refund 20–25), or '' when unrecognised. */
  code: string;
  class: StateClass;
  /** 00 paid → false, 01 authorized → true (an authorisation still to be captured). */
  authorisedOnly: boolean;
  /** A sentence for the cashier. */
  sentence: string;
}

const PAYMENT: ReadonlyArray<[codes: string[], read: Omit<ReadState, 'code'>]> = [
  [['00', 'paid', 'completed'], { class: 'approved', authorisedOnly: false, sentence: 'Paid on the terminal.' }],
  [
    ['01', 'authorized', 'authorised'],
    { class: 'approved', authorisedOnly: true, sentence: 'Authorised on the terminal (to be captured).' },
  ],
  [
    ['02', 'pending', 'new'],
    { class: 'open', authorisedOnly: false, sentence: 'Waiting for the customer at the terminal…' },
  ],
  [['03', 'processing'], { class: 'open', authorisedOnly: false, sentence: 'The terminal is processing the card…' }],
  [['04', 'verify'], { class: 'open', authorisedOnly: false, sentence: 'YabandPay is reviewing the payment…' }],
  [['05', 'declined'], { class: 'declined', authorisedOnly: false, sentence: 'The card was declined.' }],
  [['06', 'failed'], { class: 'declined', authorisedOnly: false, sentence: 'The payment failed on the terminal.' }],
  [
    ['07', 'expired'],
    { class: 'cancelled', authorisedOnly: false, sentence: 'The terminal timed out before the customer paid.' },
  ],
  [
    ['08', 'cancelled', 'canceled'],
    { class: 'cancelled', authorisedOnly: false, sentence: 'The payment was cancelled on the terminal.' },
  ],
];

const REFUND: ReadonlyArray<[codes: string[], read: Omit<ReadState, 'code'>]> = [
  [
    ['20', 'to-be-approval'],
    { class: 'open', authorisedOnly: false, sentence: 'The refund waits for approval by the YabandPay account admin.' },
  ],
  [
    ['21', 'refund pending'],
    { class: 'open', authorisedOnly: false, sentence: 'The refund waits for enough balance on the YabandPay account.' },
  ],
  [
    ['22', 'refund processing', 'processing'],
    { class: 'open', authorisedOnly: false, sentence: 'The refund is being processed…' },
  ],
  [['23', 'refunded'], { class: 'approved', authorisedOnly: false, sentence: 'Refunded.' }],
  [
    ['24', 'refund failed', 'failed'],
    { class: 'declined', authorisedOnly: false, sentence: 'The refund failed; it can be tried again.' },
  ],
  [
    ['25', 'refund error', 'error'],
    { class: 'declined', authorisedOnly: false, sentence: 'The refund failed: contact YabandPay support.' },
  ],
];

function lookup(table: typeof PAYMENT, state: string, what: string): ReadState {
  const key = state.trim().toLowerCase();
  for (const [codes, read] of table) if (codes.includes(key)) return { ...read, code: codes[0] };
  return {
    code: '',
    class: 'unrecognised',
    authorisedOnly: false,
    sentence: `YabandPay reports an unexpected ${what} state "${maskPansIn(state)}".`,
  };
}

/** Reads a payment `state` (code or word). */
export function readPaymentState(state: string): ReadState {
  return lookup(PAYMENT, state, 'payment');
}

/** Reads a refund `state` (code or word). */
export function readRefundState(state: string): ReadState {
  return lookup(REFUND, state, 'refund');
}

/** PHP gateways send numbers and strings interchangeably; we keep strings. */
const text = z.union([z.string(), z.number()]).transform(String);

/** `data.transaction_info` of `v3.QueryOrder` (YB-query); unknown extra fields kept. */
const transactionInfoSchema = z.looseObject({
  trade_id: text,
  order_id: text.nullish(),
  amount: text.nullish(),
  tip_amount: text.nullish(),
  currency: text.nullish(),
  state: text,
  paid_time: text.nullish(),
  created_at: text.nullish(),
  transaction_id: text.nullish(),
});
export type TransactionInfo = z.infer<typeof transactionInfoSchema>;

export const queryOrderDataSchema = z.object({
  transaction_info: z.union([
    transactionInfoSchema,
    z
      .array(transactionInfoSchema)
      .min(1)
      .transform((list) => list[0]),
  ]),
});

/** `data` of a `v3.POS` reply: the gateway's trade_id for our order (seed 004). */
export const posReplyDataSchema = z.looseObject({
  trade_id: text.pipe(z.string().min(1)),
  order_id: text.nullish(),
  state: text.nullish(),
  amount: text.nullish(),
  tip_amount: text.nullish(),
  currency: text.nullish(),
});

/** `data` of `v3.CreateRefund` / `v3.QueryRefundOrder` (YB-rq). */
export const refundDataSchema = z.looseObject({
  refund_id: text.pipe(z.string().min(1)),
  state: text,
  m_refund_id: text.nullish(),
  refund_amount: text.nullish(),
  refund_currency: text.nullish(),
});

/** Unix seconds (string) → milliseconds, or null. */
export function unixSecondsToMs(value: string | null | undefined): number | null {
  if (!value || !/^\d{9,11}$/.test(value)) return null;
  return Number(value) * 1000;
}

function pick(info: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = info[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
  }
  return undefined;
}

/**
 * The receipt's card block from a transaction_info. The POS card fields are not
 * documented (Gap): we read the common names and mask any card number to its last 4.
 */
export function cardBlockFrom(info: TransactionInfo, terminalId: string): CardBlock {
  const raw = info as Record<string, unknown>;
  const paidMs = unixSecondsToMs(info.paid_time ?? info.created_at);
  const block: CardBlock = { provider: 'yabandpay', method: 'card', terminalId, reference: info.trade_id };
  const brand = pick(raw, 'card_brand', 'card_type', 'card_scheme');
  const maskedPan = maskCardNumber(pick(raw, 'card_number', 'card_no', 'masked_pan', 'pan'));
  const authCode = pick(raw, 'auth_code', 'authorization_code');
  const entryMode = pick(raw, 'entry_mode');
  if (brand) block.brand = maskPansIn(brand);
  if (maskedPan) block.maskedPan = maskedPan;
  if (authCode) block.authCode = authCode;
  if (entryMode) block.entryMode = maskPansIn(entryMode);
  if (info.transaction_id) block.channelOrderNo = info.transaction_id;
  if (paidMs !== null) block.transactionTime = new Date(paidMs).toISOString();
  return block;
}

/** The journal detail of a transaction_info: the fields we rely on, nothing card-bearing. */
export function transactionDetail(info: TransactionInfo): Record<string, unknown> {
  return {
    trade_id: info.trade_id,
    order_id: info.order_id ?? null,
    state: maskPansIn(info.state),
    amount: info.amount ?? null,
    tip_amount: info.tip_amount ?? null,
    currency: info.currency ?? null,
    transaction_id: info.transaction_id ?? null,
    paid_time: info.paid_time ?? null,
  };
}
