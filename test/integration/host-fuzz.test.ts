/**
 * A bounded, seeded fuzz of the headless host (issue 12): HTTP requests, raw WebSocket frames
 * and invoke payloads thrown at the built host running as a child process. After every batch
 * the process must be alive and answer `pos:app.info` on a good connection. A crash is
 * counted (and the host restarted, so the count is honest), and the count must be zero.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import { CHANNEL_NAMES } from '../../src-shared/contract';
import { WS_PATH } from '../../src-shared/wire';
import { connectHost } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';
import { closePayload, encodeFrame, rawHttp, rawWebSocket, type FrameSpec } from '../support/raw-websocket';

/** Fixed: the same inputs on every run, so a failure can be replayed. */
const SEED = 20_241_212;
const BATCH = 25;

const hex = (byte: number) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;

const pathPiece = fc.oneof(
  fc.constantFrom(
    '%',
    '%%',
    '%E0%A4%A',
    '%C0%AF',
    '%2F',
    '%2e%2e',
    '%00',
    '..',
    '/',
    '\\',
    'index.html',
    'assets',
    '?',
  ),
  fc.string({ maxLength: 8 }),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => [...bytes].map(hex).join('')),
);
const path = fc.oneof(
  fc.array(pathPiece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.constantFrom('/%', '//', '/../../etc/passwd', `/${'a'.repeat(20_000)}`, `/${'%'.repeat(5_000)}`, 'http://[', '*'),
);
const method = fc.constantFrom(
  'GET',
  'GET',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'OPTIONS',
  'PROPFIND',
  'GETT',
  'get',
  'CONNECT',
);
const httpRequest = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(method, path).map(([m, p]) => Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n\r\n`)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'GET / HTTP/9.9\r\n\r\n',
        'GET\r\n\r\n',
        ' / HTTP/1.1\r\n\r\n',
        'GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
        'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        `GET / HTTP/1.1\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
        `GET /ipc?token=%%% HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        'GET /ipc HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n\r\n',
      )
      .map((text) => Buffer.from(text)),
  },
);

const frameSpec: fc.Arbitrary<FrameSpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      fin: fc.boolean(),
      rsv: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 7 })),
      opcode: fc.integer({ min: 0, max: 15 }),
      masked: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
      payload: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      opcode: fc.constantFrom(1, 2, 9),
      payload: fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
      announcedLength: fc.constantFrom(0n, 125n, 126n, 65_535n, 65_536n, 4_194_305n, 2n ** 40n, 2n ** 63n),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 65_535 }), fc.uint8Array({ maxLength: 30 }))
      .map(([code, reason]) => ({ opcode: 8, payload: closePayload(code, Buffer.from(reason)) })),
  },
);
/** One connection's worth: a few frames, the last one possibly cut short. */
const frameBurst = fc.record({
  frames: fc.array(frameSpec, { minLength: 1, maxLength: 3 }),
  truncate: fc.option(fc.integer({ min: 1, max: 12 })),
});

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: loneSurrogate, maxLength: 4 }));
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, -(2 ** 63), 1e308, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'userId', 'code', 'pin')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;
const invokeText = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        channel: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CHANNEL_NAMES) }, text, jsonish),
        payload: jsonish,
        id: fc.oneof({ weight: 6, arbitrary: fc.nat() }, fc.constantFrom(2 ** 53, -1, 1.5, 1e308), text),
      })
      .map(({ id, ...rest }) => JSON.stringify({ type: 'invoke', id, ...rest })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => {
        const close = open === '[' ? ']' : '}';
        return `{"type":"invoke","id":1,"channel":"pos:cart.scan","payload":${open.repeat(depth)}1${close.repeat(depth)}}`;
      }),
  },
  { weight: 1, arbitrary: jsonish.map((value) => JSON.stringify(value) ?? 'undefined') },
);

describe('fuzzing the headless host', () => {
  let dir: string;
  let config: string;
  let host: HostProcess;
  let crashes = 0;
  const counts = { paths: 0, frames: 0, payloads: 0 };

  /** After a batch: the process lives and answers on a good connection; else count a crash and restart. */
  async function checkStillServing(): Promise<void> {
    const answered = await connectHost(host.origin, host.token)
      .then(async (client) => {
        const info = await client.invoke('pos:app.info', {});
        client.close();
        return info.demo === true;
      })
      .catch(() => false);
    if (answered && host.child.exitCode === null && host.child.signalCode === null) return;
    crashes += 1;
    await host.kill();
    host = await startHost(config);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-host-fuzz-'));
    config = writeConfig(dir, { demo: true, dataDir: join(dir, 'data') });
    host = await startHost(config);
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving through seeded HTTP paths, raw frames and payloads', { timeout: 60_000 }, async () => {
    const started = Date.now();

    const requests = fc.sample(httpRequest, { seed: SEED, numRuns: 400 });
    for (let at = 0; at < requests.length; at += BATCH) {
      const batch = requests.slice(at, at + BATCH);
      const answers = await Promise.all(batch.map((request) => rawHttp(host.origin, request, 3_000)));
      counts.paths += batch.length;
      // Every request is answered or closed; none leaves the host hanging or answers 5xx.
      expect(answers.filter((answer) => answer === null || /^HTTP\/1\.1 5/.test(answer))).toEqual([]);
      await checkStillServing();
    }

    const bursts = fc.sample(frameBurst, { seed: SEED + 1, numRuns: 200 });
    for (let at = 0; at < bursts.length; at += BATCH) {
      const batch = bursts.slice(at, at + BATCH);
      await Promise.all(
        batch.map(async ({ frames, truncate }) => {
          const raw = await rawWebSocket(host.origin, host.token).catch(() => null);
          if (!raw) return;
          let bytes = Buffer.concat(frames.map(encodeFrame));
          if (truncate !== null) bytes = bytes.subarray(0, Math.max(1, bytes.length - truncate));
          raw.socket.write(bytes);
          counts.frames += frames.length;
          await raw.closed(250);
          raw.socket.destroy();
        }),
      );
      await checkStillServing();
    }

    const manager = DEMO_USERS.find((user) => user.role === 'manager')!;
    const url = `${host.origin.replace('http', 'ws')}${WS_PATH}?token=${host.token}`;
    const payloads = fc.sample(invokeText, { seed: SEED + 2, numRuns: 600 });
    // Signed in as a manager so payloads that pass validation reach the handlers behind the session check.
    const login = await connectHost(host.origin, host.token);
    await login.raw('pos:session.login', { userId: manager.id, pin: manager.pin });
    login.close();
    for (let at = 0; at < payloads.length; at += BATCH) {
      const batch = payloads.slice(at, at + BATCH);
      await Promise.all(
        batch.map(async (payload) => {
          // One connection per payload: a frame the host must refuse closes only its own.
          const ws = new WebSocket(url, { headers: { Origin: host.origin } });
          ws.on('error', () => undefined);
          const opened = await new Promise<boolean>((resolve) => {
            ws.once('open', () => resolve(true));
            ws.once('close', () => resolve(false));
          });
          if (!opened) return;
          const answered = new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 3_000);
            const done = () => {
              clearTimeout(timer);
              resolve();
            };
            ws.once('message', done);
            ws.once('close', done);
          });
          ws.send(payload);
          counts.payloads += 1;
          await answered;
          ws.terminate();
        }),
      );
      await checkStillServing();
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `host fuzz (seed ${SEED}): ${counts.paths} HTTP requests, ${counts.frames} raw frames, ` +
        `${counts.payloads} payloads in ${seconds} s; crashes = ${crashes}`,
    );
    expect(crashes).toBe(0);
  });
});
