/**
 * The one validating wrapper every handler goes through, whatever the transport:
 * the channel must be declared, every string in the payload must be well-formed text, the
 * payload must parse against its schema, and only then does the handler run. Failures come
 * back as typed errors, never raw exceptions; each refusal is told to `refused` (core.ts
 * audits the ones that matter).
 */
import {
  channels,
  isChannelName,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
} from '../../src-shared/contract';
import { PosError, type PosErrorShape, type Reply } from '../../src-shared/errors';
import { isWellFormed, toWellFormed } from '../../src-shared/well-formed';

export type Handlers = {
  [K in ChannelName]: (input: ChannelParsedInput<K>) => Promise<ChannelOutput<K>> | ChannelOutput<K>;
};

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Reply<unknown>>;

export interface DispatcherHooks {
  /**
   * Called with every refusal answered on a declared channel (an invalid payload, or a typed
   * error from the handler), after the reply is decided. It must not throw; if it does, the
   * error is logged and the refusal still answered.
   */
  refused?(channel: ChannelName, error: PosErrorShape): void;
}

/** Field names and messages in a reply are bounded: a payload's keys can be any length. */
const MAX_FIELD_LENGTH = 100;
const MAX_MESSAGE_LENGTH = 300;

/** A key as it may be shown: lone surrogates replaced, so the reply itself is well-formed text. */
const shown = toWellFormed;

function invalid(issue: { path: PropertyKey[]; message: string }): PosErrorShape {
  const field = shown(issue.path.map(String).join('.').slice(0, MAX_FIELD_LENGTH));
  const message = shown((field ? `${field}: ${issue.message}` : issue.message).slice(0, MAX_MESSAGE_LENGTH));
  return { code: 'INVALID_PAYLOAD', message, ...(field ? { field } : {}) };
}

/** Where a value sits in the payload: its key and its parent's place (a path built only when needed). */
interface Place {
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place | null): string[] => {
  const path: string[] = [];
  for (let p = place; p; p = p.parent) path.push(p.key);
  return path.reverse();
};

/**
 * The path (as issue paths are) of the first string in the payload — a value or an object key,
 * at any depth — that is not well-formed UTF-16, or null. Iterative, each object visited once,
 * paths built only for the answer: a deep or cyclic payload (Electron's structured clone allows
 * cycles) costs time in proportion to its size.
 */
export function illFormedStringPath(payload: unknown): string[] | null {
  if (typeof payload === 'string') return isWellFormed(payload) ? null : [];
  const seen = new Set<object>();
  const stack: { value: unknown; place: Place | null }[] = [{ value: payload, place: null }];
  while (stack.length > 0) {
    const { value, place } = stack.pop()!;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    // Only arrays and plain objects carry fields; anything else is refused by the schema.
    const prototype: unknown = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) continue;
    for (const key of Object.keys(value)) {
      if (!isWellFormed(key)) return [...pathOf(place), shown(key)];
      const field = (value as Record<string, unknown>)[key];
      if (typeof field === 'string') {
        if (!isWellFormed(field)) return [...pathOf(place), key];
      } else if (typeof field === 'object' && field !== null)
        stack.push({ value: field, place: { key, parent: place } });
    }
  }
  return null;
}

export function createDispatcher(
  handlers: Handlers,
  log: (message: string, error: unknown) => void,
  hooks: DispatcherHooks = {},
): Dispatch {
  const refuse = (channel: ChannelName, error: PosErrorShape): Reply<unknown> => {
    try {
      hooks.refused?.(channel, error);
    } catch (hookError) {
      log(`Recording a refusal on ${channel} failed`, hookError);
    }
    return { ok: false, error };
  };

  return async (channel, payload) => {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_CHANNEL',
          message: `Unknown channel ${typeof channel === 'string' ? shown(channel.slice(0, 60)) : typeof channel}.`,
        },
      };
    }
    const illFormed = illFormedStringPath(payload);
    if (illFormed) {
      return refuse(
        channel,
        invalid({ path: illFormed, message: 'text that is not well-formed (a lone UTF-16 surrogate)' }),
      );
    }
    const parsed = channels[channel].input.safeParse(payload ?? {});
    if (!parsed.success) return refuse(channel, invalid(parsed.error.issues[0]));
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      if (error instanceof PosError) return refuse(channel, error.toShape());
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
