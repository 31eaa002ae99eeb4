/**
 * The simulated CodePay terminal's order book and how an order ends (PAYMENTS.md §6): the shapes
 * of scripted behaviours, orders, refusal codes and counts; the order record; and the transitions
 * — approve (with or without an on-screen tip), decline, operator cancel and each scripted
 * behaviour played per order — that push the result to the POS or keep it for re-delivery when
 * the POS reconnects. The entry `codepay-simulator.ts` creates the one `CodepaySimContext` this
 * book and the message handlers (`codepay-simulator-messages.ts`) share.
 */
import { WebSocket, type WebSocketServer } from 'ws';
import { toDecimalString, mulDivRound } from '../../../src-shared/money';
import { CODEPAY_TOPICS, TRANS_STATUS, TRANS_TYPE, type CodepayMessage, type TransStatus } from './codepay-envelope';

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

/** One order as the terminal keeps it (sales, reversals and completions alike). */
export interface SimOrder {
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

/** Order statuses during which the terminal still shows the order (act() and a close apply). */
export const WAITING: ReadonlySet<string> = new Set([TRANS_STATUS.created, TRANS_STATUS.paying]);
/** Transaction types that wait for a customer (the others settle against an original at once). */
export const SALE_TYPES: ReadonlySet<string> = new Set([TRANS_TYPE.sale, TRANS_TYPE.cashback, TRANS_TYPE.preAuth]);

const pad = (n: number): string => String(n).padStart(2, '0');
function terminalTime(date = new Date()): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * What the simulated terminal's parts share: its settings, its books and the WebSocket server
 * its POS connections arrive on. Created once per simulator by `startCodepayTerminalSimulator`.
 */
export interface CodepaySimContext {
  options: CodepayTerminalSimulatorOptions;
  currency: string;
  codes: SimCodes;
  serial: string;
  wss: WebSocketServer;
  /** Every order by merchant_order_no. */
  orders: Map<string, SimOrder>;
  /** Scripted behaviours for the next orders (FIFO). */
  queue: SimBehaviour[];
  /** Results no POS was connected to receive, pushed to the next connection. */
  redeliveries: { frame: string; times: number }[];
  counts: SimCounts;
  /** merchant_order_no of the one order in flight, or null; an order sets it, its end clears it. */
  busy: string | null;
}

/** The order book's transitions and frames, over the shared context. */
export type CodepayOrderBook = ReturnType<typeof createCodepayOrderBook>;

/** The order book: views and frames of an order, and the transitions that end it. */
export function createCodepayOrderBook(context: CodepaySimContext) {
  const { options, currency, codes, serial, wss, redeliveries, counts } = context;
  let strangers = 0;

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
    if (context.busy === o.merchantOrderNo) context.busy = null;
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
          if (context.busy === o.merchantOrderNo) context.busy = null;
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

  return { view, bizOf, frame, send, finish, approve, decline, operatorCancel, defaultTip, play };
}
