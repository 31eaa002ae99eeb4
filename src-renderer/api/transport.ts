/**
 * What carries the contract between the renderer and main. Two implementations:
 * the Electron preload bridge and the headless host's loopback WebSocket. The client
 * and the stores cannot tell them apart.
 */
import type { ChannelName, EventName } from '../../src-shared/contract';
import type { Reply } from '../../src-shared/errors';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface Transport {
  /** Resolves with main's Reply; rejects with a ClientError when the call could not be carried. */
  invoke(channel: ChannelName, payload: unknown): Promise<Reply<unknown>>;
  /** Listeners survive reconnects; the returned function unsubscribes. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}
