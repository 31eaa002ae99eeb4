/** Typed fan-out of contract events to every connected renderer (Electron windows, host sockets). */
import type { EventName, EventPayload } from '../../src-shared/contract';

export type EventSink = (event: EventName, payload: unknown) => void;

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe(sink: EventSink): () => void;
}

export function createEventBus(): EventBus {
  const sinks = new Set<EventSink>();
  return {
    emit(event, payload) {
      for (const sink of sinks) sink(event, payload);
    },
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
  };
}
