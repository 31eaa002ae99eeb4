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
  const fake: FakeTransport = {
    calls: [],
    handlers,
    async invoke(channel, payload): Promise<Reply<unknown>> {
      fake.calls.push({ channel, payload });
      const handler = fake.handlers[channel] as ((input: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no handler for ${channel}` } };
      try {
        return { ok: true, result: await handler(payload) };
      } catch (error) {
        if (error instanceof PosError) return { ok: false, error: error.toShape() };
        throw error;
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

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
