/**
 * A CodePay terminal running "CodePay Register" in WLAN/LAN mode, for demo mode (the
 * virtual terminal panel) and for integration tests over real sockets (PAYMENTS.md §6).
 *
 * It answers the upgrade with the terminal's exact status line
 * `HTTP/1.1 101 Web Socket Protocol Handshake` (rewritten in ws's documented 'headers'
 * event), speaks the JSON envelope, and plays scripted behaviours per order: approve (with
 * or without an on-screen tip, "000" or "0"), decline, operator cancel 110, timeout 112,
 * socket dropped mid-sale with or without re-delivery, "hold" (waits for act() or a
 * close), and two faults of issue 10: a stranger's answer (an approval with foreign keys)
 * before the real result, and an online authorisation during which a close is refused.
 * It enforces one order in flight, unique merchant_order_no, voids before batch
 * close, refunds within the original, request_id with confirm_on_terminal, and counts
 * every charge so tests can prove nothing was charged twice.
 *
 * Response codes for refusals are not published by CodePay (§2.4 Gap); the ones below are
 * this simulator's own and configurable.
 *
 * This entry (the one demo mode and the tests import) holds the server, its connections, the
 * dial-out to a POS's pairing server and the control surface; the order book and its
 * transitions live in `codepay-simulator-orders.ts`, the message handlers in
 * `codepay-simulator-messages.ts`, all sharing one `CodepaySimContext`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { CODEPAY_TOPICS, parseCodepayFrame } from './codepay-envelope';
import { ECR_HUB_SERVER_TYPE, type CodepayMdns } from './codepay-mdns';
import { createCodepayMessageHandlers } from './codepay-simulator-messages';
import {
  WAITING,
  createCodepayOrderBook,
  type CodepaySimContext,
  type CodepayTerminalSimulatorOptions,
  type SimBehaviour,
  type SimCodes,
  type SimCounts,
  type SimOrder,
  type SimOrderView,
} from './codepay-simulator-orders';

export type {
  CodepayTerminalSimulatorOptions,
  SimBehaviour,
  SimCodes,
  SimCounts,
  SimOrderView,
} from './codepay-simulator-orders';

export const TERMINAL_STATUS_LINE = 'HTTP/1.1 101 Web Socket Protocol Handshake';

export type SimAction = 'approve' | 'approve-with-tip' | 'decline' | 'cancel';

const DEFAULT_CODES: SimCodes = {
  declined: '301',
  busy: '302',
  duplicate: '303',
  notFound: '304',
  notAllowed: '305',
  missingRequestId: '306',
  invalid: '106',
  authorising: '307',
};

export interface CodepayTerminalSimulator {
  readonly port: number;
  readonly url: string;
  readonly serial: string;
  /** Script the next orders' behaviours (FIFO). */
  next(...behaviours: SimBehaviour[]): void;
  /**
   * Play the customer / cashier on a waiting order. `redeliver: false` finishes it the way
   * a terminal that lost track of the POS does: nothing is pushed, the POS must query.
   */
  act(merchantOrderNo: string, action: SimAction, delivery?: { redeliver: boolean }): boolean;
  pending(): SimOrderView[];
  order(merchantOrderNo: string): SimOrderView | undefined;
  counts(): SimCounts;
  /** POS connections open right now (a killed POS drops to 0 once its socket is closed). */
  openConnections(): number;
  /** Stop (false) or resume answering WebSocket pings. */
  setAnswerPings(answer: boolean): void;
  /** Cut every POS connection. */
  dropConnections(): void;
  /** Send raw text to every connected POS (malformed-frame tests). */
  sendRaw(text: string): void;
  /** Dial the POS pairing server as the terminal; resolves the POS's response_code. */
  pairWith(posUrl: string): Promise<string>;
  unpairFrom(posUrl: string): Promise<string>;
  /** Announce `_ecr-hub-server._tcp` (instance = serial). */
  advertise(mdns: CodepayMdns): void;
  close(): Promise<void>;
}

/** Start a simulated terminal on 127.0.0.1 (port 0 = any free port). */
export async function startCodepayTerminalSimulator(
  options: CodepayTerminalSimulatorOptions = {},
): Promise<CodepayTerminalSimulator> {
  const host = options.host ?? '127.0.0.1';
  const currency = options.currency ?? 'CAD';
  const codes: SimCodes = { ...DEFAULT_CODES, ...options.codes };
  const serial = options.serial ?? 'WPYB002248000123';
  const mac = options.macAddress ?? '02:42:ac:11:00:99';
  const deviceName = options.deviceName ?? 'CodePay Sim';
  const orders = new Map<string, SimOrder>();
  const queue: SimBehaviour[] = [];
  const redeliveries: { frame: string; times: number }[] = [];
  const counts: SimCounts = {
    charges: 0,
    preauths: 0,
    completions: 0,
    voids: 0,
    refunds: 0,
    authorisations: 0,
    orderMessages: {},
    queries: 0,
    closes: 0,
    connections: 0,
    malformedFrames: 0,
    unpairNotices: 0,
  };
  let answerPings = true;

  const server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, autoPong: false });
  // The real terminal's non-standard status line (PAYMENTS.md §2.2).
  wss.on('headers', (headers: string[]) => {
    headers[0] = TERMINAL_STATUS_LINE;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;

  const context: CodepaySimContext = {
    options,
    currency,
    codes,
    serial,
    wss,
    orders,
    queue,
    redeliveries,
    counts,
    busy: null,
  };
  const book = createCodepayOrderBook(context);
  const { view, send, frame, approve, decline, operatorCancel, defaultTip } = book;
  const { handleMessage } = createCodepayMessageHandlers(context, book);

  wss.on('connection', (socket: WebSocket, _req: IncomingMessage) => {
    counts.connections += 1;
    socket.on('error', () => undefined);
    socket.on('ping', (data) => {
      if (answerPings) socket.pong(data);
    });
    socket.on('message', (data) => {
      const parsed = parseCodepayFrame(data as Buffer);
      if (!parsed.ok) {
        counts.malformedFrames += 1;
        send(socket, frame('ecrhub.error', null, codes.invalid, parsed.error));
        return;
      }
      handleMessage(socket, parsed.message);
    });
    // Re-deliver finished results the POS missed while it was away (PAYMENTS.md §2.5).
    for (const item of redeliveries.splice(0)) for (let i = 0; i < item.times; i += 1) send(socket, item.frame);
  });

  const talkToPos = (posUrl: string, topic: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(posUrl);
      socket.on('open', () => {
        socket.send(
          JSON.stringify({
            topic,
            app_id: options.appId ?? '',
            request_id: `p${Date.now()}`,
            timestamp: String(Date.now()),
            version: '1.0',
            device_data: {
              mac_address: mac,
              device_name: deviceName,
              alias_name: serial,
              ip_address: host,
              port: String(port),
            },
          }),
        );
      });
      socket.on('message', (data) => {
        const parsed = parseCodepayFrame(data as Buffer);
        if (parsed.ok && parsed.message.topic === topic) {
          resolve(parsed.message.response_code ?? '');
          socket.close();
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve('closed'));
    });

  return {
    port,
    url: `ws://${host}:${port}`,
    serial,
    next(...behaviours) {
      queue.push(...behaviours);
    },
    act(merchantOrderNo, action, delivery) {
      const o = orders.get(merchantOrderNo);
      if (!o || !WAITING.has(o.status)) return false;
      const how = { redeliver: delivery?.redeliver ?? true, times: 1 };
      if (action === 'approve') approve(o, undefined, '000', how);
      else if (action === 'approve-with-tip') approve(o, defaultTip(o), '000', how);
      else if (action === 'decline') decline(o, undefined, how);
      else operatorCancel(o, how);
      return true;
    },
    pending() {
      return [...orders.values()].filter((o) => WAITING.has(o.status)).map(view);
    },
    order(merchantOrderNo) {
      const o = orders.get(merchantOrderNo);
      return o ? view(o) : undefined;
    },
    counts() {
      return { ...counts, orderMessages: { ...counts.orderMessages } };
    },
    openConnections() {
      return [...wss.clients].filter((s) => s.readyState === WebSocket.OPEN).length;
    },
    setAnswerPings(answer) {
      answerPings = answer;
    },
    dropConnections() {
      for (const client of wss.clients) client.terminate();
    },
    sendRaw(text) {
      for (const client of wss.clients) send(client, text);
    },
    pairWith: (posUrl) => talkToPos(posUrl, CODEPAY_TOPICS.pair),
    unpairFrom: (posUrl) => talkToPos(posUrl, CODEPAY_TOPICS.unpair),
    advertise(mdns) {
      mdns.publish({
        name: serial,
        type: ECR_HUB_SERVER_TYPE,
        port,
        txt: { app_name: 'CodePay Register', app_version: 'sim-1.0', mac_address: mac },
      });
    },
    async close() {
      for (const o of orders.values()) if (o.timer) clearTimeout(o.timer);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
