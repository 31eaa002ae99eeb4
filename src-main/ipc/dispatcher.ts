/**
 * The one validating wrapper every handler goes through, whatever the transport:
 * the channel must be declared, the payload must parse against its schema, and only
 * then does the handler run. Failures come back as typed errors, never raw exceptions.
 */
import {
  channels,
  isChannelName,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
} from '../../src-shared/contract';
import { PosError, type PosErrorShape, type Reply } from '../../src-shared/errors';

export type Handlers = {
  [K in ChannelName]: (input: ChannelParsedInput<K>) => Promise<ChannelOutput<K>> | ChannelOutput<K>;
};

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Reply<unknown>>;

function invalid(issue: { path: PropertyKey[]; message: string }): PosErrorShape {
  const field = issue.path.map(String).join('.');
  return {
    code: 'INVALID_PAYLOAD',
    message: field ? `${field}: ${issue.message}` : issue.message,
    ...(field ? { field } : {}),
  };
}

export function createDispatcher(handlers: Handlers, log: (message: string, error: unknown) => void): Dispatch {
  return async (channel, payload) => {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_CHANNEL',
          message: `Unknown channel ${typeof channel === 'string' ? channel.slice(0, 60) : typeof channel}.`,
        },
      };
    }
    const parsed = channels[channel].input.safeParse(payload ?? {});
    if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues[0]) };
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof PosError) return { ok: false, error: error.toShape() };
      log(`Handler for ${channel} failed`, error);
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: 'Something went wrong in the till; the action was not completed. Try again or call a manager.',
        },
      };
    }
  };
}
