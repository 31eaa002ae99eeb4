/**
 * The typed client over any transport: generic over the contract's keys, so a mistyped
 * channel or a wrong payload fails to compile. Failures are thrown as ClientError.
 */
import { createApprovalFlow } from '../../src-shared/approval-flow';
import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from '../../src-shared/contract';
import { ClientError, toClientError } from './client-error';
import type { ConnectionStatus, Transport } from './transport';

export interface PosClient {
  invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Hears every failed call (after its caller does): lets the session react to NOT_AUTHENTICATED anywhere. */
  onFailure(listener: (error: ClientError, channel: ChannelName) => void): () => void;
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
}

export function createClient(transport: Transport): PosClient {
  const failureListeners = new Set<(error: ClientError, channel: ChannelName) => void>();
  const approvals = createApprovalFlow();

  function fail(error: ClientError, channel: ChannelName): never {
    failureListeners.forEach((listener) => listener(error, channel));
    throw error;
  }

  return {
    async invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
      let reply;
      try {
        // A manager's credential approves the request main issues for this call (approval-flow.ts).
        reply = await approvals.send(channel, input, (payload) => transport.invoke(channel, payload));
      } catch (error) {
        return fail(toClientError(error), channel);
      }
      if (reply.ok) return reply.result as ChannelOutput<K>;
      return fail(new ClientError(reply.error.code, reply.error.message, reply.error.field), channel);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
    onFailure(listener) {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    },
    onConnection(listener) {
      return transport.onStatus(listener);
    },
  };
}
