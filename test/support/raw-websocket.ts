/**
 * Speaks HTTP and WebSocket to the headless host byte by byte, so tests can send what no
 * well-behaved client library would: malformed request lines, unmasked or reserved frames,
 * lengths that lie (RFC 6455 §5.2 frame layout).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WS_PATH } from '../../src-shared/wire';

export interface FrameSpec {
  fin?: boolean;
  /** RSV1..3 as the bits 0b100, 0b010, 0b001. */
  rsv?: number;
  opcode: number;
  payload?: Buffer;
  /** Clients must mask; false sends the payload in the clear. */
  masked?: boolean;
  /** The length announced in the header, when it should differ from the payload's. */
  announcedLength?: bigint;
  /** A fixed masking key (four zero bytes leave the payload as it is: cheap for huge frames). */
  maskKey?: Buffer;
}

/** One frame as bytes, masked with a random key unless `masked` is false. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const masked = spec.masked ?? true;
  const length = spec.announcedLength ?? BigInt(payload.length);
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, Number(length)]);
  else if (length < 65_536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  header[1] |= 0x80;
  const key = spec.maskKey ?? randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([header, key, body]);
}

export const textFrame = (text: string): Buffer => encodeFrame({ opcode: 1, payload: Buffer.from(text) });

export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, Buffer.from(reason)]);
}

/** What the host did with a connection: the close code it sent, if any, once the socket ended. */
export interface Outcome {
  closeCode: number | null;
  bytes: Buffer;
}

/** A TCP connection to the host that has completed the WebSocket handshake (101). */
export interface RawSocket {
  socket: Socket;
  /**
   * Resolves once the host sends a close frame or drops the connection (closeCode null), or
   * with null if neither happens within `timeoutMs`.
   */
  closed(timeoutMs?: number): Promise<Outcome | null>;
}

function firstCloseCode(bytes: Buffer): number | null {
  // Server frames are unmasked; replies may precede the close frame.
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) return null;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) return null;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 8) return length >= 2 && start + 2 <= bytes.length ? bytes.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return null;
}

/** Opens a WebSocket on the host by hand (token and Origin as the renderer sends them). */
export function rawWebSocket(origin: string, token: string): Promise<RawSocket> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let upgraded = false;
    let ended = false;
    const waiters: (() => void)[] = [];
    const settled = () => ended || (upgraded && firstCloseCode(received) !== null);
    const wake = () => {
      if (settled()) for (const waiter of waiters.splice(0)) waiter();
    };
    socket.on('error', () => undefined);
    socket.on('close', () => {
      ended = true;
      wake();
      if (!upgraded) reject(new Error(`handshake refused: ${received.toString('latin1').split('\r\n')[0]}`));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (upgraded) return wake();
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        return;
      }
      upgraded = true;
      received = received.subarray(end + 4);
      resolve({
        socket,
        closed: (timeoutMs = 5_000) =>
          new Promise((done) => {
            const finish = () => {
              clearTimeout(timer);
              done({ closeCode: firstCloseCode(received), bytes: received });
            };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(finish), 1);
              done(null);
            }, timeoutMs);
            waiters.push(finish);
            wake();
          }),
      });
    });
    socket.on('connect', () => {
      socket.write(
        [
          `GET ${WS_PATH}?token=${encodeURIComponent(token)} HTTP/1.1`,
          `Host: ${hostname}:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          `Origin: ${origin}`,
          '',
          '',
        ].join('\r\n'),
      );
    });
  });
}

/**
 * Sends raw bytes as an HTTP request and resolves with the status line the host answered
 * ('' when it just closed), or null if neither happened within `timeoutMs`.
 */
export function rawHttp(origin: string, request: Buffer | string, timeoutMs = 5_000): Promise<string | null> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received.split('\r\n')[0]);
    };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) finish();
    });
    socket.on('close', finish);
    socket.on('connect', () => socket.end(request));
  });
}
