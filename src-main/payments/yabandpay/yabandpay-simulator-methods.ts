/**
 * The simulated YabandPay gateway's methods and its HTTP framing (PAYMENTS.md §3, §6): the
 * envelope it checks like the real gateway (fields, HMAC, method, required data), one short
 * handler per v3 method — POS, QueryOrder, POSCancel, POSReversal, CancelPayment, CreateRefund,
 * QueryRefundOrder, Capture — with the reversal / refund / capture rules, the signed reply, and
 * the faults injected into the next replies. The order book (`yabandpay-simulator-orders.ts`)
 * keeps the orders; the entry serves `respond`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { cancelPaymentDeadline, sameGatewayDay } from './yabandpay-clock';
import { yabandpaySignData } from './yabandpay-sign';
import {
  DAY,
  OPEN,
  Refusal,
  SIM,
  YABANDPAY_SIM_QUOTED_PAN,
  minor,
  type YabandpayOrderBook,
  type YabandpaySimContext,
  type YabandpaySimFault,
  type YabandpaySimOrder,
  type YabandpaySimRefund,
} from './yabandpay-simulator-orders';

const REQUIRED: Record<string, string[]> = {
  'v3.POS': [
    'pay_method',
    'sub_pay_method',
    'operation',
    'tid',
    'order_id',
    'amount',
    'currency',
    'description',
    'notify_url',
    'request_id',
  ],
  'v3.QueryOrder': ['trade_id'],
  'v3.POSCancel': ['tid', 'trade_id', 'request_id'],
  'v3.POSReversal': ['tid', 'trade_id', 'request_id'],
  'v3.CancelPayment': ['trade_id'],
  'v3.CreateRefund': ['trade_id', 'refund_amount', 'refund_currency', 'refund_description'],
  'v3.QueryRefundOrder': ['refund_id'],
  'v3.Capture': ['trade_id', 'amount', 'currency', 'description', 'notify_url', 'request_id'],
};

type Reply = { status: boolean; code: string; data: Record<string, unknown> | []; message: string; sign?: string };

/** The gateway's request handler, over the shared context and order book. */
export function createYabandpayMethods(context: YabandpaySimContext, book: YabandpayOrderBook) {
  const { options, now, stepMs, queued, faults, orders, refunds, requestIds, posCalls, listeners, stats } = context;
  const {
    later,
    setState,
    runScript,
    find,
    claimRequestId,
    needTerminal,
    liveRefunds,
    total,
    orderInfo,
    posReply,
    refundInfo,
  } = book;

  const handlers: Record<string, (d: Record<string, string>) => Record<string, unknown>> = {
    'v3.POS'(d) {
      posCalls.set(d.order_id, [...(posCalls.get(d.order_id) ?? []), d.request_id]);
      if (d.pay_method !== 'offline' || d.sub_pay_method !== 'point_of_sales')
        throw new Refusal('-4011', 'Not support the payment method');
      if (!/^\d{1,19}$/.test(d.order_id)) throw new Refusal('-3001', 'Invalid field: order_id');
      if (!/^[A-Za-z0-9]{24,}$/.test(d.request_id)) throw new Refusal('-3001', 'Invalid field: request_id');
      if (d.operation !== '1' && d.operation !== '2') throw new Refusal('-3001', 'Invalid field: operation');
      if (d.currency !== 'EUR' && d.currency !== 'CHF') throw new Refusal('-3001', 'Invalid field: currency');
      const amount = minor(d.amount, d.currency, 'amount');
      const tip = d.tip_amount ? minor(d.tip_amount, d.currency, 'tip_amount') : 0;
      if (amount < 10 || tip < 0 || tip > amount) throw new Refusal('-3001', 'Invalid field: amount');
      // Duplicates first: a resent request must never reach the terminal again.
      const original = orders.get(requestIds.get(d.request_id) ?? '');
      if (context.replayPos && original) return posReply(original);
      claimRequestId(d.request_id, null);
      if ([...orders.values()].some((o) => o.orderId === d.order_id)) throw new Refusal('-3002', 'duplicate order_id');
      try {
        needTerminal();
      } catch (refusal) {
        requestIds.delete(d.request_id);
        throw refusal;
      }
      const order: YabandpaySimOrder = {
        tradeId: randomUUID(),
        orderId: d.order_id,
        requestId: d.request_id,
        operation: d.operation,
        amount: amount - tip,
        tip,
        currency: d.currency,
        description: d.description,
        state: '03',
        createdAt: now(),
        paidAt: null,
        captured: null,
        outcome: queued.shift() ?? context.defaultOutcome,
      };
      orders.set(order.tradeId, order);
      requestIds.set(d.request_id, order.tradeId);
      if (order.outcome === 'interactive') order.state = '02';
      for (const listener of listeners) listener({ ...order });
      runScript(order);
      return posReply(order);
    },
    'v3.QueryOrder': (d) => ({ transaction_info: orderInfo(find(d.trade_id)) }),
    'v3.POSCancel'(d) {
      claimRequestId(d.request_id, null);
      needTerminal();
      const order = find(d.trade_id);
      if (!OPEN.has(order.state)) throw new Refusal(SIM.notAllowed, 'Only an unpaid order can be cancelled');
      setState(order, '08');
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.POSReversal'(d) {
      claimRequestId(d.request_id, null);
      needTerminal();
      const order = find(d.trade_id);
      if (order.state !== '00' || order.paidAt === null)
        throw new Refusal(SIM.notAllowed, 'Only a successful sale can be reversed');
      if (!sameGatewayDay(order.paidAt, now()))
        throw new Refusal(SIM.notAllowed, 'A reversal is only possible on the day of the sale');
      if (liveRefunds(order.tradeId).length > 0)
        throw new Refusal(SIM.notAllowed, 'Only the full amount can be reversed');
      setState(order, '08');
      stats.reversals += 1;
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.CancelPayment'(d) {
      const order = find(d.trade_id);
      if (!OPEN.has(order.state) && order.state !== '00' && order.state !== '01')
        throw new Refusal(SIM.notAllowed, 'This order cannot be cancelled');
      if (liveRefunds(order.tradeId).length > 0)
        throw new Refusal(SIM.notAllowed, 'An order with a refund cannot be cancelled');
      if (now() > cancelPaymentDeadline(order.paidAt ?? order.createdAt))
        throw new Refusal(SIM.notAllowed, 'Cancel is only possible until 00:30 CET the next day');
      const wasCharged = order.state === '00';
      setState(order, '08');
      if (wasCharged) stats.reversals += 1;
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.CreateRefund'(d) {
      const order = find(d.trade_id);
      const amount = minor(d.refund_amount, order.currency, 'refund_amount');
      const mRefundId = d.m_refund_id || null;
      const earlier = mRefundId ? [...refunds.values()].find((r) => r.mRefundId === mRefundId) : undefined;
      if (earlier) {
        if (earlier.tradeId !== order.tradeId || earlier.amount !== amount)
          throw new Refusal(SIM.notAllowed, 'm_refund_id already used for another refund');
        return refundInfo(earlier); // SIM: the same refund again, never a second one
      }
      if (order.state !== '00') throw new Refusal(SIM.notAllowed, 'Only a paid order can be refunded');
      if (d.refund_currency !== order.currency)
        throw new Refusal(SIM.notAllowed, 'refund_currency must be the currency of the order');
      if (now() - (order.paidAt ?? order.createdAt) > 365 * DAY)
        throw new Refusal(SIM.notAllowed, 'Orders older than one year cannot be refunded');
      const live = liveRefunds(order.tradeId);
      if (live.length >= 29) throw new Refusal(SIM.notAllowed, 'Fewer than 30 refunds are allowed per order');
      const refunded = live.reduce((sum, r) => sum + r.amount, 0);
      if (amount <= 0 || refunded + amount > (order.captured ?? total(order)))
        throw new Refusal(SIM.notAllowed, 'The refund amount exceeds what is left of the order');
      const refund: YabandpaySimRefund = {
        refundId: randomUUID(),
        mRefundId,
        tradeId: order.tradeId,
        amount,
        currency: order.currency,
        state: '22',
        createdAt: now(),
      };
      if (context.refundOutcome === 'awaiting-approval') refund.state = '20';
      if (context.refundOutcome === 'balance-pending') refund.state = '21';
      refunds.set(refund.refundId, refund);
      const final = { refunded: '23', failed: '24', error: '25' }[
        context.refundOutcome as 'refunded' | 'failed' | 'error'
      ];
      if (final) {
        later(stepMs, () => {
          refund.state = final;
          if (final === '23') {
            stats.refunds += 1;
            stats.refundedMinor += refund.amount;
          }
        });
      }
      return refundInfo(refund);
    },
    'v3.QueryRefundOrder'(d) {
      const refund = refunds.get(d.refund_id);
      if (!refund) throw new Refusal(SIM.notFound, 'Refund not found');
      return refundInfo(refund);
    },
    'v3.Capture'(d) {
      claimRequestId(d.request_id, null);
      const order = find(d.trade_id);
      if (order.operation !== '2' || order.state !== '01' || order.captured !== null)
        throw new Refusal(SIM.notAllowed, 'Only an open authorisation can be captured, once');
      if (now() - (order.paidAt ?? order.createdAt) > 30 * DAY)
        throw new Refusal(SIM.notAllowed, 'Capture is only possible within 30 days');
      if (d.currency !== order.currency)
        throw new Refusal(SIM.notAllowed, 'currency must be the currency of the authorisation');
      const amount = minor(d.amount, order.currency, 'amount');
      if (amount <= 0 || amount > total(order))
        throw new Refusal(SIM.notAllowed, 'The capture exceeds the authorisation');
      order.captured = amount;
      setState(order, '00');
      stats.charges += 1;
      stats.captures += 1;
      return { trade_id: order.tradeId, amount: d.amount, currency: d.currency, state: 'paid' };
    },
  };

  function signed(reply: Reply): Reply {
    if (Array.isArray(reply.data)) return reply; // SIM: an error without data is not signed
    const sign = yabandpaySignData(reply.data, options.secretKey, context.nestedSigning);
    return { ...reply, sign: context.corrupt ? sign.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sign };
  }

  function handle(body: unknown): { method: string; reply: Reply } {
    const fail = (code: string, message: string, data?: Record<string, unknown>) =>
      signed({ status: false, code, data: data ?? [], message });
    if (typeof body !== 'object' || body === null)
      return { method: '', reply: fail('-3001', 'Required field is missing') };
    const { user, sign, method, time, data } = body as Record<string, unknown>;
    if (
      typeof user !== 'string' ||
      !user ||
      typeof sign !== 'string' ||
      typeof method !== 'string' ||
      (typeof time !== 'number' && typeof time !== 'string') ||
      typeof data !== 'object' ||
      data === null ||
      Array.isArray(data)
    ) {
      return { method: String(method ?? ''), reply: fail('-3001', 'Required field is missing') };
    }
    const fields = { ...(data as Record<string, unknown>), user, method, time: String(time) };
    if (yabandpaySignData(fields, options.secretKey) !== sign)
      return { method, reply: fail('-403', 'The signature Error') };
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    const handler = handlers[method];
    if (!handler) return { method, reply: fail('-4011', 'Not support the payment method') };
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(data))
      if (typeof value === 'string' || typeof value === 'number') strings[key] = String(value);
    const missing = REQUIRED[method].find((key) => !strings[key]);
    if (missing) return { method, reply: fail('-3001', `Required field is missing: ${missing}`) };
    if (takeFault(method, 'internal-error')) return { method, reply: fail('-1000', 'Internal error') };
    try {
      return { method, reply: signed({ status: true, code: '200', data: handler(strings), message: '' }) };
    } catch (error) {
      if (error instanceof Refusal) return { method, reply: fail(error.code, error.message, error.data) };
      return { method, reply: fail('-1000', 'Internal error') };
    }
  }

  /** The same reply, re-signed, about another order than the one it answers (fault `foreign-order`). */
  function foreignOrderReply(reply: Reply): Reply {
    if (Array.isArray(reply.data) || typeof reply.data.order_id !== 'string') return reply;
    const ours = reply.data.order_id;
    const other = [...orders.values()].reverse().find((o) => o.orderId !== ours);
    const data = other
      ? { ...reply.data, ...posReply(other) }
      : { ...reply.data, order_id: `${ours.slice(0, -1)}${(Number(ours.slice(-1)) + 1) % 10}`, trade_id: randomUUID() };
    return signed({ status: reply.status, code: reply.code, data, message: reply.message });
  }

  function takeFault(method: string, only?: YabandpaySimFault): YabandpaySimFault | null {
    const index = faults.findIndex(
      (f) => (f.method === method || f.method === '*') && (only ? f.fault === only : f.fault !== 'internal-error'),
    );
    if (index < 0) return null;
    const fault = faults[index];
    if (--fault.left <= 0) faults.splice(index, 1);
    return fault.fault;
  }

  function respond(req: IncomingMessage, res: ServerResponse, text: string): void {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* answered as a missing field below */
    }
    const handled = handle(body);
    const { method } = handled;
    let { reply } = handled;
    switch (takeFault(method)) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        return; // closed by close()
      case 'slow':
        later(stepMs * 20, () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)));
        return;
      case 'http500':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"gateway"}');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>Bad Gateway</html>');
        return;
      case 'bad-signature':
        reply.sign = '0'.repeat(64);
        break;
      case 'card-in-message':
        reply.message = `${reply.message || 'Declined'} (card ${YABANDPAY_SIM_QUOTED_PAN})`;
        break;
      case 'foreign-order':
        reply = foreignOrderReply(reply);
        break;
      default:
        break;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }

  return { respond };
}
