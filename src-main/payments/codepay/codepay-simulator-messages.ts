/**
 * The simulated CodePay terminal's ECR Hub message handlers (PAYMENTS.md §2, §6): a new order
 * with the terminal's refusal rules (app_id, request_id with confirm_on_terminal, unique
 * merchant_order_no, one order in flight, voids before batch close, refunds within the original,
 * manager authorisation), then query, close, batch close, tip adjustment, unpair and heartbeat.
 * The order book (`codepay-simulator-orders.ts`) ends the orders; the entry routes parsed frames here.
 */
import type { WebSocket } from 'ws';
import { parseDecimalString, toDecimalString } from '../../../src-shared/money';
import { CODEPAY_TOPICS, TRANS_STATUS, TRANS_TYPE, type CodepayMessage } from './codepay-envelope';
import {
  SALE_TYPES,
  WAITING,
  type CodepayOrderBook,
  type CodepaySimContext,
  type SimOrder,
} from './codepay-simulator-orders';

/** The handler of every well-formed frame a POS sends, over the shared context and order book. */
export function createCodepayMessageHandlers(context: CodepaySimContext, book: CodepayOrderBook) {
  const { options, currency, codes, orders, queue, counts } = context;
  const { bizOf, frame, send, finish, play } = book;
  let transCounter = 0;

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
    if (context.busy !== null) return reject(socket, request, codes.busy, 'Terminal busy with another transaction');
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
    context.busy = mon;
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

  return { handleMessage };
}
