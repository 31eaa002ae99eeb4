/**
 * YabandPay's idempotency keys (seed 004, PAYMENTS.md §5): `order_id` digits only and
 * shorter than 20 characters; `request_id` unique, at least 24 letters and digits.
 * The engine journals both before the first call, so they must be valid up front.
 */
import { randomBytes } from 'node:crypto';

const ORDER_ID = /^\d{1,19}$/;
const REQUEST_ID = /^[A-Za-z0-9]{24,64}$/;

/** Why `reference` cannot be a YabandPay order_id, or null when it can. */
export function orderIdProblem(reference: string): string | null {
  return ORDER_ID.test(reference)
    ? null
    : 'The payment reference must be 1 to 19 digits for YabandPay; nothing was sent.';
}

/** Why `requestId` cannot be a YabandPay request_id, or null when it can. */
export function requestIdProblem(requestId: string): string | null {
  return REQUEST_ID.test(requestId)
    ? null
    : 'The payment request id must be 24 to 64 letters and digits for YabandPay; nothing was sent.';
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh request_id for a request that is not a sale (v3.POSCancel, v3.POSReversal, v3.Capture): 32 random lowercase letters and digits. */
export function newYabandpayRequestId(): string {
  const bytes = randomBytes(32);
  let id = '';
  for (const byte of bytes) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return id;
}
