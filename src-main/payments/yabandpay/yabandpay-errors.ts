/**
 * YabandPay error codes (seed 004, PAYMENTS.md §3.2) turned into sentences a cashier
 * can act on. Codes the vendor does not document fall back to the gateway's own words.
 */

/** The documented `code` values of a `status:false` reply. */
export const YABANDPAY_ERROR = {
  internal: '-1000',
  missingField: '-3001',
  duplicateRequest: '-3002',
  badSignature: '-403',
  methodNotSupported: '-4011',
} as const;

const SENTENCES: Readonly<Record<string, string>> = {
  [YABANDPAY_ERROR.internal]: 'YabandPay had an internal error.',
  [YABANDPAY_ERROR.missingField]:
    'YabandPay refused the request because a required field was missing: ask IT to check the YabandPay settings.',
  [YABANDPAY_ERROR.duplicateRequest]: 'YabandPay already received this request.',
  [YABANDPAY_ERROR.badSignature]:
    'YabandPay refused the request signature: ask IT to check the YabandPay user and secret key in the settings.',
  [YABANDPAY_ERROR.methodNotSupported]:
    'This YabandPay account does not allow this operation: ask IT to check the YabandPay contract and terminal ID.',
};

/** A cashier-readable sentence for a `status:false` reply. */
export function describeYabandpayError(code: string, gatewayMessage?: string | null): string {
  const known = SENTENCES[code];
  if (known) return known;
  const words = (gatewayMessage ?? '').trim();
  return words
    ? `YabandPay refused the request: ${words} (code ${code}).`
    : `YabandPay refused the request (code ${code}).`;
}
