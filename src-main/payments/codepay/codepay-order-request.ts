/**
 * Turn an engine attempt into `ecrhub.pay.order` business data (vendor page seed 002,
 * PAYMENTS.md §2.4). Amounts leave here as decimal strings in major units, converted with
 * the currency's exponent; everything else in the app stays in minor units. The attempt's
 * options arrive by their engine names and leave by CodePay's wire names.
 */
import { PosError } from '../../../src-shared/errors';
import { toDecimalString } from '../../../src-shared/money';
import type { ProviderAttempt } from '../provider';
import { TRANS_TYPE, merchantOrderNoSchema, type TransType } from './codepay-envelope';

/** Every ecrhub.pay.order kind the provider can send. */
export type CodepayOrderKind = 'sale' | 'preauth' | 'void' | 'refund' | 'preauth-cancel' | 'completion';

/**
 * How this till's CodePay terminals take orders, set once for the provider (its config) rather
 * than per attempt; all optional, each sent only when set.
 */
export interface CodepayOrderSettings {
  /** The cashier confirms each order on the terminal (`confirm_on_terminal`); needs attempt.requestId. */
  confirmOnTerminal?: boolean;
  /** The customer signs on the terminal's screen (`on_screen_signature`). */
  onScreenSignature?: boolean;
  /** Which receipts the terminal prints, 0–3 (`receipt_print_mode`). */
  receiptPrintMode?: number;
  /** `pay_scenario`, as the terminal's set-up names it. */
  payScenario?: string;
  /** Seconds an order waits for the card (`expires`). */
  expires?: number;
}

/** The order's options by CodePay's wire names (vendor page seed 002). */
interface WireOptions {
  on_screen_tip?: boolean;
  /** Minor units; sent as a decimal with trans_type 11, as the 2025 SDK does. */
  cashback_amount?: number;
  required_terminal_authentication?: boolean;
  confirm_on_terminal?: boolean;
  on_screen_signature?: boolean;
  receipt_print_mode?: number;
  pay_scenario?: string;
  expires?: number;
}

/**
 * The attempt's options (engine names) and the till's settings, by their wire names. A value
 * of the wrong type is refused before anything is sent.
 */
function wireOptions(attempt: ProviderAttempt, settings: CodepayOrderSettings): WireOptions {
  const options = attempt.options ?? {};
  const flag = (value: unknown, wire: string): boolean | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      throw new PosError('INVALID_PAYLOAD', `CodePay option ${wire} must be true or false`, `options.${wire}`);
    }
    return value;
  };
  const whole = (value: unknown, wire: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      const sentence = `CodePay option ${wire} must be a whole non-negative number`;
      throw new PosError('INVALID_PAYLOAD', sentence, `options.${wire}`);
    }
    return value;
  };
  flag(options.preauth, 'preauth');
  return {
    on_screen_tip: flag(options.onScreenTip, 'on_screen_tip'),
    cashback_amount: whole(options.cashback, 'cashback_amount'),
    required_terminal_authentication: flag(options.terminalAuthentication, 'required_terminal_authentication'),
    confirm_on_terminal: flag(settings.confirmOnTerminal, 'confirm_on_terminal'),
    on_screen_signature: flag(settings.onScreenSignature, 'on_screen_signature'),
    receipt_print_mode: whole(settings.receiptPrintMode, 'receipt_print_mode'),
    pay_scenario: typeof settings.payScenario === 'string' ? settings.payScenario : undefined,
    expires: whole(settings.expires, 'expires'),
  };
}

/**
 * The kind implied by attempt.kind and the engine's options: a sale with `preauth` is a
 * pre-auth (4), with `capture` the completion (6) of one; a void of a pre-auth is a
 * pre-auth cancel (5).
 */
export function orderKindOf(attempt: ProviderAttempt): CodepayOrderKind {
  if (attempt.kind === 'sale')
    return attempt.options?.capture === true ? 'completion' : attempt.options?.preauth === true ? 'preauth' : 'sale';
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
 * Build the order for an attempt, with the till's order `settings`. Throws PosError (nothing
 * is sent) when the attempt cannot be expressed: bad merchant_order_no, wrong currency,
 * missing original, missing request id.
 */
export function buildCodepayOrder(
  attempt: ProviderAttempt,
  kind: CodepayOrderKind,
  currency: string,
  settings: CodepayOrderSettings = {},
): CodepayOrder {
  if (!merchantOrderNoSchema.safeParse(attempt.reference).success) {
    throw new PosError(
      'INVALID_PAYLOAD',
      'CodePay needs a merchant order number of 1–32 letters or digits',
      'reference',
    );
  }
  if (attempt.currency !== currency) {
    throw new PosError(
      'INVALID_PAYLOAD',
      `This CodePay terminal is set up for ${currency}, not ${attempt.currency}`,
      'currency',
    );
  }
  const options = wireOptions(attempt, settings);
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
      specific = {
        order_amount: amount(attempt.amount),
        tip_amount: tip,
        orig_merchant_order_no: attempt.original?.reference,
      };
      break;
  }
  return {
    transType,
    requestId: attempt.requestId || attempt.reference,
    bizData: { trans_type: transType, ...common, ...specific },
  };
}
