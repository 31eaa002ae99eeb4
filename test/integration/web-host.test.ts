import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_PATH } from '../../src-shared/wire';
import { connectHost } from '../support/host-client';
import { startHost, writeConfig, type HostProcess } from '../support/host-process';

function tryConnect(url: string, origin: string | undefined): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { headers: { Origin: origin } } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('the headless host transport', () => {
  let dir: string;
  let host: HostProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-host-'));
    host = await startHost(writeConfig(dir, { demo: true, dataDir: join(dir, 'data') }));
  });
  afterAll(async () => {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL with a token as its first line', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the renderer with a strict CSP and refuses path traversal', async () => {
    const page = await fetch(host.origin + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2fpackage.json']) {
      expect((await fetch(host.origin + path)).status).toBe(404);
    }
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    const base = `${host.origin.replace('http', 'ws')}${WS_PATH}`;
    expect(await tryConnect(`${base}?token=${host.token}`, host.origin)).toBe('open');
    expect(await tryConnect(`${base}?token=wrong${host.token.slice(5)}`, host.origin)).toBe(403);
    expect(await tryConnect(`${base}`, host.origin)).toBe(403);
    expect(await tryConnect(`${base}?token=${host.token}`, 'https://evil.example')).toBe(403);
    expect(await tryConnect(`${base}?token=${host.token}`, undefined)).toBe(403);
  });

  it('answers unknown channels and bad payloads with typed errors', async () => {
    const client = await connectHost(host.origin, host.token);
    expect(await client.raw('pos:till.explode', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await client.raw('pos:session.login', { userId: 'demo-cashier', pin: 1234 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', field: 'pin' },
    });
    expect(await client.raw('pos:cart.current', {})).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    client.close();
  });

  it('closes a connection that sends a non-JSON or non-invoke frame, and keeps serving others', async () => {
    const url = `${host.origin.replace('http', 'ws')}${WS_PATH}?token=${host.token}`;
    for (const garbage of ['{not json', JSON.stringify({ type: 'event', id: 1 })]) {
      const ws = new WebSocket(url, { headers: { Origin: host.origin } });
      await new Promise((resolve) => ws.once('open', resolve));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(garbage);
      expect([1003, 1008]).toContain(await closed);
    }
    const client = await connectHost(host.origin, host.token);
    expect((await client.invoke('pos:app.info', {})).demo).toBe(true);
    client.close();
  });
});
