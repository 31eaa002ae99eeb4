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
}

/** Thrown inside main by services; the dispatcher turns it into a PosErrorShape. */
export class PosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PosError';
  }

  toShape(): PosErrorShape {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export type Reply<T> = { ok: true; result: T } | { ok: false; error: PosErrorShape };
