/**
 * Card sale / authorisation on a YabandPay cloud POS terminal: `v3.POS` once, then poll
 * `v3.QueryOrder` by trade_id (PAYMENTS.md §3.2, §5: no backend, so polling replaces the
 * notify). A lost `v3.POS` reply leaves no trade_id and there is no query by our own ids
 * (§3.2 Gap), so recovery re-sends the SAME request (same order_id and request_id; the
 * gateway refuses a repeated request_id, so it can never become a second sale) a bounded
 * few times over the attempt's whole life, restarts included (see `resendAllowed`), and
 * then hands the attempt to a manager with the portal look-up.
 */
import type { ProgressReport, ProviderAttempt, ProviderOutcome } from '../provider';
import { pollUntilFinal } from '../polling';
import type { YabandpayCallResult } from './yabandpay-client';
import { YABANDPAY_ERROR } from './yabandpay-errors';
import { isAuthorisation, moneyText, outcome, tradeIdOf, withClosed, type YabandpayContext } from './yabandpay-context';
import { newYabandpayRequestId, orderIdProblem, requestIdProblem } from './yabandpay-ids';
import { querySaleByTradeId, readBackOf } from './yabandpay-order-status';
import { posReplyDataSchema } from './yabandpay-states';
import { toDecimalString } from '../../../src-shared/money';

/** EUR amounts under 0.10 are refused by the gateway (seed 004); CHF assumed alike. */
const MINIMUM_MINOR = 10;
const FINAL: ReadonlySet<ProviderOutcome['state']> = new Set(['approved', 'declined', 'cancelled']);

/** The `v3.POS` data for an attempt, or why it cannot be sent. Deterministic: a re-send is byte-for-byte the same request. */
function posRequestData(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
): { data: Record<string, string | undefined> } | { problem: string } {
  const problem = orderIdProblem(attempt.reference) ?? requestIdProblem(attempt.requestId);
  if (problem) return { problem };
  if (attempt.currency !== ctx.config.currency) {
    return {
      problem: `This YabandPay terminal takes ${ctx.config.currency}, not ${attempt.currency}; nothing was sent.`,
    };
  }
  if (
    !Number.isSafeInteger(attempt.amount) ||
    !Number.isSafeInteger(attempt.tip) ||
    attempt.amount <= 0 ||
    attempt.tip < 0
  ) {
    return { problem: 'The payment amount is not valid; nothing was sent.' };
  }
  // YabandPay's amount includes the tip ("tip included in the total", seed 004); ours does not.
  const total = attempt.amount + attempt.tip;
  if (total < MINIMUM_MINOR)
    return {
      problem: `YabandPay takes card payments from ${moneyText(MINIMUM_MINOR, attempt.currency)}; nothing was sent.`,
    };
  const description = [...(attempt.description.trim() || `Order ${attempt.reference}`)].slice(0, 64).join('');
  return {
    data: {
      pay_method: 'offline',
      sub_pay_method: 'point_of_sales',
      operation: isAuthorisation(attempt) ? '2' : '1',
      tid: ctx.config.tid,
      order_id: attempt.reference,
      amount: toDecimalString(total, attempt.currency),
      tip_amount: attempt.tip > 0 ? toDecimalString(attempt.tip, attempt.currency) : undefined,
      currency: attempt.currency,
      description,
      notify_url: ctx.config.notifyUrl,
      request_id: attempt.requestId,
    },
  };
}

/** What the manager is told once the till has stopped asking YabandPay how a lost sale ended. */
function portalLookupMessage(attempt: ProviderAttempt): string {
  return (
    `YabandPay never confirmed payment ${attempt.reference} and will not say how it ended, so the till has stopped asking. ` +
    `A manager looks up order id ${attempt.reference} in the YabandPay merchant portal (or the terminal's last transaction slip), ` +
    `checks that the amount is ${moneyText(attempt.amount + attempt.tip, attempt.currency)}, that the time matches this sale and whether it was paid, ` +
    'then settles this payment with what it shows.'
  );
}

function handedToManager(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  why: Record<string, unknown>,
): ProviderOutcome {
  return outcome('unknown', portalLookupMessage(attempt), {
    detail: {
      ...why,
      needsSlip: true,
      orderId: attempt.reference,
      resends: ctx.posResends.recall(attempt.reference) ?? 0,
      queriesSent: queriesSentOf(attempt),
    },
  });
}

/** The engine's journaled count of query() calls for this attempt (0 from a caller that does not count). */
function queriesSentOf(attempt: ProviderAttempt): number {
  return attempt.queriesSent ?? 0;
}

/**
 * Whether this query() may re-send the lost v3.POS. The bound must survive restarts (issue
 * 10 item 6), and a process's own memory does not, so the durable rule is the engine's
 * journaled `queriesSent` (incremented before every query() call, so each call sees a
 * different value ≥ 1): a re-send is only made while `queriesSent <= maxPosResends`.
 * start() never re-sends (it sends the sale once), so across any number of restarts an
 * attempt gets at most 1 + maxPosResends v3.POS requests: the sale and maxPosResends
 * re-sends, all with the same order_id and request_id. The per-process count also
 * applies, for callers that do not count queries (queriesSent 0).
 */
function resendAllowed(ctx: YabandpayContext, attempt: ProviderAttempt, sentHere: number): boolean {
  return queriesSentOf(attempt) <= ctx.timing.maxPosResends && sentHere < ctx.timing.maxPosResends;
}

/** This re-send is the last one `resendAllowed` will let through for the attempt. */
function lastResend(ctx: YabandpayContext, attempt: ProviderAttempt, sentHere: number): boolean {
  return queriesSentOf(attempt) >= ctx.timing.maxPosResends || sentHere + 1 >= ctx.timing.maxPosResends;
}

/** The order_id a v3.POS reply names, when it names one that is not this attempt's (rule 7: never ours then). */
function foreignOrderId(reply: { order_id?: string | null }, attempt: ProviderAttempt): string | null {
  return reply.order_id && reply.order_id !== attempt.reference ? reply.order_id : null;
}

/** Resolves with 'stopped' as soon as the signal aborts; the call itself goes on. */
function unlessStopped<T>(call: Promise<T>, signal: AbortSignal): Promise<T | 'stopped'> {
  if (signal.aborted) return Promise.resolve('stopped');
  return new Promise((resolve) => {
    const onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    void call.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

/**
 * Sends `v3.POS` and remembers the trade_id its reply names. The request is not aborted
 * when the cashier stops waiting: its reply is the only place the trade_id comes from,
 * so a cancel or a query waits for it (bounded by the request timeout) instead of
 * re-sending.
 */
function sendPos(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  data: Record<string, string | undefined>,
): Promise<YabandpayCallResult> {
  const call = ctx.client.call('v3.POS', data, ctx.closed).then((reply) => {
    const named =
      reply.kind === 'ok'
        ? reply.data
        : reply.kind === 'error' && reply.code === YABANDPAY_ERROR.duplicateRequest
          ? reply.data
          : null;
    const parsed = named ? posReplyDataSchema.safeParse(named) : null;
    // Only an order the reply says is ours (rule 7: an answer reaches an attempt by its own keys).
    if (parsed?.success && !foreignOrderId(parsed.data, attempt))
      ctx.tradeIds.remember(attempt.reference, parsed.data.trade_id);
    return reply;
  });
  ctx.posInFlight.set(attempt.reference, call);
  void call.finally(() => {
    if (ctx.posInFlight.get(attempt.reference) === call) ctx.posInFlight.delete(attempt.reference);
  });
  return call;
}

/** Polls an order until a final state, the window's end (unknown), or the cashier stops waiting (what is known). */
async function pollSale(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  tradeId: string,
  signal: AbortSignal,
  progress: ProgressReport,
  known: ProviderOutcome,
): Promise<ProviderOutcome> {
  let told = '';
  const polled = await pollUntilFinal<ProviderOutcome>({
    intervalMs: ctx.timing.pollIntervalMs,
    windowMs: ctx.timing.pollWindowMs,
    clock: ctx.timing.clock,
    signal: withClosed(ctx, signal),
    check: (checkSignal) => querySaleByTradeId(ctx, attempt, tradeId, checkSignal),
    // A reply that proves the set-up wrong, or fails every signature form, will not change by waiting: say so now.
    isFinal: (result) =>
      FINAL.has(result.state) || result.configFault !== undefined || result.detail?.signatureFailed === true,
    onResult: (result) => {
      // A failed poll is not an answer: keep polling until the window ends.
      if (result.state !== 'pending') return;
      known = result;
      if (result.message !== told) progress((told = result.message), { providerRef: tradeId });
    },
  });
  if (polled.ended === 'final' && polled.last) return polled.last;
  if (polled.ended === 'aborted')
    return { ...known, message: `${known.message} Stopped waiting; the payment will be checked again.` };
  return {
    ...known,
    state: 'unknown',
    message: 'The terminal has not finished this payment yet; it will be checked again.',
  };
}

/** `start` for kind 'sale': one v3.POS (never re-sent from here), then polling. */
export async function startSale(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  signal: AbortSignal,
  progress: ProgressReport,
): Promise<ProviderOutcome> {
  const request = posRequestData(ctx, attempt);
  if ('problem' in request) return outcome('declined', request.problem, { detail: { sent: false } });
  progress('Sending the payment to the terminal…');
  const reply = await unlessStopped(sendPos(ctx, attempt, request.data), withClosed(ctx, signal));
  if (reply === 'stopped') {
    return outcome(
      'unknown',
      "The payment request had already left when you stopped waiting; YabandPay's answer will be checked, never by charging again.",
      { detail: { reason: 'stopped waiting' } },
    );
  }
  const fault = reply.kind !== 'ok' && reply.configFault ? { configFault: reply.configFault } : {};
  if (reply.kind === 'no-answer') {
    // A 404/405 came from a server without the payments API: the request reached no gateway.
    if (/^HTTP 40[45]$/.test(reply.reason))
      return outcome('declined', `${reply.configFault} Nothing was sent to the terminal.`, {
        ...fault,
        detail: { reason: reply.reason },
      });
    return outcome(
      'unknown',
      `No reply from YabandPay (${reply.reason}); the payment will be checked before anything else is tried.`,
      { ...fault, detail: { reason: reply.reason } },
    );
  }
  if (reply.kind === 'error') {
    if (reply.code === YABANDPAY_ERROR.duplicateRequest) return recoverDuplicate(ctx, attempt, signal);
    // -1000 may come after the order was created: not a refusal we can trust.
    if (reply.code === YABANDPAY_ERROR.internal)
      return outcome('unknown', `${reply.cashierMessage} The payment will be checked.`, {
        detail: { code: reply.code },
      });
    return outcome('declined', reply.cashierMessage, {
      ...fault,
      detail: { code: reply.code, message: reply.message },
    });
  }
  const posReply = posReplyDataSchema.safeParse(reply.data);
  if (!posReply.success)
    return outcome('unknown', 'YabandPay replied without a trade id; the payment will be checked.', {
      detail: { reason: 'no trade_id' },
    });
  const otherOrder = foreignOrderId(posReply.data, attempt);
  if (otherOrder) {
    // Another order's trade_id is not ours: never reported, queried or closed (rule 7).
    return outcome('unknown', 'YabandPay answered about another order; this payment will be checked.', {
      detail: { reason: 'reply names another order_id', repliedOrderId: otherOrder },
    });
  }
  const tradeId = posReply.data.trade_id;
  progress('The terminal is waiting for the card…', { providerRef: tradeId });
  const readBack = readBackOf(posReply.data, attempt);
  const known = outcome('pending', 'Waiting for the customer at the terminal…', {
    providerRef: tradeId,
    detail: { trade_id: tradeId },
    ...(readBack ? { readBack } : {}),
  });
  return pollSale(ctx, attempt, tradeId, signal, progress, known);
}

/** -3002: the gateway already has this request. Query it by the trade_id its reply named, else hand it to the manager. */
async function recoverDuplicate(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  signal?: AbortSignal,
): Promise<ProviderOutcome> {
  const tradeId = tradeIdOf(ctx, attempt);
  if (tradeId) return querySaleByTradeId(ctx, attempt, tradeId, signal);
  // Re-sending again cannot tell more: the gateway has the order but will not name it.
  ctx.posResends.remember(
    attempt.reference,
    Math.max(ctx.timing.maxPosResends, ctx.posResends.recall(attempt.reference) ?? 0),
  );
  return handedToManager(ctx, attempt, { code: YABANDPAY_ERROR.duplicateRequest });
}

/**
 * `query` for a sale. With a trade_id: one v3.QueryOrder. Without one (the v3.POS reply
 * was lost): wait for a v3.POS still on the wire, else re-send the identical request, at
 * most `maxPosResends` times over the attempt's life (`resendAllowed`). DESIGN.md §6 rule 2 forbids a NEW sale, not the
 * same request, which the gateway refuses as a duplicate. An ACCEPTED re-send proves
 * nothing by itself (the gateway may be replaying the first, already paid): the order it
 * names is read by query, never closed or assumed uncharged.
 */
export async function querySale(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  const onTheWire = ctx.posInFlight.get(attempt.reference);
  if (onTheWire) await onTheWire;
  const known = tradeIdOf(ctx, attempt);
  if (known) return querySaleByTradeId(ctx, attempt, known);
  const sent = ctx.posResends.recall(attempt.reference) ?? 0;
  if (!resendAllowed(ctx, attempt, sent)) return handedToManager(ctx, attempt, { reason: 're-send budget spent' });
  const request = posRequestData(ctx, attempt);
  if ('problem' in request) return outcome('declined', request.problem, { detail: { sent: false } });
  ctx.posResends.remember(attempt.reference, sent + 1);
  const reply = await sendPos(ctx, attempt, request.data);
  if (reply.kind === 'ok') {
    const tradeId = tradeIdOf(ctx, attempt);
    if (tradeId) return querySaleByTradeId(ctx, attempt, tradeId);
  }
  if (reply.kind === 'error' && reply.code === YABANDPAY_ERROR.duplicateRequest) return recoverDuplicate(ctx, attempt);
  const otherOrder =
    reply.kind === 'ok' && typeof reply.data.order_id === 'string'
      ? foreignOrderId({ order_id: reply.data.order_id }, attempt)
      : null;
  const okWhy = otherOrder ? 'YabandPay answered about another order.' : 'YabandPay replied without a trade id.';
  const why =
    reply.kind === 'ok'
      ? okWhy
      : reply.kind === 'error'
        ? reply.cashierMessage
        : `YabandPay did not answer (${reply.reason}).`;
  const detail =
    reply.kind === 'error'
      ? { code: reply.code }
      : { reason: reply.kind === 'ok' ? (otherOrder ? 'reply names another order_id' : 'no trade_id') : reply.reason };
  if (lastResend(ctx, attempt, sent)) return handedToManager(ctx, attempt, detail);
  const fault = reply.kind !== 'ok' && reply.configFault ? { configFault: reply.configFault } : {};
  return outcome('unknown', `${why} The payment will be checked again.`, { ...fault, detail });
}

/** v3.POSCancel, then the order's real state if the gateway refused (e.g. it was paid meanwhile). */
async function closeTerminalScreen(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  tradeId: string,
): Promise<ProviderOutcome> {
  const reply = await ctx.client.call(
    'v3.POSCancel',
    { tid: ctx.config.tid, trade_id: tradeId, request_id: newYabandpayRequestId() },
    ctx.closed,
  );
  if (reply.kind === 'ok') {
    // v3.POSCancel only cancels an unpaid order (YB-pos-cancel), so this is the gateway's word, not a guess.
    return outcome('cancelled', 'The terminal’s payment screen was closed; nothing was charged.', {
      providerRef: tradeId,
      detail: { trade_id: tradeId, cancelled: 'v3.POSCancel' },
    });
  }
  if (reply.kind === 'no-answer') {
    return outcome(
      'unknown',
      `YabandPay did not confirm the cancel (${reply.reason}); the payment will be checked again.`,
      { providerRef: tradeId },
    );
  }
  return querySaleByTradeId(ctx, attempt, tradeId);
}

/** `cancel` for a sale: close the terminal's waiting screen (unpaid orders only). */
export async function cancelSale(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  // The cashier may stop waiting before v3.POS answered: its reply brings the trade_id.
  const onTheWire = ctx.posInFlight.get(attempt.reference);
  if (onTheWire) await onTheWire;
  const tradeId = tradeIdOf(ctx, attempt);
  if (!tradeId) {
    return outcome(
      'unknown',
      'The terminal screen cannot be closed from here before YabandPay gives a trade id; press cancel on the terminal. The payment will be checked.',
    );
  }
  return closeTerminalScreen(ctx, attempt, tradeId);
}
