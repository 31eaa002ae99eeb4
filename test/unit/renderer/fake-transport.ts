/** An in-memory Transport for store and client tests: handlers per channel, events pushed by hand. */
import type { ConnectionStatus, Transport } from '../../../src-renderer/api/transport';
import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from '../../../src-shared/contract';
import { PosError, type Reply } from '../../../src-shared/errors';

type Handler<K extends ChannelName> = (input: ChannelInput<K>) => ChannelOutput<K> | Promise<ChannelOutput<K>>;
export type Handlers = { [K in ChannelName]?: Handler<K> };

export interface FakeTransport extends Transport {
  calls: { channel: ChannelName; payload: unknown }[];
  handlers: Handlers;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  setStatus(status: ConnectionStatus): void;
}

export function fakeTransport(handlers: Handlers = {}): FakeTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const issued = new Set<string>();
  const fake: FakeTransport = {
    calls: [],
    handlers,
    async invoke(channel, payload): Promise<Reply<unknown>> {
      // Main's approval requests (issue 12), faked: an APPROVAL_REQUIRED carries a request, and the
      // credential sent with it reaches the handler (and `calls`) without the request id, as the store sent it.
      const requestId = approvalRequestId(payload);
      if (requestId !== undefined) {
        if (!issued.has(requestId))
          return { ok: false, error: { code: 'APPROVAL_REQUIRED', message: `unknown request ${requestId}` } };
        payload = withoutRequestId(payload);
      }
      fake.calls.push({ channel, payload });
      const handler = fake.handlers[channel] as ((input: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no handler for ${channel}` } };
      try {
        const result = await handler(payload);
        if (requestId !== undefined) issued.delete(requestId);
        return { ok: true, result };
      } catch (error) {
        if (!(error instanceof PosError)) throw error;
        const shape = error.toShape();
        if (shape.code !== 'APPROVAL_REQUIRED' || shape.approval) return { ok: false, error: shape };
        const ask = {
          requestId: requestId ?? `request-${(issued.size + 1).toString()}-${channel}`,
          action: channel,
          description: shape.message,
          expiresAt: new Date(Date.now() + 120_000).toISOString(),
        };
        issued.add(ask.requestId);
        return { ok: false, error: { ...shape, approval: ask } };
      }
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    emit(event, payload) {
      listeners.get(event)?.forEach((listener) => listener(payload));
    },
    setStatus(status) {
      statusListeners.forEach((listener) => listener(status));
    },
  };
  return fake;
}

/**
 * A handler for a protected call as main answers it: without an approval it is refused with
 * APPROVAL_REQUIRED (the fake attaches a request); with one it runs `done`.
 */
export function requiresApproval<I extends { approval?: unknown }, O>(done: (input: I) => O): (input: I) => O {
  return (input) => {
    if (!input.approval) throw new PosError('APPROVAL_REQUIRED', 'A manager must approve this.', 'approval');
    return done(input);
  };
}

function approvalRequestId(payload: unknown): string | undefined {
  const approval = (payload as { approval?: { requestId?: unknown } } | null)?.approval;
  return typeof approval?.requestId === 'string' ? approval.requestId : undefined;
}

function withoutRequestId(payload: unknown): unknown {
  const { approval, ...rest } = payload as { approval: { requestId?: string } };
  const { requestId: _used, ...credential } = approval;
  return { ...rest, approval: credential };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
