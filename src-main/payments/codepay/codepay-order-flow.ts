/**
 * The life of one CodePay transaction on a terminal link: send `ecrhub.pay.order` once,
 * wait for the pushed result, and when the answer is lost or untrustworthy find it with
 * `ecrhub.pay.query` — never by sending the order again (DESIGN §6 rule 2).
 *
 * Recovery order (PAYMENTS.md §2.5): after a socket drop the terminal re-delivers the
 * finished result once the POS reconnects; the flow also asks by query as soon as the link
 * is back (issue 10 item 5), and whichever answers first decides. If the link stays down
 * for `redeliveryWindowMs`, or no result comes in time, it queries by merchant_order_no
 * (0 ⇒ still paying, keep polling; 1/2/3 ⇒ final) for `recoveryMs`, then answers `unknown`.
 * Every deadline runs on the monotonic clock (DESIGN §6 rule 8).
 */
import { PosError } from '../../../src-shared/errors';
import {
  deadlineAfter,
  monotonicClock,
  pollUntilFinal,
  type Deadline,
  type MonotonicClock,
  type PollWait,
} from '../polling';
import type { ProviderOutcome } from '../provider';
import type { CodepayConnection, LinkState } from './codepay-connection';
import { CODEPAY_TOPICS, buildCodepayRequest, isSuccessCode, type CodepayMessage } from './codepay-envelope';
import type { CodepayOrder } from './codepay-order-request';
import { closedOutcome, interpretCodepayReply, type CodepayInterpretation } from './codepay-outcome';

export interface CodepayFlowTiming {
  /** Longest wait for the customer and card before querying (a card flow can take 1–2 min). */
  saleTimeoutMs: number;
  /** After a drop, how long to wait for the link (and the terminal's re-delivery) before querying. */
  redeliveryWindowMs: number;
  /** Query interval while the terminal says the order is still paying (0). */
  queryIntervalMs: number;
  /** How long to keep querying before answering `unknown` (the engine re-queries later). */
  recoveryMs: number;
  /** Reply timeout for query / close / batch close / tip adjustment. */
  requestTimeoutMs: number;
  /** How long a new order waits for the link to come up before it is refused unsent. */
  connectWaitMs: number;
}

export const DEFAULT_FLOW_TIMING: CodepayFlowTiming = {
  saleTimeoutMs: 180_000,
  redeliveryWindowMs: 10_000,
  queryIntervalMs: 2_000,
  recoveryMs: 60_000,
  requestTimeoutMs: 10_000,
  connectWaitMs: 5_000,
};

export interface CodepayFlowContext {
  link: CodepayConnection;
  appId: string;
  version: string;
  currency: string;
  timing: CodepayFlowTiming;
  /** Deadlines run on this clock; tests pass their own. */
  clock?: MonotonicClock;
}

type FlowEvent = { kind: 'reply'; message: CodepayMessage } | { kind: 'link'; state: LinkState };

/** Events for one run, consumed in order; waits end early on abort, but what already arrived is read first. */
class FlowInbox {
  private readonly events: FlowEvent[] = [];
  private wake: (() => void) | null = null;

  push(event: FlowEvent): void {
    this.events.push(event);
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  next(ms: number, signal: AbortSignal): Promise<FlowEvent | 'timeout' | 'abort'> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    if (signal.aborted) return Promise.resolve('abort');
    if (ms <= 0) return Promise.resolve('timeout');
    return new Promise((resolve) => {
      const done = (value: FlowEvent | 'timeout' | 'abort'): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wake = null;
        resolve(value);
      };
      const onAbort = (): void => done('abort');
      const timer = setTimeout(() => done('timeout'), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done(this.events.shift() ?? 'timeout');
    });
  }
}

function unknownOutcome(message: string, detail?: Record<string, unknown>): ProviderOutcome {
  return detail ? { state: 'unknown', message, detail } : { state: 'unknown', message };
}

let requestCounter = 0;
/**
 * The request id of a query, close or tip adjustment about an attempt: derived from the
 * engine's own `requestId` for it (issue 10 item 8), never from the wall clock, so routing
 * can tell our answers from a stranger's. `kind` is one letter (q query, c close, t tip).
 */
export function derivedRequestId(base: string, kind: string): string {
  requestCounter += 1;
  return `${base}${kind}${requestCounter.toString(36)}`;
}

/** Ask the terminal once about merchantOrderNo. Null when no reply came (or `signal` aborted the wait). */
async function queryOnce(
  ctx: CodepayFlowContext,
  merchantOrderNo: string,
  requestIdBase: string,
  signal?: AbortSignal,
): Promise<CodepayInterpretation | null> {
  if (ctx.link.state !== 'open') return null;
  const request = buildCodepayRequest({
    topic: CODEPAY_TOPICS.query,
    appId: ctx.appId,
    version: ctx.version,
    requestId: derivedRequestId(requestIdBase, 'q'),
    bizData: { merchant_order_no: merchantOrderNo },
  });
  const reply = await ctx.link.request(request, ctx.timing.requestTimeoutMs, signal);
  return reply ? interpretCodepayReply(reply, ctx.currency) : null;
}

/** The order an engine call is about: its merchant_order_no and the request id its own requests derive from. */
export interface CodepayOrderKeys {
  merchantOrderNo: string;
  requestIdBase: string;
}

/** `query()` for the engine: what the terminal says now. Never creates a charge. */
export async function queryCodepayOrder(ctx: CodepayFlowContext, keys: CodepayOrderKeys): Promise<ProviderOutcome> {
  if (!(await ctx.link.whenOpen(ctx.timing.connectWaitMs))) {
    return unknownOutcome(`CodePay terminal ${ctx.link.name} is not connected; will check again`);
  }
  const answer = await queryOnce(ctx, keys.merchantOrderNo, keys.requestIdBase);
  if (!answer) return unknownOutcome(`No answer from CodePay terminal ${ctx.link.name}; will check again`);
  if (answer.kind === 'final' || answer.kind === 'pending') return answer.outcome;
  // A refused query ("no such order" or anything else) proves nothing about the money.
  return unknownOutcome(answer.message, answer.detail);
}

/**
 * `cancel()`: `ecrhub.pay.close` turns a waiting order to 3 (cancelled). If the terminal
 * will not close it (already paid, authorising online, …) the order's real state is queried.
 */
export async function closeCodepayOrder(ctx: CodepayFlowContext, keys: CodepayOrderKeys): Promise<ProviderOutcome> {
  if (!(await ctx.link.whenOpen(ctx.timing.connectWaitMs))) {
    return unknownOutcome(`CodePay terminal ${ctx.link.name} is not connected; cancel on the terminal`);
  }
  const request = buildCodepayRequest({
    topic: CODEPAY_TOPICS.close,
    appId: ctx.appId,
    version: ctx.version,
    requestId: derivedRequestId(keys.requestIdBase, 'c'),
    bizData: { merchant_order_no: keys.merchantOrderNo },
  });
  const reply = await ctx.link.request(request, ctx.timing.requestTimeoutMs);
  if (reply && isSuccessCode(reply.response_code)) {
    const status = reply.biz_data?.trans_status;
    if (status === undefined || status === '3') {
      ctx.link.release(keys.merchantOrderNo);
      return closedOutcome(reply);
    }
  }
  return queryCodepayOrder(ctx, keys);
}

/**
 * `start()`: send the order once and follow it to an outcome. Throws PosError only when
 * nothing was sent (terminal offline or busy, bad attempt).
 */
export async function runCodepayOrder(
  ctx: CodepayFlowContext,
  order: CodepayOrder,
  signal: AbortSignal,
  progress: (message: string) => void,
): Promise<ProviderOutcome> {
  const { link } = ctx;
  const merchantOrderNo = String(order.bizData.merchant_order_no);
  if (!(await link.whenOpen(ctx.timing.connectWaitMs))) {
    throw new PosError('DEVICE_ERROR', `CodePay terminal ${link.name} is not connected`);
  }
  if (signal.aborted) return { state: 'cancelled', message: 'Stopped before anything was sent to the terminal' };
  if (!link.claim(merchantOrderNo)) {
    throw new PosError('PAYMENT_IN_PROGRESS', `Terminal ${link.name} is busy with another payment`);
  }
  const request = buildCodepayRequest({
    topic: CODEPAY_TOPICS.order,
    appId: ctx.appId,
    version: ctx.version,
    requestId: order.requestId,
    bizData: order.bizData,
  });
  const inbox = new FlowInbox();
  const unwatch = link.watch(CODEPAY_TOPICS.order, merchantOrderNo, request.request_id, (message) =>
    inbox.push({ kind: 'reply', message }),
  );
  const unState = link.onState((state) => inbox.push({ kind: 'link', state }));
  try {
    try {
      link.send(request);
    } catch (error) {
      link.release(merchantOrderNo);
      throw new PosError('DEVICE_ERROR', (error as Error).message);
    }
    progress(`Follow the instructions on terminal ${link.name}`);
    return await new OrderRun(
      ctx,
      inbox,
      { merchantOrderNo, requestIdBase: order.requestId },
      signal,
      progress,
    ).result();
  } finally {
    unwatch();
    unState();
  }
}

class OrderRun {
  private readonly clock: MonotonicClock;

  constructor(
    private readonly ctx: CodepayFlowContext,
    private readonly inbox: FlowInbox,
    private readonly keys: CodepayOrderKeys,
    private readonly signal: AbortSignal,
    private readonly progress: (message: string) => void,
  ) {
    this.clock = ctx.clock ?? monotonicClock;
  }

  async result(): Promise<ProviderOutcome> {
    const sale = deadlineAfter(this.ctx.timing.saleTimeoutMs, this.clock);
    /** Set while the link is (or was) down and no answer came since: how long to wait for it. */
    let redelivery: Deadline | null = null;
    for (;;) {
      const waitMs = redelivery ? Math.min(redelivery.remainingMs(), sale.remainingMs()) : sale.remainingMs();
      const event = await this.inbox.next(waitMs, this.signal);
      if (event === 'abort') return this.abandoned();
      if (event === 'timeout') {
        return this.recover(
          redelivery !== null ? 'The terminal did not re-deliver the result' : 'No result from the terminal in time',
        );
      }
      if (event.kind === 'link') {
        if (event.state === 'closed' && redelivery === null) {
          redelivery = deadlineAfter(this.ctx.timing.redeliveryWindowMs, this.clock);
          this.progress('Connection to the terminal lost; waiting for it to come back');
        } else if (event.state === 'open' && redelivery !== null) {
          // Back: ask now rather than sit out the window; a re-delivery may still come first.
          this.progress('Reconnected; checking with the terminal');
          const answer = await queryOnce(this.ctx, this.keys.merchantOrderNo, this.keys.requestIdBase, this.signal);
          if (answer?.kind === 'final') return answer.outcome;
          if (answer?.kind === 'pending') {
            redelivery = null; // the terminal is still on it and will push the result on this link
            this.progress(answer.outcome.message);
          }
        }
        continue;
      }
      const answer = interpretCodepayReply(event.message, this.ctx.currency);
      if (answer.kind === 'final') return answer.outcome;
      if (answer.kind === 'pending') {
        redelivery = null;
        this.progress(answer.outcome.message);
        continue;
      }
      if (answer.kind === 'unknown') return this.recover(answer.message);
      return this.confirmRejection(answer.message, answer.detail);
    }
  }

  private abandoned(): ProviderOutcome {
    // The terminal may still take the card: the engine checks with query(), and a late
    // result arrives through the provider's onLateResult hook (DESIGN §6 rule 6).
    return unknownOutcome('Stopped waiting for the terminal; the payment will be checked');
  }

  /** The terminal refused the order. Make sure it has no record of it before calling it final. */
  private async confirmRejection(message: string, detail: Record<string, unknown>): Promise<ProviderOutcome> {
    const answer = await queryOnce(this.ctx, this.keys.merchantOrderNo, this.keys.requestIdBase);
    if (answer?.kind === 'final') return answer.outcome;
    if (answer?.kind === 'pending') {
      // It is working on this very order after all: hold the terminal again.
      this.ctx.link.claim(this.keys.merchantOrderNo);
      return this.recover('The terminal already has this order');
    }
    if (answer?.kind === 'rejected') {
      this.ctx.link.release(this.keys.merchantOrderNo);
      return { state: 'declined', message, detail };
    }
    return unknownOutcome(message, detail);
  }

  /**
   * Query until a final answer, a pushed result, abort, or recoveryMs (PAYMENTS.md §2.5): at
   * once, then every queryIntervalMs; no query starts after the window, and a reconnect queries at once.
   */
  private async recover(reason: string): Promise<ProviderOutcome> {
    this.progress(`${reason}; checking with the terminal`);
    let lastMessage = reason;
    const polled = await pollUntilFinal<CodepayInterpretation | null>({
      intervalMs: this.ctx.timing.queryIntervalMs,
      windowMs: this.ctx.timing.recoveryMs,
      signal: this.signal,
      clock: this.clock,
      immediate: true,
      checkAtWindowEnd: false,
      check: async (signal) => {
        const answer = await queryOnce(this.ctx, this.keys.merchantOrderNo, this.keys.requestIdBase, signal);
        if (answer?.kind === 'pending') this.progress(answer.outcome.message);
        else if (answer && answer.kind !== 'final') lastMessage = answer.message;
        return answer;
      },
      isFinal: (answer) => answer?.kind === 'final',
      wait: (ms, signal) => this.listen(ms, signal),
    });
    if (polled.last?.kind === 'final') return polled.last.outcome;
    return unknownOutcome(`${lastMessage}; the payment will be checked again`);
  }

  /**
   * The pause between two queries: a pushed (re-delivered) result may still arrive, and is
   * taken; a reconnect ends it early (query now rather than at the end of the interval).
   */
  private async listen(ms: number, signal: AbortSignal): Promise<PollWait<CodepayInterpretation | null>> {
    const pause = deadlineAfter(ms, this.clock);
    for (;;) {
      const event = await this.inbox.next(pause.remainingMs(), signal);
      if (event === 'timeout' || event === 'abort') break;
      if (event.kind === 'reply') {
        const pushed = interpretCodepayReply(event.message, this.ctx.currency);
        if (pushed.kind === 'final') return { final: pushed };
      } else if (event.state === 'open') {
        break;
      }
    }
    return signal.aborted ? 'aborted' : 'next';
  }
}
