/**
 * The headless host's transport in-process, with a dispatch that misbehaves on purpose:
 * every invoke gets a reply even when the dispatch throws, rejects or returns something JSON
 * cannot carry, and a connection with hundreds of calls in flight is slowed, never refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatch } from '../../src-main/ipc/dispatcher';
import { createEventBus } from '../../src-main/ipc/event-bus';
import { startWebHost, type WebHost } from '../../src-main/shell/web/web-host';
import { connectHost } from '../support/host-client';

describe('the web host guards every dispatch', () => {
  let dir: string;
  let host: WebHost;
  const logged: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let release: (() => void) | null = null;
  let gate = Promise.resolve();

  const dispatch: Dispatch = async (channel, payload) => {
    if (channel === 'throws') throw new Error('synchronous-looking failure');
    if (channel === 'rejects') return Promise.reject(new TypeError('rejected'));
    if (channel === 'bigint') return { ok: true, result: { amount: 10n } };
    if (channel === 'slow') {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await gate;
      inFlight -= 1;
    }
    return { ok: true, result: payload };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-host-guards-'));
    writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
    host = await startWebHost({
      dispatch,
      events: createEventBus(),
      rendererDir: dir,
      port: 0,
      log: (message) => logged.push(message),
    });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers INTERNAL when the dispatch throws, rejects or returns what JSON cannot carry', async () => {
    const client = await connectHost(`http://127.0.0.1:${host.port}`, host.token);
    for (const channel of ['throws', 'rejects', 'bigint']) {
      expect(await client.raw(channel, {}), channel).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    }
    expect(await client.raw('echo', { n: 1 })).toEqual({ ok: true, result: { n: 1 } });
    client.close();
    expect(logged.every((line) => line.length < 400)).toBe(true);
    expect(logged.some((line) => line.includes('rejected'))).toBe(true);
  });

  it('holds 300 concurrent calls on one connection to 64 in flight and answers them all', async () => {
    gate = new Promise<void>((resolve) => (release = resolve));
    const client = await connectHost(`http://127.0.0.1:${host.port}`, host.token);
    const replies = Promise.all(Array.from({ length: 300 }, (_, i) => client.raw('slow', { i })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mostInFlight).toBe(64);
    expect(mostInFlight).toBeGreaterThan(0);
    release!();
    const answered = await replies;
    expect(answered.map((reply) => (reply.result as { i: number }).i)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
    client.close();
  });
});
