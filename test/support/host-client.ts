/** A Node client of the headless host's WebSocket, speaking the same frames as the renderer. */
import WebSocket from 'ws';
import type { ChannelInput, ChannelName, ChannelOutput, EventName } from '../../src-shared/contract';
import { createApprovalFlow } from '../../src-shared/approval-flow';
import type { PosErrorShape, Reply } from '../../src-shared/errors';
import { WS_PATH, type ServerFrame } from '../../src-shared/wire';

export class HostCallError extends Error {
  constructor(readonly error: PosErrorShape) {
    super(`${error.code}: ${error.message}`);
  }
}

export interface HostClient {
  invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  raw(channel: string, payload: unknown): Promise<{ ok: boolean; result?: unknown; error?: PosErrorShape }>;
  events: { event: EventName; payload: unknown }[];
  waitForEvent(event: EventName, match: (payload: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export function connectHost(origin: string, token: string): Promise<HostClient> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${WS_PATH}?token=${encodeURIComponent(token)}`, {
    headers: { Origin: origin },
  });
  const pending = new Map<number, (frame: Extract<ServerFrame, { type: 'reply' }>) => void>();
  const events: HostClient['events'] = [];
  const waiters: { event: EventName; match: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  let nextId = 1;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'reply') pending.get(frame.id)?.(frame);
    else {
      events.push({ event: frame.event as EventName, payload: frame.payload });
      for (const waiter of [...waiters]) {
        if (waiter.event === frame.event && waiter.match(frame.payload)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(frame.payload);
        }
      }
    }
  });
  const raw = (channel: string, payload: unknown) =>
    new Promise<{ ok: boolean; result?: unknown; error?: PosErrorShape }>((resolve) => {
      const id = nextId++;
      pending.set(id, (frame) => {
        pending.delete(id);
        resolve(frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error });
      });
      ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
    });
  const client: HostClient = {
    async invoke(channel, input) {
      // Like the renderer's client: a bare manager credential goes through the approval request exchange.
      // (A fresh exchange per call: the bare call first, then the credential with main's request.)
      const reply = await createApprovalFlow().send(
        channel,
        input,
        async (payload) => (await raw(channel, payload)) as Reply<unknown>,
      );
      if (!reply.ok) throw new HostCallError(reply.error);
      return reply.result as never;
    },
    raw,
    events,
    waitForEvent(event, match, timeoutMs = 20_000) {
      const seen = events.find((e) => e.event === event && match(e.payload));
      if (seen) return Promise.resolve(seen.payload);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event matched in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          event,
          match,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
  });
}
