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
 * Kept in one file on purpose: it is one simulated device whose order book, refusal rules
 * and delivery (push / re-delivery) share state, and demo mode imports just this module.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { parseDecimalString, toDecimalString, mulDivRound } from '../../../src-shared/money';
import {
  CODEPAY_TOPICS,
  TRANS_STATUS,
  TRANS_TYPE,
  parseCodepayFrame,
  type CodepayMessage,
  type TransStatus,
} from './codepay-envelope';
import { ECR_HUB_SERVER_TYPE, type CodepayMdns } from './codepay-mdns';

export const TERMINAL_STATUS_LINE = 'HTTP/1.1 101 Web Socket Protocol Handshake';

export type SimBehaviour =
  | { kind: 'approve'; tip?: number; successCode?: '000' | '0'; message?: string }
  | { kind: 'decline'; message?: string }
  | { kind: 'operator-cancel' }
  /** Answer 112; the order ends charged (late success) or closed. */
  | { kind: 'timeout'; charged?: boolean }
  /** Cut the POS socket right after the order arrives, finish anyway. */
  | { kind: 'drop'; redeliver: boolean; redeliverTimes?: number; outcome?: 'approve' | 'decline'; tip?: number }
  /** Wait for act() or ecrhub.pay.close. */
  | { kind: 'hold' }
  /**
   * First push a stranger's APPROVED frame (no merchant_order_no, a request_id the POS never
   * sent, e.g. another till's sale on a shared lane), then this order's real result `gapMs` later.
   */
  | { kind: 'foreign-answer'; then?: 'approve' | 'decline'; gapMs?: number }
  /**
   * The card is in and the terminal is authorising online for `authoriseMs` (without it:
   * until act()): a close is refused meanwhile and a query says paying (0); then it
   * approves (or declines), pushing the result unless `push` is false (then only a query
   * reveals it).
   */
  | { kind: 'online-auth'; authoriseMs?: number; outcome?: 'approve' | 'decline'; push?: boolean };

export type SimAction = 'approve' | 'approve-with-tip' | 'decline' | 'cancel';

export interface SimCodes {
  declined: string;
  busy: string;
  duplicate: string;
  notFound: string;
  notAllowed: string;
  missingRequestId: string;
  invalid: string;
  /** A close refused because the card is being authorised online. */
  authorising: string;
}

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

export interface SimOrderView {
  merchantOrderNo: string;
  transType: string;
  status: TransStatus;
  amount: number;
  tip: number;
  currency: string;
  onScreenTip: boolean;
  origMerchantOrderNo: string | null;
  /** The card is in and the terminal waits for the issuer (a close is refused). */
  authorising: boolean;
}

export interface SimCounts {
  /** Sales (1, 11) that became successful. */
  charges: number;
  preauths: number;
  completions: number;
  voids: number;
  refunds: number;
  /** Manager authorisations given on the terminal (required_terminal_authentication). */
  authorisations: number;
  /** ecrhub.pay.order messages received, per merchant_order_no (rejected ones included). */
  orderMessages: Record<string, number>;
  queries: number;
  closes: number;
  connections: number;
  malformedFrames: number;
  /** ecrhub.unpair notices a POS sent to this terminal. */
  unpairNotices: number;
}

export interface CodepayTerminalSimulatorOptions {
  host?: string;
  port?: number;
  currency?: string;
  /** When set, other app_ids are refused with 106 "[M009] Invalid application invoke". */
  appId?: string;
  /** Orders with no scripted behaviour wait for act() (demo "virtual terminal"). */
  interactive?: boolean;
  /** How long the simulated customer takes (default 0). */
  customerDelayMs?: number;
  /** Tip the customer picks on screen for 'approve-with-tip' (basis points, default 1500). */
  tipBasisPoints?: number;
  /** false: the manager refuses on-terminal authorisation. */
  managerAuthorises?: boolean;
  serial?: string;
  deviceName?: string;
  macAddress?: string;
  codes?: Partial<SimCodes>;
  /** The demo panel listens here: an order waits for the customer / an order finished. */
  onEvent?: (event: { kind: 'waiting' | 'finished'; order: SimOrderView }) => void;
  /**
   * Answer queries and closes as the request's own result (`000` "Success"), with the
   * transaction's text only in biz_data.msg, instead of repeating the transaction's code and text.
   */
  transportReplies?: boolean;
}

interface SimOrder {
  merchantOrderNo: string;
  transType: string;
  status: TransStatus;
  amount: number;
  tip: number;
  cashback: number;
  onScreenTip: boolean;
  orig: string | null;
  requestId: string | undefined;
  transNo: string;
  batchClosed: boolean;
  voided: boolean;
  refunded: number;
  responseCode: string;
  responseMsg: string;
  endTime: string | null;
  behaviour: SimBehaviour;
  socket: WebSocket | null;
  timer: NodeJS.Timeout | null;
  authorising: boolean;
}

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

const WAITING: ReadonlySet<string> = new Set([TRANS_STATUS.created, TRANS_STATUS.paying]);
const SALE_TYPES: ReadonlySet<string> = new Set([TRANS_TYPE.sale, TRANS_TYPE.cashback, TRANS_TYPE.preAuth]);

const pad = (n: number): string => String(n).padStart(2, '0');
function terminalTime(date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
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
  let busy: string | null = null;
  let transCounter = 0;
  let strangers = 0;

  const server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server, autoPong: false });
  // The real terminal's non-standard status line (PAYMENTS.md §2.2).
  wss.on('headers', (headers: string[]) => {
    headers[0] = TERMINAL_STATUS_LINE;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;

  const view = (o: SimOrder): SimOrderView => ({
    merchantOrderNo: o.merchantOrderNo,
    transType: o.transType,
    status: o.status,
    amount: o.amount,
    tip: o.tip,
    currency,
    onScreenTip: o.onScreenTip,
    origMerchantOrderNo: o.orig,
    authorising: o.authorising,
  });

  const bizOf = (o: SimOrder): Record<string, unknown> => {
    const biz: Record<string, unknown> = {
      merchant_order_no: o.merchantOrderNo,
      trans_type: o.transType,
      trans_status: o.status,
      trans_no: o.transNo,
      order_amount: toDecimalString(o.amount, currency),
      price_currency: currency,
    };
    if (o.orig) biz.orig_merchant_order_no = o.orig;
    if (o.tip > 0) biz.tip_amount = toDecimalString(o.tip, currency);
    if (o.cashback > 0) biz.cashback_amount = toDecimalString(o.cashback, currency);
    if (o.status === TRANS_STATUS.success) {
      Object.assign(biz, {
        pay_method_id: 'Visa',
        pay_scenario: 'SWIPE_CARD',
        card_no: '476173******0010',
        card_type: '2',
        entry_mode: 'Contactless',
        auth_code: String(100000 + (Number(o.transNo.slice(-5)) % 900000)),
        ref_no: `R${o.transNo.slice(-10)}`,
        pay_channel_trans_no: `C${o.transNo.slice(-9)}`,
        terminal_sn: serial,
        trans_end_time: o.endTime,
      });
    }
    return biz;
  };

  const frame = (
    topic: string,
    request: Pick<CodepayMessage, 'app_id' | 'request_id'> | null,
    code: string,
    msg: string,
    biz?: Record<string, unknown>,
  ): string =>
    JSON.stringify({
      topic,
      app_id: request?.app_id ?? options.appId ?? '',
      request_id: request?.request_id ?? '111111',
      timestamp: String(Date.now()),
      version: '1.0',
      response_code: code,
      response_msg: msg,
      ...(biz ? { biz_data: biz } : {}),
    });

  const send = (socket: WebSocket | null, text: string): boolean => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(text);
    return true;
  };
  const newestSocket = (): WebSocket | null =>
    [...wss.clients].reverse().find((s) => s.readyState === WebSocket.OPEN) ?? null;

  /** Finish an order and push its result, re-delivering on reconnect unless told not to. */
  const finish = (
    o: SimOrder,
    status: TransStatus,
    code: string,
    msg: string,
    delivery: { redeliver: boolean; times: number } = { redeliver: true, times: 1 },
  ): void => {
    if (o.timer) clearTimeout(o.timer);
    o.timer = null;
    o.authorising = false;
    o.status = status;
    o.responseCode = code;
    o.responseMsg = msg;
    if (busy === o.merchantOrderNo) busy = null;
    if (status === TRANS_STATUS.success) {
      o.endTime = terminalTime();
      if (o.transType === TRANS_TYPE.sale || o.transType === TRANS_TYPE.cashback) counts.charges += 1;
      if (o.transType === TRANS_TYPE.preAuth) counts.preauths += 1;
    }
    options.onEvent?.({ kind: 'finished', order: view(o) });
    const text = frame(CODEPAY_TOPICS.order, null, code, msg, bizOf(o));
    if (!delivery.redeliver) return; // the terminal lost track of the POS: it must query
    const target = o.socket && o.socket.readyState === WebSocket.OPEN ? o.socket : newestSocket();
    if (target) for (let i = 0; i < delivery.times; i += 1) send(target, text);
    else redeliveries.push({ frame: text, times: delivery.times });
  };

  const approve = (
    o: SimOrder,
    tip: number | undefined,
    successCode: string,
    delivery?: { redeliver: boolean; times: number },
    message = 'Approved',
  ): void => {
    if (o.onScreenTip && tip !== undefined) o.tip = tip;
    finish(o, TRANS_STATUS.success, successCode, message, delivery);
  };
  const decline = (o: SimOrder, message?: string, delivery?: { redeliver: boolean; times: number }): void =>
    finish(o, TRANS_STATUS.closed, codes.declined, message ?? 'Declined (51 insufficient funds)', delivery);
  const operatorCancel = (o: SimOrder, delivery?: { redeliver: boolean; times: number }): void =>
    finish(o, TRANS_STATUS.cancelled, '110', '[K026] manual cancel', delivery);
  const defaultTip = (o: SimOrder): number => mulDivRound(o.amount, options.tipBasisPoints ?? 1500, 10_000);

  const play = (o: SimOrder): void => {
    const b = o.behaviour;
    const later = (fn: () => void): void => {
      o.timer = setTimeout(fn, options.customerDelayMs ?? 0);
    };
    switch (b.kind) {
      case 'hold':
        options.onEvent?.({ kind: 'waiting', order: view(o) });
        return;
      case 'approve':
        return later(() => approve(o, b.tip, b.successCode ?? '000', undefined, b.message));
      case 'decline':
        return later(() => decline(o, b.message));
      case 'operator-cancel':
        return later(() => operatorCancel(o));
      case 'timeout':
        return later(() => {
          // The terminal gives up talking but the card may still have gone through.
          if (b.charged) {
            o.status = TRANS_STATUS.success;
            o.endTime = terminalTime();
            [o.responseCode, o.responseMsg] = ['000', 'Approved'];
            if (o.transType === TRANS_TYPE.preAuth) counts.preauths += 1;
            else counts.charges += 1;
          } else {
            o.status = TRANS_STATUS.closed;
            [o.responseCode, o.responseMsg] = ['112', 'Transaction timeout'];
          }
          if (busy === o.merchantOrderNo) busy = null;
          send(
            o.socket,
            frame(CODEPAY_TOPICS.order, null, '112', 'Transaction timeout', {
              merchant_order_no: o.merchantOrderNo,
              trans_type: o.transType,
            }),
          );
        });
      case 'foreign-answer': {
        strangers += 1;
        send(
          o.socket,
          frame(
            CODEPAY_TOPICS.order,
            { app_id: options.appId, request_id: `STRANGER${strangers}` },
            '000',
            'Approved',
            {
              trans_type: TRANS_TYPE.sale,
              trans_status: TRANS_STATUS.success,
              trans_no: `59990000${String(strangers).padStart(8, '0')}`,
              order_amount: toDecimalString(o.amount, currency),
              price_currency: currency,
              pay_method_id: 'Visa',
              card_no: '411111******1111',
              auth_code: '999999',
            },
          ),
        );
        o.timer = setTimeout(() => (b.then === 'approve' ? approve(o, undefined, '000') : decline(o)), b.gapMs ?? 300);
        return;
      }
      case 'online-auth': {
        o.authorising = true;
        const delivery = { redeliver: b.push ?? true, times: 1 };
        if (b.authoriseMs === undefined) return;
        o.timer = setTimeout(
          () => (b.outcome === 'decline' ? decline(o, undefined, delivery) : approve(o, undefined, '000', delivery)),
          b.authoriseMs,
        );
        return;
      }
      case 'drop': {
        const delivery = { redeliver: b.redeliver, times: b.redeliverTimes ?? 1 };
        o.socket?.terminate();
        return later(() =>
          b.outcome === 'decline' ? decline(o, undefined, delivery) : approve(o, b.tip, '000', delivery),
        );
      }
    }
  };

  const reject = (socket: WebSocket, request: CodepayMessage, code: string, msg: string): void => {
    const mon = request.biz_data?.merchant_order_no;
    send(
      socket,
      frame(
        request.topic,
        request,
        code,
        msg,
        mon ? { merchant_order_no: mon, trans_type: request.biz_data?.trans_type } : undefined,
      ),
    );
  };

  const amountOf = (text: string | undefined): number => (text ? parseDecimalString(text, currency) : 0);

  const handleOrder = (socket: WebSocket, request: CodepayMessage): void => {
    const biz = request.biz_data ?? {};
    const mon = biz.merchant_order_no;
    if (!mon || !/^[A-Za-z0-9]{1,32}$/.test(mon))
      return reject(socket, request, codes.invalid, 'merchant_order_no is missing or invalid');
    counts.orderMessages[mon] = (counts.orderMessages[mon] ?? 0) + 1;
    if (options.appId && request.app_id !== options.appId)
      return reject(socket, request, '106', '[M009] Invalid application invoke');
    if (biz.confirm_on_terminal && !request.request_id)
      return reject(socket, request, codes.missingRequestId, 'request_id is required with confirm_on_terminal');
    if (orders.has(mon)) return reject(socket, request, codes.duplicate, 'Duplicate merchant_order_no');
    if (busy !== null) return reject(socket, request, codes.busy, 'Terminal busy with another transaction');
    const type = biz.trans_type ?? '';
    let amount: number;
    let tip: number;
    let cashback: number;
    try {
      amount = amountOf(biz.order_amount);
      tip = amountOf(biz.tip_amount);
      cashback = amountOf(biz.cashback_amount);
    } catch {
      return reject(socket, request, codes.invalid, 'Invalid amount');
    }
    const orig = biz.orig_merchant_order_no ? orders.get(biz.orig_merchant_order_no) : undefined;
    const needsOrig = [TRANS_TYPE.void, TRANS_TYPE.refund, TRANS_TYPE.preAuthCancel, TRANS_TYPE.completion] as string[];
    if (needsOrig.includes(type)) {
      if (!orig || orig.status !== TRANS_STATUS.success)
        return reject(socket, request, codes.notFound, 'Original transaction not found');
      if (orig.voided) return reject(socket, request, codes.notAllowed, 'Original transaction already voided');
      if (type === TRANS_TYPE.void && orig.batchClosed)
        return reject(socket, request, codes.notAllowed, 'Void not allowed after batch close; refund instead');
      if (type === TRANS_TYPE.refund && amount > orig.amount + orig.tip - orig.refunded) {
        return reject(socket, request, codes.notAllowed, 'Refund amount exceeds the original transaction');
      }
    } else if (!SALE_TYPES.has(type)) {
      return reject(socket, request, codes.invalid, `Unsupported trans_type ${type}`);
    }
    if ((type === TRANS_TYPE.void || type === TRANS_TYPE.refund) && biz.required_terminal_authentication) {
      if (options.managerAuthorises === false)
        return reject(socket, request, '110', 'Manager authorisation refused on the terminal');
      counts.authorisations += 1;
    }
    transCounter += 1;
    const o: SimOrder = {
      merchantOrderNo: mon,
      transType: type,
      status: TRANS_STATUS.paying,
      amount,
      tip,
      cashback,
      onScreenTip: biz.on_screen_tip === true,
      orig: orig?.merchantOrderNo ?? null,
      requestId: request.request_id,
      transNo: `50210000${String(Date.now()).slice(-8)}${String(transCounter).padStart(6, '0')}`,
      batchClosed: false,
      voided: false,
      refunded: 0,
      responseCode: '',
      responseMsg: '',
      endTime: null,
      behaviour: { kind: 'approve' },
      socket,
      timer: null,
      authorising: false,
    };
    orders.set(mon, o);
    if (orig && !SALE_TYPES.has(type)) {
      // Reversals and completions need no customer: settle them now.
      if (type === TRANS_TYPE.void || type === TRANS_TYPE.preAuthCancel) orig.voided = true;
      if (type === TRANS_TYPE.void) counts.voids += 1;
      if (type === TRANS_TYPE.refund) {
        orig.refunded += amount;
        counts.refunds += 1;
      }
      if (type === TRANS_TYPE.completion) counts.completions += 1;
      finish(o, TRANS_STATUS.success, '000', 'Approved');
      return;
    }
    busy = mon;
    o.behaviour = queue.shift() ?? (options.interactive ? { kind: 'hold' } : { kind: 'approve' });
    play(o);
  };

  const handleMessage = (socket: WebSocket, request: CodepayMessage): void => {
    const mon = request.biz_data?.merchant_order_no;
    switch (request.topic) {
      case CODEPAY_TOPICS.heartbeat:
        send(socket, frame(request.topic, request, '000', 'OK'));
        return;
      case CODEPAY_TOPICS.order:
        return handleOrder(socket, request);
      case CODEPAY_TOPICS.query: {
        counts.queries += 1;
        const o = mon ? orders.get(mon) : undefined;
        if (!o) return reject(socket, request, codes.notFound, 'Order not found');
        if (options.transportReplies) {
          send(
            socket,
            frame(request.topic, request, '000', 'Success', {
              ...bizOf(o),
              ...(o.responseMsg ? { msg: o.responseMsg } : {}),
            }),
          );
          return;
        }
        send(
          socket,
          frame(
            request.topic,
            request,
            o.status === TRANS_STATUS.success ? '000' : o.responseCode || '000',
            o.responseMsg || 'OK',
            bizOf(o),
          ),
        );
        return;
      }
      case CODEPAY_TOPICS.close: {
        counts.closes += 1;
        const o = mon ? orders.get(mon) : undefined;
        if (!o) return reject(socket, request, codes.notFound, 'Order not found');
        if (!WAITING.has(o.status)) return reject(socket, request, codes.notAllowed, 'Order already finished');
        if (o.authorising)
          return reject(socket, request, codes.authorising, 'Card is being authorised online; cannot close now');
        send(
          socket,
          frame(request.topic, request, '000', options.transportReplies ? 'Success' : 'Closed', {
            merchant_order_no: mon,
            trans_status: TRANS_STATUS.cancelled,
          }),
        );
        finish(o, TRANS_STATUS.cancelled, '110', 'Order closed by the POS');
        return;
      }
      case CODEPAY_TOPICS.batchClose: {
        // The batch's net, as a terminal's settlement slip shows it: approved sales and completions
        // with their tips and cash back, less refunds, less voids (a void takes back its whole sale).
        // Pre-authorisations and their cancels only hold money: they count as transactions, not in the total.
        const net = (o: SimOrder): number => {
          if (
            o.transType === TRANS_TYPE.sale ||
            o.transType === TRANS_TYPE.cashback ||
            o.transType === TRANS_TYPE.completion
          )
            return o.amount + o.tip + o.cashback;
          if (o.transType === TRANS_TYPE.refund) return -o.amount;
          const voided = o.transType === TRANS_TYPE.void && o.orig ? orders.get(o.orig) : undefined;
          return voided ? -(voided.amount + voided.tip + voided.cashback) : 0;
        };
        let count = 0;
        let total = 0;
        for (const o of orders.values()) {
          if (o.status === TRANS_STATUS.success && !o.batchClosed) {
            o.batchClosed = true;
            count += 1;
            total += net(o);
          }
        }
        send(
          socket,
          frame(request.topic, request, '000', 'Batch closed', {
            merchant_order_no: mon,
            trans_count: String(count),
            total_amount: toDecimalString(total, currency),
          }),
        );
        return;
      }
      case CODEPAY_TOPICS.tipAdjustment: {
        const o = mon ? orders.get(mon) : undefined;
        if (!o || o.status !== TRANS_STATUS.success)
          return reject(socket, request, codes.notFound, 'Original transaction not found');
        if (o.batchClosed || o.voided) return reject(socket, request, codes.notAllowed, 'Tip adjustment not allowed');
        try {
          o.tip = amountOf(request.biz_data?.tip_adjustment_amount);
        } catch {
          return reject(socket, request, codes.invalid, 'Invalid amount');
        }
        send(socket, frame(request.topic, request, '000', 'Tip adjusted', bizOf(o)));
        return;
      }
      case CODEPAY_TOPICS.unpair:
        counts.unpairNotices += 1;
        send(socket, frame(request.topic, request, '000', 'Unpaired'));
        return;
      default:
        reject(socket, request, codes.invalid, `Unsupported topic ${request.topic}`);
    }
  };

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
