/**
 * The simulated IOTPay gateway's HTTP routes (PAYMENTS.md §1.2, §6): the v1 framing it checks
 * like the real gateway (POST, `params=<JSON>`, merchant, MD5 signature), its signed replies and
 * the faults that break them, and the three endpoints — create_order (card sales held on the
 * virtual PAX terminal, wallet codes, the scripted behaviours), query_order and refund_order
 * (refundable tracking, one refund per mchRefundNo). The order book
 * (`iotpay-simulator-orders.ts`) moves the orders; the entry serves `handle`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { iotpaySign } from './iotpay-sign';
import {
  FINAL,
  pad,
  type IotpayBehaviour,
  type IotpayBehaviourOptions,
  type IotpayOrderBook,
  type IotpayReplyFault,
  type IotpaySimContext,
  type Order,
} from './iotpay-simulator-orders';

type Reply = { obj: Record<string, unknown>; fault?: IotpayReplyFault; httpStatus?: number };

/** The gateway's request handler and the reply to a held card sale, over the shared context and order book. */
export function createIotpayRoutes(context: IotpaySimContext, book: IotpayOrderBook) {
  const { options, mchId, orders, byPayOrderId, refundsByNo, createCalls, refundCallCounts, queue } = context;
  const { changed, later, setStatus, paid, payOrderView, advanceWallet } = book;

  function signed(obj: Record<string, unknown>, corrupt = false): Record<string, unknown> {
    const sign = iotpaySign(obj, context.key);
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
    context.serial += 1;
    const prefix =
      channelId === 'CC_PAX'
        ? 'CP'
        : channelId === 'WX_MICROPAY'
          ? 'WM'
          : channelId === 'ALIPAY_MICROPAY'
            ? 'AM'
            : 'UM';
    const order: Order = {
      payOrderId: `${prefix}${Date.now()}${pad(context.serial, 6)}`,
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

  function queryOrder(params: Record<string, unknown>): Reply {
    const order = params.mchOrderNo
      ? orders.get(String(params.mchOrderNo))
      : byPayOrderId.get(String(params.payOrderId ?? ''));
    const fault = context.queryFault && context.queryFault.remaining > 0 ? context.queryFault.fault : undefined;
    if (context.queryFault) context.queryFault.remaining -= 1;
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
    const fault = context.refundFault;
    context.refundFault = null;
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
      context.refundCount += 1;
      context.serial += 1;
      reply = {
        retCode: 'SUCCESS',
        resCode: 'SUCCESS',
        retMsg: '',
        refundOrderId: `R${order.payOrderId.slice(2)}${pad(context.serial, 3)}`,
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
    if (typeof fields.sign !== 'string' || fields.sign !== iotpaySign(fields, context.key)) {
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

  return { handle, answerHeld };
}
