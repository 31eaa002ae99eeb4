/**
 * The API the Electron preload exposes on `window.countertop`: one function per
 * declared channel and one subscriber per declared event, nothing generic.
 */
import type { ChannelName, ChannelOutput, EventName, EventPayload } from './contract';
import type { Reply } from './errors';

export type BridgeInvokers = { readonly [K in ChannelName]: (payload: unknown) => Promise<Reply<ChannelOutput<K>>> };
export type BridgeSubscribers = {
  readonly [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

export interface CountertopBridge {
  readonly invoke: BridgeInvokers;
  readonly on: BridgeSubscribers;
}

export const BRIDGE_GLOBAL = 'countertop';
