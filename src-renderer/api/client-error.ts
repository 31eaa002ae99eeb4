import type { ErrorCode } from '../../src-shared/errors';

/**
 * Main's typed error codes, plus DISCONNECTED: the renderer's own code for a call that
 * could not reach main or whose answer was lost with the connection (it may have run).
 */
export type ClientErrorCode = ErrorCode | 'DISCONNECTED';

/** A failed call as the renderer sees it: main's { code, message, field } unwrapped. */
export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export function toClientError(error: unknown): ClientError {
  if (error instanceof ClientError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ClientError('INTERNAL', message || 'Something went wrong.');
}

/** The sentence to show a cashier for any thrown value. */
export function errorText(error: unknown): string {
  return toClientError(error).message;
}
