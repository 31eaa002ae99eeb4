/**
 * The headless host's transport: serves the built renderer over loopback HTTP and
 * carries the same contract over a WebSocket. Only this machine can reach it (bound to
 * 127.0.0.1), only with the random token printed at start, and only from a page this
 * host served (Origin checked), so another site in the browser cannot drive the till.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PosErrorShape } from '../../../src-shared/errors';
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

/**
 * Largest WebSocket frame accepted, refused from its header before any payload is read.
 * The largest legitimate frame is one catalogue chunk (`pos:catalog.importChunk`, at most
 * CSV_CHUNK_CHARS = 512 Ki characters): JSON can escape one UTF-16 unit to 6 bytes
 * (`\u0000`, a lone surrogate), so ≤ 3 MiB of text plus a small envelope. 4 MiB leaves room
 * for that and nothing like the 80 MiB that let 8 frames take the host to 1.2 GB (issue 12).
 */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Invokes dispatched at once per connection. Beyond it the host stops reading the socket
 * (TCP back-pressure; nothing is refused) and runs the frames already read in order.
 */
const MAX_IN_FLIGHT = 64;

/** A client that leaves this much unread (events, replies) is cut off rather than buffered without end. */
const MAX_UNREAD_BYTES = 32 * 1024 * 1024;

/** Refusals are logged: bounded, printable, never the payload itself. */
function brief(text: unknown): string {
  const printable = String(text).replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 120 ? `${printable.slice(0, 120)}…` : printable;
}

const INTERNAL_ERROR: PosErrorShape = {
  code: 'INTERNAL',
  message: 'Something went wrong in the till; the action was not completed. Try again or call a manager.',
};

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

function serveStatic(
  rendererDir: string,
  req: IncomingMessage,
  res: ServerResponse,
  log: (message: string) => void,
): void {
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
  let pathname: string;
  try {
    // `/%`, `/%E0%A4%A`, `http://[` as a request target: URIError / TypeError, a 400 not a crash.
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
  } catch {
    log(`Refused an HTTP path that does not decode: ${brief(req.url)}`);
    res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('Bad request');
    return;
  }
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep) || file.includes('\0') || !isFile(file)) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') res.end();
  else
    createReadStream(file)
      .once('error', () => res.destroy())
      .pipe(res);
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Answers a malformed HTTP request (bad request line, oversized headers) and never throws. */
function answerClientError(error: Error & { code?: string }, socket: Duplex, log: (message: string) => void): void {
  if (error.code !== 'ECONNRESET') log(`Refused a malformed HTTP request: ${brief(error.code ?? error.message)}`);
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

export async function startWebHost(options: {
  dispatch: Dispatch;
  events: EventBus;
  rendererDir: string;
  port: number;
  log(message: string): void;
}): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const { log } = options;
  const server: Server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => req.destroy());
    try {
      serveStatic(options.rendererDir, req, res, log);
    } catch (error) {
      log(`Refused HTTP ${brief(req.method)} ${brief(req.url)}: ${brief((error as Error)?.message)}`);
      if (res.headersSent) res.destroy();
      else res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request');
    }
  });
  server.on('clientError', (error: Error & { code?: string }, socket) => answerClientError(error, socket, log));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  server.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without its own error listener: a reset here would crash.
    let upgraded = false;
    socket.on('error', (error: Error & { code?: string }) => {
      if (!upgraded) log(`WebSocket handshake socket failed: ${brief(error.code ?? error.message)}`);
      socket.destroy();
    });
    const refuse = (status: 400 | 403 | 404, why: string) => {
      log(`Refused a WebSocket connection: ${brief(why)}`);
      const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
      if (socket.writable)
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
      else socket.destroy();
    };
    try {
      const url = new URL(req.url ?? '/', 'http://host');
      if (url.pathname !== WS_PATH) return refuse(404, `path ${url.pathname}`);
      if (!allowedOrigins.has(req.headers.origin ?? '')) return refuse(403, `origin ${req.headers.origin ?? '(none)'}`);
      if (!tokenMatches(url.searchParams.get('token'), token)) return refuse(403, 'bad token');
      wss.handleUpgrade(req, socket, head, (ws) => {
        upgraded = true;
        wss.emit('connection', ws);
      });
    } catch (error) {
      refuse(400, (error as Error)?.message ?? 'bad upgrade request');
    }
  });

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_UNREAD_BYTES) {
      log('Closed a WebSocket whose client stopped reading.');
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(frame));
  };
  const reply = (
    ws: WebSocket,
    id: number,
    result: { ok: true; result: unknown } | { ok: false; error: PosErrorShape },
  ) => {
    try {
      send(
        ws,
        result.ok
          ? { type: 'reply', id, ok: true, result: result.result }
          : { type: 'reply', id, ok: false, error: result.error },
      );
    } catch (error) {
      // A result JSON cannot carry (it should never happen: outputs are plain data).
      log(`Could not send the reply to invoke ${id}: ${brief((error as Error)?.message)}`);
      send(ws, { type: 'reply', id, ok: false, error: INTERNAL_ERROR });
    }
  };

  wss.on('connection', (ws) => {
    clients.add(ws);
    let inFlight = 0;
    const waiting: (() => Promise<void>)[] = [];
    const run = (job: () => Promise<void>) => {
      inFlight += 1;
      void job()
        .catch((error: unknown) => log(`Could not answer an invoke: ${brief((error as Error)?.message)}`))
        .finally(() => {
          inFlight -= 1;
          const next = waiting.shift();
          if (next) run(next);
          else if (ws.isPaused) ws.resume();
        });
    };
    ws.on('close', () => {
      clients.delete(ws);
      // Calls never started are dropped: the client fails them as unanswered, never re-sent.
      waiting.length = 0;
    });
    // A protocol error (bad UTF-8, unmasked frame, reserved opcode or bit, oversized length…):
    // ws has already sent the close frame; without this listener it would crash the host.
    ws.on('error', (error: Error & { code?: string }) =>
      log(`Closed a WebSocket after a protocol error: ${brief(error.code ?? error.message)}`),
    );
    ws.on('message', (data, isBinary) => {
      let frame: { type?: unknown; id?: unknown; channel?: unknown; payload?: unknown } | null;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = JSON.parse(data.toString()) as typeof frame;
      } catch {
        log('Closed a WebSocket that sent a frame that is not JSON text.');
        ws.close(1003, 'frames must be JSON text');
        return;
      }
      const id = frame?.id;
      if (frame?.type !== 'invoke' || typeof id !== 'number' || !Number.isSafeInteger(id)) {
        log('Closed a WebSocket that sent a frame that is not an invoke.');
        ws.close(1008, 'not an invoke frame');
        return;
      }
      const { channel, payload } = frame;
      const job = async () => {
        try {
          reply(ws, id, await options.dispatch(channel, payload));
        } catch (error) {
          log(`Invoke ${brief(channel)} failed outside its handler: ${brief((error as Error)?.message)}`);
          reply(ws, id, { ok: false, error: INTERNAL_ERROR });
        }
      };
      if (inFlight < MAX_IN_FLIGHT) run(job);
      else {
        // Frames already read still arrive after pause(): they wait here, in order.
        waiting.push(job);
        ws.pause();
      }
    });
  });

  const unsubscribe = options.events.subscribe((event, payload) => {
    for (const ws of clients) {
      try {
        send(ws, { type: 'event', event, payload });
      } catch (error) {
        log(`Could not send the event ${event}: ${brief((error as Error)?.message)}`);
      }
    }
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
