/**
 * Issue 12, items 1 and 2: no request and no WebSocket frame can stop the headless host.
 * The built host runs as a child process, so "still alive" means the process, not a promise.
 * If a case kills it (the code before the fix), the next case starts a fresh one, so each
 * case is judged on its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import { connectHost } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';
import { closePayload, encodeFrame, rawHttp, rawWebSocket, textFrame, type FrameSpec } from '../support/raw-websocket';

const MiB = 1024 * 1024;

/** Resident memory of a process in bytes (Linux). */
function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line![1]) * 1024;
}

const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);

/** The protocol errors of issue 12 item 2 (and their neighbours), with the close code RFC 6455 asks for. */
const PROTOCOL_ERRORS: { kind: string; frames: FrameSpec[]; code: number }[] = [
  { kind: 'invalid UTF-8 in a text frame', frames: [{ opcode: 1, payload: invalidUtf8 }], code: 1007 },
  { kind: 'an unmasked client frame', frames: [{ opcode: 1, payload: Buffer.from('{}'), masked: false }], code: 1002 },
  { kind: 'a reserved data opcode (0x3)', frames: [{ opcode: 0x3, payload: Buffer.from('x') }], code: 1002 },
  { kind: 'a reserved control opcode (0xB)', frames: [{ opcode: 0xb }], code: 1002 },
  {
    kind: 'RSV1 set without an extension',
    frames: [{ opcode: 1, rsv: 0b100, payload: Buffer.from('{}') }],
    code: 1002,
  },
  { kind: 'RSV2 set', frames: [{ opcode: 1, rsv: 0b010, payload: Buffer.from('{}') }], code: 1002 },
  { kind: 'RSV3 set', frames: [{ opcode: 1, rsv: 0b001, payload: Buffer.from('{}') }], code: 1002 },
  { kind: 'a fragmented control frame', frames: [{ opcode: 0x9, fin: false, payload: Buffer.from('p') }], code: 1002 },
  { kind: 'a control frame over 125 bytes', frames: [{ opcode: 0x9, payload: Buffer.alloc(126, 0x70) }], code: 1002 },
  { kind: 'a continuation with nothing to continue', frames: [{ opcode: 0, payload: Buffer.from('x') }], code: 1002 },
  {
    kind: 'a new message inside a fragmented one',
    frames: [
      { opcode: 1, fin: false, payload: Buffer.from('{') },
      { opcode: 1, payload: Buffer.from('}') },
    ],
    code: 1002,
  },
  { kind: 'a 14-byte header announcing 2^40 bytes', frames: [{ opcode: 1, announcedLength: 2n ** 40n }], code: 1009 },
  { kind: 'a length beyond 2^53', frames: [{ opcode: 2, announcedLength: 2n ** 62n }], code: 1009 },
  { kind: 'a close frame with a reserved code', frames: [{ opcode: 8, payload: closePayload(1005) }], code: 1002 },
  { kind: 'a close frame with a 1-byte body', frames: [{ opcode: 8, payload: Buffer.from([3]) }], code: 1002 },
  {
    kind: 'a close frame with an invalid UTF-8 reason',
    frames: [{ opcode: 8, payload: closePayload(1000, Buffer.from([0xc3, 0x28])) }],
    code: 1007,
  },
];

describe('the headless host survives malformed requests and frames', () => {
  let dir: string;
  let config: string;
  let host: HostProcess;
  const alive = () => host.child.exitCode === null && host.child.signalCode === null;

  async function expectStillServing(): Promise<void> {
    const client = await connectHost(host.origin, host.token);
    expect((await client.invoke('pos:app.info', {})).demo).toBe(true);
    client.close();
    expect(alive(), host.stderr().slice(-2000)).toBe(true);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-host-bad-'));
    config = writeConfig(dir, { demo: true, dataDir: join(dir, 'data') });
    host = await startHost(config);
  });
  beforeEach(async () => {
    const answering = await connectHost(host.origin, host.token).then(
      (client) => (client.close(), true),
      () => false,
    );
    if (answering && alive()) return;
    await host.kill();
    host = await startHost(config);
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers GET /% and other undecodable paths with 400 and keeps serving', async () => {
    for (const path of ['/%', '/%%', '/%E0%A4%A', '/assets/%ZZ.js']) {
      const response = await fetch(host.origin + path).catch((error: Error) => error);
      expect(response instanceof Response ? response.status : response.message, path).toBe(400);
    }
    await expectStillServing();
  });

  it('answers a request target no URL parser accepts with 400, on plain HTTP and on an upgrade', async () => {
    expect(await rawHttp(host.origin, 'GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    const upgrade = 'GET http://[/ipc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    expect(await rawHttp(host.origin, upgrade)).toMatch(/^HTTP\/1\.1 400/);
    await expectStillServing();
  });

  it.each(PROTOCOL_ERRORS)(
    'closes the connection on $kind (code $code) and keeps serving',
    async ({ frames, code }) => {
      const raw = await rawWebSocket(host.origin, host.token);
      raw.socket.write(Buffer.concat(frames.map(encodeFrame)));
      const outcome = await raw.closed();
      raw.socket.destroy();
      expect(outcome?.closeCode).toBe(code);
      await expectStillServing();
    },
  );

  it('refuses a frame just over the limit but takes the largest legitimate one (a 512 Ki-character chunk, 6x escaped)', async () => {
    const raw = await rawWebSocket(host.origin, host.token);
    raw.socket.write(textFrame(JSON.stringify({ type: 'invoke', id: 1, channel: 'x', payload: 'y'.repeat(4 * MiB) })));
    expect((await raw.closed())?.closeCode).toBe(1009);
    raw.socket.destroy();

    const client = await connectHost(host.origin, host.token);
    const manager = DEMO_USERS.find((user) => user.role === 'manager')!;
    await client.invoke('pos:session.login', { userId: manager.id, pin: manager.pin });
    // Every character escapes to \u0001: a 3 MiB frame, the worst a chunk can be on the wire.
    const reply = await client.raw('pos:catalog.importChunk', {
      uploadId: 'worst-case-chunk',
      index: 0,
      text: '\u0001'.repeat(512 * 1024),
    });
    expect(reply).toEqual({ ok: true, result: { receivedChars: 512 * 1024 } });
    client.close();
    await expectStillServing();
  });

  it('refuses 8 concurrent 79 MiB frames at their header: the host grows by less than 100 MB', async () => {
    const pid = host.child.pid!;
    const sockets = await Promise.all(Array.from({ length: 8 }, () => rawWebSocket(host.origin, host.token)));
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(pid));
    }, 5);
    const length = 79 * MiB;
    // A zero mask key leaves the payload as it is; the same buffer serves all 8 sockets.
    const header = encodeFrame({ opcode: 1, announcedLength: BigInt(length), maskKey: Buffer.alloc(4) });
    const payload = Buffer.alloc(length, 0x61);
    const outcomes = await Promise.all(
      sockets.map((raw) => {
        raw.socket.write(header);
        raw.socket.write(payload);
        return raw.closed(20_000);
      }),
    );
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));
    for (const raw of sockets) raw.socket.destroy();
    console.log(
      `8 x 79 MiB frames: host RSS ${(before / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB`,
    );
    expect(outcomes.map((o) => o?.closeCode)).toEqual(Array(8).fill(1009));
    expect(peak - before).toBeLessThan(100 * 1000 * 1000);
    await expectStillServing();
  });
});
