/** The typed errors main answers across the boundary; never a raw exception. */
export const ERROR_CODES = [
  'UNKNOWN_CHANNEL',
  'INVALID_PAYLOAD',
  'NOT_AUTHENTICATED',
  'SESSION_LOCKED',
  'BAD_CREDENTIALS',
  'LOCKED_OUT',
  'FORBIDDEN',
  'APPROVAL_REQUIRED',
  'NOT_FOUND',
  'CONFLICT',
  'PAYMENT_IN_PROGRESS',
  'PROVIDER_ERROR',
  'DEVICE_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PosErrorShape {
  code: ErrorCode;
  /** A sentence a cashier can read. */
  message: string;
  /** The payload field at fault, dotted, when there is one. */
  field?: string;
  /** With APPROVAL_REQUIRED from `authorize`: the request a manager's credential may approve, once. */
  approval?: ApprovalAsk;
}

/**
 * Main's approval request for one call (DESIGN.md §11): the same call sent again with
 * `approval: { requestId, …credential }` is approved once, before `expiresAt`.
 */
export interface ApprovalAsk {
  requestId: string;
  /** The protected action(s), e.g. `payment.tip` or `payment.tip+cashback`. */
  action: string;
  /** What is being approved, as a sentence. */
  description: string;
  amount?: number;
  /** ISO time after which the request is no longer accepted. */
  expiresAt: string;
}

/** Thrown inside main by services; the dispatcher turns it into a PosErrorShape. */
export class PosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly approval?: ApprovalAsk,
  ) {
    super(message);
    this.name = 'PosError';
  }

  toShape(): PosErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.approval === undefined ? {} : { approval: this.approval }),
    };
  }
}

export type Reply<T> = { ok: true; result: T } | { ok: false; error: PosErrorShape };
