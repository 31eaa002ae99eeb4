/**
 * Which caller a terminal frame reaches (DESIGN §6 rule 7, issue 10 item 4): only by that
 * caller's own keys — the `merchant_order_no` it waits on, or, when the frame names no
 * order, a `request_id` this link sent for it. There is no "the only one waiting" fallback:
 * the vendor SDK sends `request_id:"111111"` for everything (PAYMENTS.md §2.4 Routing), and
 * a stranger's answer (another till on a shared lane, a confused terminal) taken for ours
 * would pay or decline the wrong sale. A payment frame with neither key is reported.
 */
import { CODEPAY_TOPICS, isFinalStatus, type CodepayMessage, type CodepayRequest } from './codepay-envelope';

/** A caller waiting for replies on one topic about one order (or request). */
export interface Waiter {
  topic: string;
  merchantOrderNo: string | undefined;
  requestId: string | undefined;
  deliver: (message: CodepayMessage) => void;
}

/** Remember this many request ids we sent (and the order each was about). */
const SENT_REQUESTS_LIMIT = 2_000;

/** Topics whose frames answer for a payment: a stranger's one is reported, not just logged. */
const PAYMENT_TOPICS: ReadonlySet<string> = new Set([
  CODEPAY_TOPICS.order,
  CODEPAY_TOPICS.query,
  CODEPAY_TOPICS.close,
  CODEPAY_TOPICS.tipAdjustment,
  CODEPAY_TOPICS.batchClose,
]);

/** Every request a link sent: request_id → the merchant_order_no it was about ('' for none). */
export class SentRequests {
  private readonly sent = new Map<string, string>();

  remember(request: CodepayRequest): void {
    const about = request.biz_data.merchant_order_no;
    this.sent.set(request.request_id, typeof about === 'string' ? about : '');
    if (this.sent.size > SENT_REQUESTS_LIMIT) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  has(requestId: string | undefined): boolean {
    return requestId !== undefined && this.sent.has(requestId);
  }

  /** The order a request of ours was about; undefined when we never sent that id. */
  orderOf(requestId: string | undefined): string | undefined {
    return requestId === undefined ? undefined : this.sent.get(requestId);
  }

  /** True when some request of ours was about this order. */
  mentions(merchantOrderNo: string): boolean {
    for (const about of this.sent.values()) if (about === merchantOrderNo) return true;
    return false;
  }
}

/** The callers a frame reaches by their own keys only: the order number, else a request id we sent. */
export function routeFrame(message: CodepayMessage, waiters: Iterable<Waiter>, sent: SentRequests): Waiter[] {
  const sameTopic = [...waiters].filter((w) => w.topic === message.topic);
  const merchantOrderNo = message.biz_data?.merchant_order_no;
  // A frame naming an order reaches only whoever waits on that order, whatever its request id.
  if (merchantOrderNo !== undefined) return sameTopic.filter((w) => w.merchantOrderNo === merchantOrderNo);
  if (!sent.has(message.request_id)) return [];
  return sameTopic.filter((w) => w.requestId === message.request_id);
}

/**
 * Why a frame nobody waits for is a stranger's answer, or null when it is ours (late) or
 * not about a payment. A final order result that names an order is left to the engine,
 * which knows every order number it ever sent, also from before a restart.
 */
export function foreignReason(message: CodepayMessage, sent: SentRequests): string | null {
  if (!PAYMENT_TOPICS.has(message.topic)) return null;
  const merchantOrderNo = message.biz_data?.merchant_order_no;
  const requestId = message.request_id;
  const sentFor = sent.orderOf(requestId);
  if (sentFor !== undefined) {
    if (merchantOrderNo === undefined || sentFor === '' || sentFor === merchantOrderNo) return null;
    return `it names order ${merchantOrderNo} but answers our request ${requestId} about order ${sentFor}`;
  }
  if (merchantOrderNo === undefined)
    return `no merchant_order_no and a request_id we never sent (${requestId ?? 'none'})`;
  if (message.topic === CODEPAY_TOPICS.order && isFinalStatus(message.biz_data?.trans_status)) return null;
  if (sent.mentions(merchantOrderNo)) return null;
  return `order ${merchantOrderNo} is not one this till asked about, and request_id ${requestId ?? 'none'} is not ours`;
}
