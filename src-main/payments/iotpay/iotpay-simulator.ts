/**
 * IOTPay v1 gateway simulator for demo/training mode and integration tests
 * (PAYMENTS.md §6 "IOTPay"). An HTTP server on 127.0.0.1 that checks the `params=` wrapper
 * and the MD5 signature like the real gateway, signs its replies, adds fields clients do
 * not know, and plays per-order behaviours: card sales on a (virtual) PAX terminal that
 * block create_order, wallet codes that move 0 → 1 → 2 over queries, refunds with
 * refundable tracking, and the faults a POS must survive. It counts what matters: charges,
 * create_order calls per mchOrderNo, refunds.
 *
 * Longer than most modules on purpose: one gateway's state machine reads best in one place.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { iotpaySign } from './iotpay-sign';

/** What the next create_order does (PAYMENTS.md §6). */
export type IotpayBehaviour =
  | 'approve' // card: approve after cardMs; wallet: 0 → 1 → 2 over walletSteps queries
  | 'slow-card' // card: block cardMs (default 1500) then approve
  | 'decline' // card: status 9 "Transaction Not Completed 05"; wallet: 9 (customer cancelled)
  | 'system-cancel' // status 4 (cancelled by the system)
  | 'timeout-then-success' // hold create_order without replying; the order turns paid later
  | 'stuck-pending' // status 1 forever; card create_order held
  | 'walk-away' // card: customer leaves; status 1, request held, 4 after expiry (wallet: 1, then 4)
  | 'bad-signature' // order processed, reply's sign corrupted
  | 'already-paid' // an earlier create paid this mchOrderNo: reply 0113
  | 'server-error' // order processed, HTTP 502
  | 'malformed-json' // order processed, reply body is broken JSON
  | 'drop-connection' // order processed, socket destroyed before any reply
  | 'interactive'; // card: wait for act() from the virtual terminal

export interface IotpayBehaviourOptions {
  /** Card: how long create_order blocks before the terminal answers. */
  cardMs?: number;
  /** Wallet: the query_order call at which the order reaches its final status (0: already in the create reply). */
  walletSteps?: number;
  /** timeout-then-success: paid this long after create_order arrived… */
  lateMs?: number;
  /** …or at this query_order call, whichever first (default 2). */
  paidAtQuery?: number;
  /** walk-away: status 4 after this long… */
  expireMs?: number;
  /** …or at this query_order call, when set (also for an interactive walk-away). */
  expireAtQuery?: number;
  /** Faults: whether the gateway processed (charged) the order before the reply broke. Default true. */
  charge?: boolean;
  /** already-paid: the amount (cents) the earlier create was paid for, when not this request's. */
  paidAmount?: number;
  /**
   * query_order replies carry only what PAYMENTS.md §1.3 lists for them (status, channelOrderNo,
   * paySuccTime…): no amount, tip or currency. A real gateway may answer this way.
   */
  queryWithoutAmount?: boolean;
  /** Paid status reported (2 paid, 3 paid and notified). */
  paidStatus?: 2 | 3;
  /** Card data of the approval. */
  langCode?: 'E' | 'F';
  cardType?: string;
  /** Tests may put a full PAN here to prove the POS masks it. */
  cardNum?: string;
  /** Card: the terminal's receipt text (free text; tests put a full PAN in it to prove the POS masks it). */
  receiptDisp?: string;
  trxMethod?: string;
  cvmResults?: string;
}

export type IotpayReplyFault = 'bad-signature' | 'server-error' | 'malformed-json' | 'drop-connection';
export type VirtualTerminalAction = 'tap-approve' | 'decline' | 'walk-away';

export interface IotpaySimulatorOptions {
  port?: number;
  host?: string;
  mchId?: string;
  key?: string;
  /** CC_PAX sales wait for act() unless a behaviour was queued (the demo virtual terminal). */
  interactive?: boolean;
  /** Behaviour when nothing is queued (default 'approve'; CC_PAX uses 'interactive' when interactive). */
  defaultBehaviour?: IotpayBehaviour;
  defaultOptions?: IotpayBehaviourOptions;
  /** Interactive walk-away: status 1 turns 4 after this long (default 90 s). */
  walkAwayExpireMs?: number;
  /**
   * Paths that are not the v1 API answer a web page with HTTP 200 (a web server in front of
   * the wrong address) instead of a 404.
   */
  webPageForOtherPaths?: boolean;
  onChange?: () => void;
}

export interface SimulatedOrder {
  payOrderId: string;
  mchOrderNo: string;
  channelId: string;
  amount: number;
  tip: number;
  currency: string;
  status: number;
  refundable: number;
  queries: number;
  awaitingTerminal: boolean;
}

export interface IotpaySimulator {
  /** e.g. http://127.0.0.1:41234 — use as the provider's baseUrl. */
  readonly url: string;
  readonly mchId: string;
  readonly key: string;
  /** Queue a behaviour for the next create_order (calls queue up in order). */
  setBehaviour(behaviour: IotpayBehaviour, opts?: IotpayBehaviourOptions): void;
  clearBehaviours(): void;
  /** Break the next `count` query_order replies (replaces any earlier setting; count 0 clears). */
  setQueryFault(fault: IotpayReplyFault, count?: number): void;
  /** Break the next refund_order reply; `charge` false: fail before refunding. */
  setRefundFault(fault: IotpayReplyFault, opts?: { charge?: boolean }): void;
  /** Orders that became paid (each counted once). */
  charges(): number;
  createOrderCalls(mchOrderNo: string): number;
  queryCalls(mchOrderNo: string): number;
  /** Refunds that moved money (a repeated mchRefundNo is not counted again). */
  refunds(): number;
  refundCalls(mchRefundNo: string): number;
  order(mchOrderNo: string): SimulatedOrder | null;
  /** CC_PAX sales waiting on the virtual terminal. */
  pendingCardSales(): { mchOrderNo: string; amount: number; currency: string }[];
  /** Plays the customer at the virtual terminal. False when no such sale is waiting. */
  act(mchOrderNo: string, action: VirtualTerminalAction): boolean;
  /**
   * The customer pays an order that is not final yet, whatever its behaviour (taps the card
   * after the cashier stopped waiting, confirms the wallet payment late). False when the order
   * is unknown or already final.
   */
  payNow(mchOrderNo: string): boolean;
  /**
   * The merchant key changes at the gateway (fault "wrong merchant key"): from now on, requests
   * signed with the till's old key are refused with 0013, and replies are signed with the new one.
   */
  setMerchantKey(key: string): void;
  /** Subscribe to any change (new order, status, terminal, each query); returns unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

interface Order {
  payOrderId: string;
  mchOrderNo: string;
  channelId: string;
  currency: string;
  amount: number;
  tip: number;
  request: Record<string, unknown>;
  status: number;
  extra: string;
  channelOrderNo: string;
  paySuccTime: number | '';
  createDate: number;
  updateDate: number;
  refundable: number;
  queries: number;
  behaviour: IotpayBehaviour;
  opts: IotpayBehaviourOptions;
  held: ServerResponse | null;
  awaitingTerminal: boolean;
  walkedAway: boolean;
}

interface RefundRecord {
  payOrderId: string;
  amount: number;
  reply: Record<string, unknown>;
}

type Reply = { obj: Record<string, unknown>; fault?: IotpayReplyFault; httpStatus?: number };

const FINAL = (status: number): boolean => status >= 2;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Starts the simulator; resolves once it listens. */
export async function startIotpaySimulator(options: IotpaySimulatorOptions = {}): Promise<IotpaySimulator> {
  const mchId = options.mchId ?? '10000576';
  let key = options.key ?? 'demo-merchant-key';
  const orders = new Map<string, Order>();
  const byPayOrderId = new Map<string, Order>();
  const refundsByNo = new Map<string, RefundRecord>();
  const createCalls = new Map<string, number>();
  const refundCallCounts = new Map<string, number>();
  const queue: { behaviour: IotpayBehaviour; opts: IotpayBehaviourOptions }[] = [];
  let queryFault: { fault: IotpayReplyFault; remaining: number } | null = null;
  let refundFault: { fault: IotpayReplyFault; charge: boolean } | null = null;
  const timers = new Set<NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  if (options.onChange) listeners.add(options.onChange);
  let chargeCount = 0;
  let refundCount = 0;
  let serial = 0;

  const changed = (): void => {
    for (const listener of listeners) listener();
  };
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  function signed(obj: Record<string, unknown>, corrupt = false): Record<string, unknown> {
    const sign = iotpaySign(obj, key);
    // Flip the first hex digit: still well-formed, never valid.
    return { ...obj, sign: corrupt ? (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1) : sign };
  }

  function send(res: ServerResponse, reply: Reply): void {
    if (res.writableEnded || res.destroyed) return;
    if (reply.fault === 'drop-connection') {
      res.socket?.destroy();
      return;
    }
    if (reply.fault === 'server-error') {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    if (reply.fault === 'malformed-json') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"retCode":"SUCCESS","resCode":"SUCCESS","payOrder":{"status":2,');
      return;
    }
    const body = reply.obj.retCode === 'FAIL' ? reply.obj : signed(reply.obj, reply.fault === 'bad-signature');
    res
      .writeHead(reply.httpStatus ?? 200, { 'content-type': 'application/json;charset=UTF-8' })
      .end(JSON.stringify(body));
  }

  const protocolFail = (code: string, retMsg: string): Reply => ({ obj: { retCode: 'FAIL', retMsg, errCode: code } });
  const businessFail = (code: string, errCodeDes: string): Reply => ({
    obj: { retCode: 'SUCCESS', resCode: 'FAIL', errCode: code, errCodeDes, retMsg: errCodeDes },
  });

  function cardExtra(order: Order, approved: boolean): string {
    const now = new Date();
    const o = order.opts;
    const french = o.langCode === 'F';
    const base = {
      cardType: approved ? (o.cardType ?? 'M') : ' ',
      cardNum: approved ? (o.cardNum ?? 'XXXXXXXXXXXX1166') : '',
      expireDate: approved ? '1022' : '    ',
      emvLabel: approved ? 'MASTERCARD' : '',
      emvAID: approved ? 'A0000000041010' : '',
      emvTVR: approved ? '0000008000' : '',
      emvTSI: approved ? '0000' : '',
      emvTC: approved ? 'ARQC: 3D36ACBD44BE512B' : '',
      termNum: '25957',
      bankTermNum: '40880013',
      termInvoiceNum: pad(724000 + serial, 6),
      seqNum: approved ? pad(1000000 + serial, 12) : '000000000000',
      authNum: approved ? `0${pad(serial % 10000, 4)}Z` : '',
      batchNum: approved ? '0008' : '0000',
      trxMethod: approved ? (o.trxMethod ?? 'T') : '',
      accountType: '',
      receiptDisp:
        o.receiptDisp ??
        (approved ? (french ? '000 Approuvée 00 Merci' : '000 Approved 00 Thank You') : 'Transaction Not Completed 05'),
      cashbackAmount: '',
      timeStamp: `${now.getFullYear()}${pad(now.getMonth() + 1, 2)}${pad(now.getDate(), 2)}-${pad(now.getHours(), 2)}${pad(now.getMinutes(), 2)}${pad(now.getSeconds(), 2)}00`,
      surchargeAmount: '',
      langCode: o.langCode ?? 'E',
      trxDate: approved ? `${pad(now.getMonth() + 1, 2)}${pad(now.getDate(), 2)}${now.getFullYear()}` : '',
      trxTime: approved ? `${pad(now.getHours(), 2)}${pad(now.getMinutes(), 2)}${pad(now.getSeconds(), 2)}` : '',
      cvmResults: approved ? (o.cvmResults ?? '1F0302') : '',
      trxCode: '00',
    };
    return JSON.stringify(base);
  }

  function setStatus(order: Order, status: number): void {
    if (FINAL(order.status) || order.status === status) return;
    order.status = status;
    order.updateDate = Date.now();
    if (status === 2 || status === 3) {
      order.paySuccTime = Date.now();
      order.refundable = order.amount;
      chargeCount += 1;
      if (order.channelId === 'CC_PAX') order.extra = cardExtra(order, true);
      else order.channelOrderNo = `${order.channelId.slice(0, 2).toLowerCase()}${Date.now()}${pad(serial, 6)}`;
    } else if (FINAL(status) && order.channelId === 'CC_PAX') {
      order.extra = cardExtra(order, false);
    }
    if (FINAL(status)) order.awaitingTerminal = false;
    changed();
  }
  const paid = (order: Order): void => setStatus(order, order.opts.paidStatus ?? 2);

  function payOrderView(order: Order): Record<string, unknown> {
    return {
      userName: String(order.request.jobNo ?? ''),
      storeId: 'sim001',
      payOrderId: order.payOrderId,
      mchId,
      mchOrderNo: order.mchOrderNo,
      transId: '',
      originalOrderId: '',
      channelId: order.channelId,
      currency: order.currency,
      amount: order.amount,
      tip: order.tip,
      rate: 0,
      payType: 'pay',
      refundable: order.refundable,
      clientIp: String(order.request.clientIp ?? ''),
      deviceId: String(order.request.device ?? ''),
      deviceType: '',
      notifyUrl: String(order.request.notifyUrl ?? ''),
      subject: String(order.request.subject ?? ''),
      body: String(order.request.body ?? ''),
      param1: '',
      param2: '',
      extra: order.extra,
      channelOrderNo: order.channelOrderNo,
      status: order.status,
      remarks: '',
      rateValue: 0,
      trxAmount: 0,
      costAmount: 0,
      currencyAmount: 0,
      paySuccTime: order.paySuccTime,
      createDate: order.createDate,
      updateDate: order.updateDate,
    };
  }

  const createReply = (order: Order): Reply => ({
    obj: {
      resCode: 'SUCCESS',
      retCode: 'SUCCESS',
      retParams: '',
      payOrderId: order.payOrderId,
      mchOrderNo: order.mchOrderNo,
      retDetail: '',
      payOrder: payOrderView(order),
    },
  });

  /** Answers a held card create_order, if its client is still waiting. */
  function answerHeld(order: Order, fault?: IotpayReplyFault): void {
    const res = order.held;
    order.held = null;
    if (res) send(res, { ...createReply(order), fault });
  }

  function nextBehaviour(channelId: string): { behaviour: IotpayBehaviour; opts: IotpayBehaviourOptions } {
    const queued = queue.shift();
    if (queued) return queued;
    const fallback =
      options.interactive && channelId === 'CC_PAX' ? 'interactive' : (options.defaultBehaviour ?? 'approve');
    return {
      behaviour: fallback === 'interactive' && channelId !== 'CC_PAX' ? 'approve' : fallback,
      opts: options.defaultOptions ?? {},
    };
  }

  function createOrder(params: Record<string, unknown>, res: ServerResponse): Reply | null {
    const mchOrderNo = String(params.mchOrderNo ?? '');
    const channelId = String(params.channelId ?? '');
    createCalls.set(mchOrderNo, (createCalls.get(mchOrderNo) ?? 0) + 1);
    const micropay = ['WX_MICROPAY', 'ALIPAY_MICROPAY', 'UPI_MICROPAY'].includes(channelId);
    const required = ['mchOrderNo', 'channelId', 'currency', 'amount', 'clientIp', 'notifyUrl', 'subject', 'body'];
    if (channelId === 'CC_PAX') required.push('extra', 'jobNo');
    if (micropay) required.push('codeType', 'identityCode', 'jobNo');
    const missing = required.find((f) => params[f] === undefined || params[f] === '');
    if (missing) return protocolFail('0014', `parameter error: ${missing} is required`);
    if (channelId !== 'CC_PAX' && !micropay)
      return protocolFail('0014', `parameter error: channelId ${channelId} not supported here`);
    if (!/^[1-9]\d*$/.test(String(params.amount)))
      return protocolFail('0014', 'parameter error: amount must be a positive integer in cents');
    if (micropay && params.codeType !== 'barcode')
      return protocolFail('0014', 'parameter error: codeType must be barcode');

    const existing = orders.get(mchOrderNo);
    if (existing) {
      return FINAL(existing.status) && existing.status <= 3
        ? businessFail('0113', 'order already paid')
        : businessFail('0014', 'duplicate mchOrderNo');
    }
    const { behaviour, opts } = nextBehaviour(channelId);
    serial += 1;
    const prefix =
      channelId === 'CC_PAX'
        ? 'CP'
        : channelId === 'WX_MICROPAY'
          ? 'WM'
          : channelId === 'ALIPAY_MICROPAY'
            ? 'AM'
            : 'UM';
    const order: Order = {
      payOrderId: `${prefix}${Date.now()}${pad(serial, 6)}`,
      mchOrderNo,
      channelId,
      currency: String(params.currency),
      amount: Number(params.amount),
      tip: /^\d+$/.test(String(params.tip ?? '')) ? Number(params.tip) : 0,
      // Keep the request without the customer's code: the simulator is a POS component too.
      request: { ...params, identityCode: undefined },
      status: 0,
      extra: channelId === 'CC_PAX' ? '' : '{}',
      channelOrderNo: '',
      paySuccTime: '',
      createDate: Date.now(),
      updateDate: Date.now(),
      refundable: 0,
      queries: 0,
      behaviour,
      opts,
      held: null,
      awaitingTerminal: false,
      walkedAway: behaviour === 'walk-away',
    };
    orders.set(mchOrderNo, order);
    byPayOrderId.set(order.payOrderId, order);
    changed();

    const charge = opts.charge !== false;
    const fault = (['bad-signature', 'server-error', 'malformed-json', 'drop-connection'] as const).find(
      (f) => f === behaviour,
    );
    if (behaviour === 'already-paid') {
      // The earlier create that charged it (another till's sale under the same key, when
      // `paidAmount` says it was for another amount).
      if (opts.paidAmount !== undefined) order.amount = opts.paidAmount;
      paid(order);
      return businessFail('0113', 'order already paid');
    }
    if (fault && !charge) {
      orders.delete(mchOrderNo); // failed before the gateway recorded anything
      byPayOrderId.delete(order.payOrderId);
      return { obj: {}, fault };
    }
    const hold = (): null => {
      order.held = res;
      res.on('close', () => {
        if (order.held === res) order.held = null;
      });
      return null;
    };
    // Held create_order: the timeout behaviours, and a card terminal that never finishes.
    // A wallet create_order answers at once whatever happens next (seed3).
    const cardHolds = channelId === 'CC_PAX' && (behaviour === 'stuck-pending' || behaviour === 'walk-away');
    if (behaviour === 'timeout-then-success' || cardHolds) {
      setStatus(order, 1);
      if (behaviour === 'timeout-then-success' && opts.lateMs !== undefined) later(opts.lateMs, () => paid(order));
      if (behaviour === 'walk-away')
        later(opts.expireMs ?? options.walkAwayExpireMs ?? 90_000, () => setStatus(order, 4));
      return hold();
    }
    if (channelId === 'CC_PAX') {
      setStatus(order, 1);
      if (behaviour === 'interactive') {
        order.awaitingTerminal = true;
        changed();
        return hold();
      }
      const finalStatus = behaviour === 'decline' ? 9 : behaviour === 'system-cancel' ? 4 : null;
      hold();
      later(opts.cardMs ?? (behaviour === 'slow-card' ? 1_500 : 0), () => {
        if (finalStatus === null) paid(order);
        else setStatus(order, finalStatus);
        answerHeld(order, fault);
      });
      return null;
    }
    // Wallet: final at create when walletSteps is 0, otherwise over queries.
    if ((opts.walletSteps ?? 2) === 0) advanceWallet(order);
    return { ...createReply(order), fault };
  }

  /** Wallet progression per query: 1 while the customer confirms, then the behaviour's end. */
  function advanceWallet(order: Order): void {
    if (order.channelId === 'CC_PAX' || FINAL(order.status)) return;
    const b = order.behaviour;
    if (b === 'stuck-pending' || b === 'walk-away') {
      if (order.queries > 0) setStatus(order, 1);
      return;
    }
    if (b === 'timeout-then-success') return;
    if (order.queries < (order.opts.walletSteps ?? 2)) {
      setStatus(order, 1);
      return;
    }
    if (b === 'decline') setStatus(order, 9);
    else if (b === 'system-cancel') setStatus(order, 4);
    else paid(order);
  }

  function queryOrder(params: Record<string, unknown>): Reply {
    const order = params.mchOrderNo
      ? orders.get(String(params.mchOrderNo))
      : byPayOrderId.get(String(params.payOrderId ?? ''));
    const fault = queryFault && queryFault.remaining > 0 ? queryFault.fault : undefined;
    if (queryFault) queryFault.remaining -= 1;
    if (!order) return { ...businessFail('0112', 'merchant order id not exist'), fault };
    order.queries += 1;
    changed();
    if (order.behaviour === 'timeout-then-success' && order.queries >= (order.opts.paidAtQuery ?? 2)) paid(order);
    if (order.walkedAway && order.opts.expireAtQuery !== undefined && order.queries >= order.opts.expireAtQuery)
      setStatus(order, 4);
    advanceWallet(order);
    const view = payOrderView(order);
    const obj: Record<string, unknown> = {
      retCode: 'SUCCESS',
      resCode: 'SUCCESS',
      errCode: '',
      errCodeDes: '',
      mchId,
      payOrderId: order.payOrderId,
      mchOrderNo: order.mchOrderNo,
      channelId: order.channelId,
      currency: order.currency,
      amount: order.amount,
      clientIp: view.clientIp,
      device: view.deviceId,
      notifyUrl: view.notifyUrl,
      subject: view.subject,
      body: view.body,
      param1: '',
      param2: '',
      extra: order.extra,
      paySuccTime: order.paySuccTime,
      channelOrderNo: order.channelOrderNo,
      status: order.status,
      refundable: order.refundable,
      tip: order.tip,
    };
    if (order.opts.queryWithoutAmount) {
      delete obj.amount;
      delete obj.tip;
      delete obj.currency;
    }
    return { obj, fault };
  }

  function refundOrder(params: Record<string, unknown>): Reply {
    const mchRefundNo = String(params.mchRefundNo ?? '');
    refundCallCounts.set(mchRefundNo, (refundCallCounts.get(mchRefundNo) ?? 0) + 1);
    const missing = ['mchRefundNo', 'refundAmount', 'clientIp', 'loginName', 'payOrderId'].find(
      (f) => params[f] === undefined || params[f] === '',
    );
    if (missing) return protocolFail('0014', `parameter error: ${missing} is required`);
    const amount = String(params.refundAmount);
    if (!/^[1-9]\d*$/.test(amount))
      return protocolFail('0014', 'parameter error: refundAmount must be a positive integer in cents');
    const fault = refundFault;
    refundFault = null;
    const previous = refundsByNo.get(mchRefundNo);
    if (previous) {
      // Same mchRefundNo again: the original result, never a second refund (§6).
      if (previous.payOrderId !== params.payOrderId || previous.amount !== Number(amount))
        return businessFail('0014', 'mchRefundNo already used for another refund');
      return { obj: previous.reply, fault: fault?.fault };
    }
    if (fault && !fault.charge) return { obj: {}, fault: fault.fault };
    const order = byPayOrderId.get(String(params.payOrderId));
    let reply: Record<string, unknown>;
    if (!order) reply = businessFail('0112', 'pay order not exist').obj;
    else if (order.channelId === 'CC_PAX')
      reply = businessFail('0014', 'refund is for WeChat/Alipay/UnionPay only').obj;
    else if (order.status !== 2 && order.status !== 3) reply = businessFail('0014', 'order is not paid').obj;
    // No documented code for this (§1.3 Gap): a WeChat-style errCode plus a plain description.
    else if (Number(amount) > order.refundable)
      reply = businessFail('REFUND_AMOUNT_EXCEED', 'refund amount exceeds refundable amount').obj;
    else {
      order.refundable -= Number(amount);
      refundCount += 1;
      serial += 1;
      reply = {
        retCode: 'SUCCESS',
        resCode: 'SUCCESS',
        retMsg: '',
        refundOrderId: `R${order.payOrderId.slice(2)}${pad(serial, 3)}`,
        mchRefundNo,
        payOrderId: order.payOrderId,
        refundAmount: Number(amount),
        refundable: order.refundable,
        status: 2,
      };
      changed();
    }
    refundsByNo.set(mchRefundNo, { payOrderId: String(params.payOrderId), amount: Number(amount), reply });
    return { obj: reply, fault: fault?.fault };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 65_536) throw new Error('body too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const endpoint = /^\/v1\/(create_order|query_order|refund_order)$/.exec(path)?.[1];
    if (!endpoint) {
      if (options.webPageForOtherPaths)
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><html><body><h1>IOTPay</h1></body></html>');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== 'POST') {
      send(res, protocolFail('0011', 'POST required'));
      return;
    }
    const text = await readBody(req);
    if (text.trim() === '') {
      send(res, protocolFail('0012', 'request body is empty'));
      return;
    }
    // v1 wants form-urlencoded `params=<JSON>` (§1.2); raw JSON (the v3 framing) is refused.
    const wrapped = new URLSearchParams(text).get('params');
    let params: unknown;
    try {
      params = wrapped === null ? undefined : JSON.parse(wrapped);
    } catch {
      params = undefined;
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      send(res, protocolFail('0014', 'parameter error: params=<JSON> is required'));
      return;
    }
    const fields = params as Record<string, unknown>;
    if (String(fields.mchId ?? '') !== mchId) {
      send(res, protocolFail('0015', 'unknown merchant'));
      return;
    }
    if (typeof fields.sign !== 'string' || fields.sign !== iotpaySign(fields, key)) {
      send(res, protocolFail('0013', 'signature fail'));
      return;
    }
    const reply =
      endpoint === 'create_order'
        ? createOrder(fields, res)
        : endpoint === 'query_order'
          ? queryOrder(fields)
          : refundOrder(fields);
    if (reply) send(res, reply);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('simulator error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    mchId,
    get key() {
      return key;
    },
    setBehaviour(behaviour, opts = {}) {
      queue.push({ behaviour, opts });
    },
    clearBehaviours() {
      queue.length = 0;
    },
    setQueryFault(fault, count = 1) {
      queryFault = { fault, remaining: count };
    },
    setRefundFault(fault, opts = {}) {
      refundFault = { fault, charge: opts.charge !== false };
    },
    charges: () => chargeCount,
    createOrderCalls: (mchOrderNo) => createCalls.get(mchOrderNo) ?? 0,
    queryCalls: (mchOrderNo) => orders.get(mchOrderNo)?.queries ?? 0,
    refunds: () => refundCount,
    refundCalls: (mchRefundNo) => refundCallCounts.get(mchRefundNo) ?? 0,
    order(mchOrderNo) {
      const o = orders.get(mchOrderNo);
      return o
        ? {
            payOrderId: o.payOrderId,
            mchOrderNo: o.mchOrderNo,
            channelId: o.channelId,
            amount: o.amount,
            tip: o.tip,
            currency: o.currency,
            status: o.status,
            refundable: o.refundable,
            queries: o.queries,
            awaitingTerminal: o.awaitingTerminal,
          }
        : null;
    },
    pendingCardSales() {
      return [...orders.values()]
        .filter((o) => o.awaitingTerminal)
        .map((o) => ({ mchOrderNo: o.mchOrderNo, amount: o.amount, currency: o.currency }));
    },
    act(mchOrderNo, action) {
      const order = orders.get(mchOrderNo);
      if (!order || !order.awaitingTerminal) return false;
      order.awaitingTerminal = false;
      if (action === 'tap-approve') {
        paid(order);
        answerHeld(order);
      } else if (action === 'decline') {
        setStatus(order, 9);
        answerHeld(order);
      } else {
        // The customer left: the terminal keeps the order "paying", then expires it; the
        // POS's create_order gets no reply and times out (§6).
        order.walkedAway = true;
        changed();
        later(order.opts.expireMs ?? options.walkAwayExpireMs ?? 90_000, () => setStatus(order, 4));
      }
      return true;
    },
    payNow(mchOrderNo) {
      const order = orders.get(mchOrderNo);
      if (!order || FINAL(order.status)) return false;
      order.awaitingTerminal = false;
      paid(order);
      answerHeld(order);
      return true;
    },
    setMerchantKey(next) {
      key = next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const order of orders.values()) {
        order.held?.destroy();
        order.held = null;
      }
      listeners.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
