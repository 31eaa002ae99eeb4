import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import type { Timers } from '../../../../src-renderer/api/timers';
import { createWebSocketTransport, webSocketUrlFor, type SocketLike } from '../../../../src-renderer/api/ws-transport';
import { settle } from '../fake-transport';

class FakeSocket implements SocketLike {
  sent: { type: string; id: number; channel: string; payload: unknown }[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.onclose?.({});
  }
  open() {
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function manualTimers() {
  const pending: { at: number; callback: () => void; id: number }[] = [];
  let now = 0;
  let nextId = 1;
  const timers: Timers = {
    setTimeout(callback, ms) {
      const id = nextId++;
      pending.push({ at: now + ms, callback, id });
      return id;
    },
    clearTimeout(handle) {
      const index = pending.findIndex((timer) => timer.id === handle);
      if (index >= 0) pending.splice(index, 1);
    },
  };
  function advance(ms: number) {
    now += ms;
    for (const timer of pending.filter((t) => t.at <= now)) {
      pending.splice(pending.indexOf(timer), 1);
      timer.callback();
    }
  }
  return { timers, advance, delays: () => pending.map((t) => t.at - now) };
}

function setup() {
  const sockets: FakeSocket[] = [];
  const clock = manualTimers();
  const transport = createWebSocketTransport({
    url: 'ws://127.0.0.1:4000/ipc?token=t',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    initialDelayMs: 100,
    maxDelayMs: 400,
    connectWaitMs: 1000,
    timers: clock.timers,
  });
  return { transport, client: createClient(transport), sockets, clock, socket: () => sockets[sockets.length - 1] };
}

describe('WebSocket transport', () => {
  it('builds the endpoint from the page URL and its token', () => {
    expect(webSocketUrlFor({ protocol: 'http:', host: '127.0.0.1:4173', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:4173/ipc?token=a%2Bb',
    );
  });

  it('queues a call until the socket opens, then matches the reply by id', async () => {
    const { client, socket } = setup();
    const call = client.invoke('pos:session.current', {});
    expect(socket().sent).toEqual([]);
    socket().open();
    const frame = socket().sent[0];
    expect(frame).toMatchObject({ type: 'invoke', channel: 'pos:session.current', payload: {} });
    socket().receive({ type: 'reply', id: frame.id, ok: true, result: null });
    await expect(call).resolves.toBeNull();
  });

  it('unwraps an error reply into a typed ClientError', async () => {
    const { client, socket } = setup();
    socket().open();
    const call = client.invoke('pos:cart.scan', { code: '4006381333931', source: 'wedge' });
    socket().receive({
      type: 'reply',
      id: socket().sent[0].id,
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Unknown barcode 4006381333931' },
    });
    await expect(call).rejects.toMatchObject({ name: 'ClientError', code: 'NOT_FOUND' });
  });

  it('fails in-flight calls with DISCONNECTED when the socket drops, and never re-sends them', async () => {
    const { client, socket, sockets, clock } = setup();
    socket().open();
    const call = client.invoke('pos:tender.cash', { orderId: 'O1', tendered: 2000 });
    socket().close();
    await expect(call).rejects.toMatchObject({ code: 'DISCONNECTED' });
    clock.advance(100);
    expect(sockets).toHaveLength(2);
    sockets[1].open();
    expect(sockets[1].sent).toEqual([]);
  });

  it('reconnects with doubling back-off up to the cap and reports its status', () => {
    const { transport, socket, sockets, clock } = setup();
    const statuses: string[] = [];
    transport.onStatus((status) => statuses.push(status));
    socket().open();
    socket().close();
    expect(clock.delays()).toEqual([100]);
    clock.advance(100);
    socket().close();
    expect(clock.delays()).toEqual([200]);
    clock.advance(200);
    socket().close();
    clock.advance(400);
    socket().close();
    expect(clock.delays()).toEqual([400]);
    clock.advance(400);
    socket().open();
    expect(sockets).toHaveLength(5);
    expect(statuses).toEqual([
      'open',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'open',
    ]);
  });

  it('keeps event listeners across a reconnect', () => {
    const { client, socket, clock } = setup();
    const numbers: number[] = [];
    client.on('pos:order.changed', (order) => numbers.push(order.number));
    socket().open();
    socket().receive({ type: 'event', event: 'pos:order.changed', payload: { number: 1 } });
    socket().close();
    clock.advance(100);
    socket().open();
    socket().receive({ type: 'event', event: 'pos:order.changed', payload: { number: 2 } });
    expect(numbers).toEqual([1, 2]);
  });

  it('fails a call that waited too long for a connection', async () => {
    const { client, clock } = setup();
    const call = client.invoke('pos:app.info', {});
    clock.advance(1000);
    await expect(call).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('ignores malformed frames and replies to unknown ids', async () => {
    const { client, socket } = setup();
    socket().open();
    const call = client.invoke('pos:app.info', {});
    socket().onmessage?.({ data: 'not json' });
    socket().receive({ type: 'reply', id: 999, ok: true, result: 'stray' });
    socket().receive({ type: 'reply', id: socket().sent[0].id, ok: true, result: 'mine' });
    await settle();
    await expect(call).resolves.toBe('mine');
  });
});
