/**
 * Transport over the headless host's loopback WebSocket (frames in src-shared/wire.ts).
 *
 * - Reconnects with exponential back-off; event listeners live here, not on the socket,
 *   so they keep hearing events after a reconnect.
 * - A call sent and unanswered when the socket drops fails with DISCONNECTED and is
 *   never re-sent: it may have run in main (a cash tender, a scan), and the stores
 *   re-read main's state when the connection comes back.
 * - A call made while the socket is not open waits for it a few seconds, then fails.
 */
import type { ChannelName, EventName } from '../../src-shared/contract';
import type { Reply } from '../../src-shared/errors';
import { WS_PATH, type ClientFrame, type ServerFrame } from '../../src-shared/wire';
import { ClientError } from './client-error';
import { realTimers, type Timers } from './timers';
import type { ConnectionStatus, Transport } from './transport';

/** The part of the DOM WebSocket this transport uses (tests pass a fake). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface WebSocketTransportOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** How long a call made while disconnected waits for the socket before failing. */
  connectWaitMs?: number;
  timers?: Timers;
}

export interface WebSocketTransport extends Transport {
  /** Stops reconnecting and fails every waiting call. */
  close(): void;
}

function disconnected(sent: boolean): ClientError {
  return new ClientError(
    'DISCONNECTED',
    sent
      ? 'The connection to the till service dropped before it answered. Check the sale before trying again.'
      : 'Not connected to the till service. Try again in a moment.',
  );
}

/** ws://host:port/ipc?token=… for the page the host served (token from the page URL). */
export function webSocketUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}

function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame = JSON.parse(data) as Partial<ServerFrame> | null;
    if (frame && (frame.type === 'reply' || frame.type === 'event')) return frame as ServerFrame;
  } catch {
    // A malformed frame is dropped; the call it belonged to fails when the socket closes.
  }
  return null;
}

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const {
    url,
    createSocket = (target) => new WebSocket(target) as unknown as SocketLike,
    initialDelayMs = 250,
    maxDelayMs = 5_000,
    connectWaitMs = 4_000,
    timers = realTimers,
  } = options;

  let socket: SocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let failedAttempts = 0;
  let stopped = false;
  let nextId = 1;
  const inFlight = new Map<
    number,
    { resolve: (reply: Reply<unknown>) => void; reject: (error: ClientError) => void }
  >();
  const waiting = new Set<{ go: () => void; fail: () => void }>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();

  function setStatus(next: ConnectionStatus): void {
    if (status === next) return;
    status = next;
    statusListeners.forEach((listener) => listener(next));
  }

  function onFrame(frame: ServerFrame): void {
    if (frame.type === 'event') {
      eventListeners.get(frame.event)?.forEach((listener) => listener(frame.payload));
      return;
    }
    const call = inFlight.get(frame.id);
    if (!call) return;
    inFlight.delete(frame.id);
    call.resolve(frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error });
  }

  function connect(): void {
    setStatus('connecting');
    const ws = createSocket(url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      failedAttempts = 0;
      setStatus('open');
      [...waiting].forEach((waiter) => waiter.go());
    };
    ws.onmessage = (event) => {
      const frame = parseServerFrame(event.data);
      if (frame) onFrame(frame);
    };
    // A failed connection reports error then close; close does the work.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      const calls = [...inFlight.values()];
      inFlight.clear();
      calls.forEach((call) => call.reject(disconnected(true)));
      setStatus('closed');
      if (stopped) return;
      const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** failedAttempts);
      failedAttempts += 1;
      timers.setTimeout(() => {
        if (!stopped) connect();
      }, delay);
    };
  }

  function send(
    channel: ChannelName,
    payload: unknown,
    resolve: (reply: Reply<unknown>) => void,
    reject: (error: ClientError) => void,
  ): void {
    const id = nextId++;
    const frame: ClientFrame = { type: 'invoke', id, channel, payload };
    inFlight.set(id, { resolve, reject });
    try {
      socket?.send(JSON.stringify(frame));
    } catch {
      inFlight.delete(id);
      reject(disconnected(false));
    }
  }

  connect();

  return {
    invoke(channel, payload) {
      return new Promise<Reply<unknown>>((resolve, reject) => {
        if (stopped) return reject(disconnected(false));
        if (status === 'open' && socket) return send(channel, payload, resolve, reject);
        const waiter = {
          go: () => {
            timers.clearTimeout(timer);
            waiting.delete(waiter);
            send(channel, payload, resolve, reject);
          },
          fail: () => {
            timers.clearTimeout(timer);
            waiting.delete(waiter);
            reject(disconnected(false));
          },
        };
        const timer = timers.setTimeout(waiter.fail, connectWaitMs);
        waiting.add(waiter);
      });
    },
    subscribe(event: EventName, listener) {
      let listeners = eventListeners.get(event);
      if (!listeners) eventListeners.set(event, (listeners = new Set()));
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    close() {
      stopped = true;
      [...waiting].forEach((waiter) => waiter.fail());
      socket?.close();
    },
  };
}
