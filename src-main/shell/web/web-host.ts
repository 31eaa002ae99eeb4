/**
 * The headless host's transport: serves the built renderer over loopback HTTP and
 * carries the same contract over a WebSocket. Only this machine can reach it (bound to
 * 127.0.0.1), only with the random token printed at start, and only from a page this
 * host served (Origin checked), so another site in the browser cannot drive the till.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerFrame } from '../../../src-shared/wire';
import { WS_PATH } from '../../../src-shared/wire';
import type { Dispatch } from '../../ipc/dispatcher';
import type { EventBus } from '../../ipc/event-bus';
import { CONTENT_SECURITY_POLICY } from '../security-policy';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Largest frame accepted: a catalogue CSV import is the biggest legitimate payload. */
const MAX_FRAME_BYTES = 80 * 1024 * 1024;

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serveStatic(rendererDir: string, req: IncomingMessage, res: ServerResponse): void {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

export async function startWebHost(options: {
  dispatch: Dispatch;
  events: EventBus;
  rendererDir: string;
  port: number;
  log(message: string): void;
}): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer((req, res) => serveStatic(options.rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const refuse = (status: number, why: string) => {
      options.log(`Refused a WebSocket connection: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== WS_PATH) return refuse(404, `path ${url.pathname}`);
    if (!allowedOrigins.has(req.headers.origin ?? '')) return refuse(403, `origin ${req.headers.origin ?? '(none)'}`);
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(403, 'bad token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', async (data, isBinary) => {
      let frame: { type?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        frame = JSON.parse(data.toString());
      } catch {
        ws.close(1003, 'frames must be JSON text');
        return;
      }
      if (frame?.type !== 'invoke' || typeof frame.id !== 'number' || !Number.isSafeInteger(frame.id)) {
        ws.close(1008, 'not an invoke frame');
        return;
      }
      const reply = await options.dispatch(frame.channel, frame.payload);
      send(
        ws,
        reply.ok
          ? { type: 'reply', id: frame.id, ok: true, result: reply.result }
          : { type: 'reply', id: frame.id, ok: false, error: reply.error },
      );
    });
  });

  const unsubscribe = options.events.subscribe((event, payload) => {
    for (const ws of clients) send(ws, { type: 'event', event, payload });
  });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
