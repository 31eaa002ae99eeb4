/**
 * The CodePay terminal answers the WebSocket upgrade with
 * `HTTP/1.1 101 Web Socket Protocol Handshake` instead of `Switching Protocols`
 * (PAYMENTS.md §2.2). These tests put a raw TCP server that answers exactly so, then
 * speaks hand-made RFC 6455 frames, in front of the real client code.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CodepayConnection } from '../../src-main/payments/codepay/codepay-connection';
import { buildCodepayRequest, CODEPAY_TOPICS } from '../../src-main/payments/codepay/codepay-envelope';
import { startCodepayTerminalSimulator, TERMINAL_STATUS_LINE } from '../../src-main/payments/codepay/codepay-simulator';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Server → client frames are never masked. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** Pull complete (client-masked) frames off the front of buf. */
function decodeFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buf.length - offset < 2) break;
    const opcode = buf[offset] & 0x0f;
    const masked = (buf[offset + 1] & 0x80) !== 0;
    let length = buf[offset + 1] & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buf.length < cursor + 2) break;
      length = buf.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      throw new Error('test server does not take 64-bit lengths');
    }
    const maskLength = masked ? 4 : 0;
    if (buf.length < cursor + maskLength + length) break;
    const mask = buf.subarray(cursor, cursor + maskLength);
    cursor += maskLength;
    const payload = Buffer.from(buf.subarray(cursor, cursor + length));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload[i] ^= mask[i % 4];
    frames.push({ opcode, payload });
    offset = cursor + length;
  }
  return { frames, rest: buf.subarray(offset) };
}

interface RawTerminal {
  port: number;
  received: Frame[];
  requestLines: string[];
  close(): Promise<void>;
}

/** A "terminal" built from a bare TCP server: exact status line, then frames by hand. */
function startRawTerminal(onText: (text: string, reply: (text: string) => void) => void): Promise<RawTerminal> {
  const received: Frame[] = [];
  const requestLines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (!upgraded) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = head.subarray(0, end).toString('latin1');
        requestLines.push(text.split('\r\n')[0]);
        const key = /^sec-websocket-key:\s*(\S+)$/im.exec(text)?.[1] ?? '';
        const accept = createHash('sha1')
          .update(key + GUID)
          .digest('base64');
        socket.write(
          `HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        upgraded = true;
        // A ping straight away: the client must answer it with a pong.
        socket.write(encodeFrame(0x9, Buffer.from('hi')));
        chunk = head.subarray(end + 4);
      }
      pending = Buffer.concat([pending, chunk]);
      const { frames, rest } = decodeFrames(pending);
      pending = rest;
      for (const frame of frames) {
        received.push(frame);
        if (frame.opcode === 0x1)
          onText(frame.payload.toString('utf8'), (text) => socket.write(encodeFrame(0x1, Buffer.from(text))));
        if (frame.opcode === 0x8) socket.end(encodeFrame(0x8, frame.payload.subarray(0, 2)));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        received,
        requestLines,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('terminal handshake status line', () => {
  it('plain ws accepts "101 Web Socket Protocol Handshake" as-is', async () => {
    const terminal = await startRawTerminal((text, reply) => reply(text));
    cleanups.push(() => terminal.close());
    const ws = new WebSocket(`ws://127.0.0.1:${terminal.port}`);
    cleanups.push(async () => ws.terminate());
    // 'upgrade' and 'open' fire back to back: listen for both before waiting.
    const upgraded = new Promise<string>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.statusMessage ?? ''));
      ws.once('error', reject);
    });
    const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
    expect(await upgraded).toBe('Web Socket Protocol Handshake');
    await opened;
    const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send('{"topic":"ecrhub.heartbeat"}');
    expect(await echoed).toBe('{"topic":"ecrhub.heartbeat"}');
  });

  it('CodepayConnection opens, answers pings and gets its reply routed through the raw terminal', async () => {
    const terminal = await startRawTerminal((text, reply) => {
      const request = JSON.parse(text) as {
        topic: string;
        request_id: string;
        biz_data: { merchant_order_no: string };
      };
      reply(
        JSON.stringify({
          topic: request.topic,
          request_id: '111111',
          response_code: '000',
          biz_data: { merchant_order_no: request.biz_data.merchant_order_no, trans_type: '1', trans_status: '0' },
        }),
      );
    });
    cleanups.push(() => terminal.close());
    const link = new CodepayConnection({
      name: 'Raw',
      url: `ws://127.0.0.1:${terminal.port}`,
      timing: { pingIntervalMs: 20, lostTimeoutMs: 5_000 },
    });
    cleanups.push(() => link.close());
    link.start();
    expect(await link.whenOpen(5_000)).toBe(true);
    expect(terminal.requestLines[0]).toBe('GET / HTTP/1.1');

    const reply = await link.request(
      buildCodepayRequest({
        topic: CODEPAY_TOPICS.query,
        appId: 'app',
        requestId: 'q1',
        bizData: { merchant_order_no: 'RAW1' },
      }),
      5_000,
    );
    expect(reply?.biz_data).toMatchObject({ merchant_order_no: 'RAW1', trans_status: '0' });
    const sent = terminal.received.find((f) => f.opcode === 0x1);
    expect(JSON.parse(sent?.payload.toString('utf8') ?? '{}')).toMatchObject({
      topic: 'ecrhub.pay.query',
      app_id: 'app',
      biz_data: { merchant_order_no: 'RAW1' },
    });
    // The server's ping got a pong carrying the same payload.
    expect(terminal.received.some((f) => f.opcode === 0xa && f.payload.toString() === 'hi')).toBe(true);
    expect(link.state).toBe('open');
  });
});

describe('simulator status line', () => {
  it('answers the upgrade with exactly the terminal status line', async () => {
    const sim = await startCodepayTerminalSimulator();
    cleanups.push(() => sim.close());
    const socket = net.connect(sim.port, '127.0.0.1');
    cleanups.push(async () => void socket.destroy());
    const firstLine = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        const end = text.indexOf('\r\n');
        if (end >= 0) resolve(text.slice(0, end));
      });
      socket.on('error', reject);
      socket.write(
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    expect(firstLine).toBe(TERMINAL_STATUS_LINE);
    expect(firstLine).toBe('HTTP/1.1 101 Web Socket Protocol Handshake');
  });
});
