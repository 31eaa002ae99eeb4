/**
 * Turn an engine attempt into `ecrhub.pay.order` business data (vendor page seed 002,
 * PAYMENTS.md §2.4). Amounts leave here as decimal strings in major units, converted with
 * the currency's exponent; everything else in the app stays in minor units.
 */
import { PosError } from '../../../src-shared/errors';
import { toDecimalString } from '../../../src-shared/money';
import type { ProviderAttempt } from '../provider';
import { TRANS_TYPE, merchantOrderNoSchema, type TransType } from './codepay-envelope';

/** Every ecrhub.pay.order kind the provider can send. */
export type CodepayOrderKind = 'sale' | 'preauth' | 'void' | 'refund' | 'preauth-cancel' | 'completion';

/**
 * Options read from `attempt.options` (all optional):
 * - `preauth` (boolean): a sale becomes a pre-authorisation (trans_type 4).
 * - `on_screen_tip` (boolean): the customer chooses a tip on the terminal.
 * - `cashback_amount` (number, minor units): cash back on a sale (trans_type 11, as the 2025 SDK does).
 * - `confirm_on_terminal` (boolean): the cashier confirms on the terminal; needs attempt.requestId.
 * - `required_terminal_authentication` (boolean): a manager authorises a void/refund on the terminal.
 * - `on_screen_signature` (boolean), `receipt_print_mode` (0–3), `pay_scenario` (string), `expires` (seconds).
 */
export interface CodepayOrderOptions {
  preauth?: boolean;
  on_screen_tip?: boolean;
  cashback_amount?: number;
  confirm_on_terminal?: boolean;
  required_terminal_authentication?: boolean;
  on_screen_signature?: boolean;
  receipt_print_mode?: number;
  pay_scenario?: string;
  expires?: number;
}

function readOptions(attempt: ProviderAttempt): CodepayOrderOptions {
  const raw = attempt.options ?? {};
  const bool = (key: string): boolean | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw new PosError('INVALID_PAYLOAD', `CodePay option ${key} must be true or false`, `options.${key}`);
    return value;
  };
  const int = (key: string): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new PosError('INVALID_PAYLOAD', `CodePay option ${key} must be a whole non-negative number`, `options.${key}`);
    }
    return value;
  };
  const scenario = raw.pay_scenario;
  return {
    preauth: bool('preauth'),
    on_screen_tip: bool('on_screen_tip'),
    cashback_amount: int('cashback_amount'),
    confirm_on_terminal: bool('confirm_on_terminal'),
    required_terminal_authentication: bool('required_terminal_authentication'),
    on_screen_signature: bool('on_screen_signature'),
    receipt_print_mode: int('receipt_print_mode'),
    pay_scenario: typeof scenario === 'string' ? scenario : undefined,
    expires: int('expires'),
  };
}

/**
 * The kind implied by attempt.kind and the engine's options: a sale with `preauth` is a
 * pre-auth (4), with `capture` the completion (6) of one; a void of a pre-auth is a
 * pre-auth cancel (5).
 */
export function orderKindOf(attempt: ProviderAttempt): CodepayOrderKind {
  if (attempt.kind === 'sale') return attempt.options?.capture === true ? 'completion' : attempt.options?.preauth === true ? 'preauth' : 'sale';
  if (attempt.kind === 'void' && attempt.original?.preauth) return 'preauth-cancel';
  return attempt.kind;
}

export interface CodepayOrder {
  transType: TransType;
  bizData: Record<string, string | boolean | number | undefined>;
  /** request_id to send: attempt.requestId (required with confirm_on_terminal). */
  requestId: string;
}

/**
 * Build the order for an attempt. Throws PosError (nothing is sent) when the attempt cannot
 * be expressed: bad merchant_order_no, wrong currency, missing original, missing request id.
 */
export function buildCodepayOrder(attempt: ProviderAttempt, kind: CodepayOrderKind, currency: string): CodepayOrder {
  if (!merchantOrderNoSchema.safeParse(attempt.reference).success) {
    throw new PosError('INVALID_PAYLOAD', 'CodePay needs a merchant order number of 1–32 letters or digits', 'reference');
  }
  if (attempt.currency !== currency) {
    throw new PosError('INVALID_PAYLOAD', `This CodePay terminal is set up for ${currency}, not ${attempt.currency}`, 'currency');
  }
  const options = readOptions(attempt);
  const amount = (minor: number): string => toDecimalString(minor, currency);
  if (options.confirm_on_terminal && !attempt.requestId) {
    // Vendor page (seed 002): request_id "must be present when using terminal confirmation mode".
    throw new PosError('INVALID_PAYLOAD', 'Confirm-on-terminal needs a request id', 'requestId');
  }
  const needsOriginal = kind === 'void' || kind === 'refund' || kind === 'preauth-cancel' || kind === 'completion';
  if (needsOriginal && !attempt.original) {
    throw new PosError('INVALID_PAYLOAD', `A CodePay ${kind} needs the original payment`, 'original');
  }
  const common = {
    merchant_order_no: attempt.reference,
    price_currency: currency,
    description: attempt.description ? attempt.description.slice(0, 64) : undefined,
    confirm_on_terminal: options.confirm_on_terminal,
    receipt_print_mode: options.receipt_print_mode,
    pay_scenario: options.pay_scenario,
  };
  const tip = attempt.tip > 0 ? amount(attempt.tip) : undefined;
  let transType: TransType;
  let specific: Record<string, string | boolean | number | undefined>;
  switch (kind) {
    case 'sale':
    case 'preauth': {
      const cashback = options.cashback_amount ?? 0;
      transType = kind === 'preauth' ? TRANS_TYPE.preAuth : cashback > 0 ? TRANS_TYPE.cashback : TRANS_TYPE.sale;
      specific = {
        order_amount: amount(attempt.amount),
        tip_amount: tip,
        cashback_amount: cashback > 0 ? amount(cashback) : undefined,
        on_screen_tip: options.on_screen_tip,
        on_screen_signature: options.on_screen_signature,
        expires: options.expires !== undefined ? String(options.expires) : undefined,
      };
      break;
    }
    case 'refund':
      transType = TRANS_TYPE.refund;
      specific = {
        order_amount: amount(attempt.amount),
        orig_merchant_order_no: attempt.original?.reference,
        required_terminal_authentication: options.required_terminal_authentication,
      };
      break;
    case 'void':
      transType = TRANS_TYPE.void;
      specific = {
        orig_merchant_order_no: attempt.original?.reference,
        required_terminal_authentication: options.required_terminal_authentication,
      };
      break;
    case 'preauth-cancel':
      transType = TRANS_TYPE.preAuthCancel;
      specific = { orig_merchant_order_no: attempt.original?.reference };
      break;
    case 'completion':
      transType = TRANS_TYPE.completion;
      specific = { order_amount: amount(attempt.amount), tip_amount: tip, orig_merchant_order_no: attempt.original?.reference };
      break;
  }
  return {
    transType,
    requestId: attempt.requestId || attempt.reference,
    bizData: { trans_type: transType, ...common, ...specific },
  };
}
