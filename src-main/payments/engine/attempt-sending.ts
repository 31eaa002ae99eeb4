/**
 * Sending an attempt (DESIGN.md §6 rules 1 and 5): journaled with its move to `sending` in the
 * caller's transaction, one attempt per terminal checked inside the write lock, and sent only
 * once that commit is done; the provider's start() run once under an abort signal, its progress
 * and its outcome applied, a lost or unverifiable reply read as `unknown`. Also the bounded
 * waits around a request still out: for an aborted one to come back, and for the provider's
 * cancel.
 */
import { randomUUID } from 'node:crypto';
import type { AttemptView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import { isUnresolved } from '../../../src-shared/attempt-states';
import { toAttemptView, type AttemptRow } from '../../journal/attempt-repository';
import { journalAttemptOptions } from './attempt-options';
import type { StartRequest } from './engine-deps';
import type { LifecycleContext } from './lifecycle-context';
import type { ApplyOutcome } from './outcome-application';
import type { PaymentProvider, ProgressReport, ProviderOutcome } from '../provider';

/** How long a cancel waits for the aborted request to come back before asking the provider to cancel. */
const ABORT_GRACE_MS = 5_000;

/** How long the provider's cancel may take before the attempt is left to queries. */
const CANCEL_TIMEOUT_MS = 30_000;

/** An attempt as the engine journals it: a request of any kind, with the sale it refunds, voids or captures. */
export type BeginRequest = Omit<StartRequest, 'walletCode' | 'preauth'> & {
  kind: AttemptRow['kind'];
  originalAttemptId: string | null;
  walletMasked: string | null;
};

/** Journals and sends one engine's attempts; `apply` takes each provider's progress and outcome. */
export function createAttemptSending(context: LifecycleContext, apply: ApplyOutcome) {
  const { deps, inFlight, publish, toProviderAttempt } = context;
  const { attempts, journal } = deps;

  function run(row: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    const controller = new AbortController();
    let finished!: () => void;
    // In the map before start() runs: a provider may report progress before its first await.
    inFlight.set(row.id, {
      controller,
      done: new Promise<void>((resolve) => {
        finished = resolve;
      }),
    });
    const applyProgress = (message: string, providerRef: string | undefined): void => {
      const current = attempts.byId(row.id);
      if (current && isUnresolved(current.state) && inFlight.has(row.id)) {
        apply(row.id, { state: 'pending', message, ...(providerRef ? { providerRef } : {}) }, 'provider progress');
      }
    };
    // Progress reported before start() first yields is journaled just after: its commit must not
    // hold the request back (the attempt is already journaled as sending).
    let starting = true;
    const progress: ProgressReport = (message, known) => {
      if (starting)
        setImmediate(() => {
          if (!context.closed && journal.open) applyProgress(message, known?.providerRef);
        });
      else applyProgress(message, known?.providerRef);
    };
    let started: Promise<ProviderOutcome>;
    try {
      started = provider.start(toProviderAttempt(row, walletCode), controller.signal, progress);
    } catch (error) {
      // A provider that throws before returning its promise is read like one that rejects.
      started = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      starting = false;
    }
    started
      .catch((error: Error): ProviderOutcome =>
        error instanceof PosError
          ? // Providers throw a PosError only when nothing was sent (terminal offline, busy, bad input).
            { state: 'declined', message: `Not sent: ${error.message}` }
          : {
              state: 'unknown',
              message: `No answer from ${provider.label} (${error.message}); checking with a query, never by charging again.`,
            },
      )
      .then((outcome) => {
        inFlight.delete(row.id);
        apply(
          row.id,
          outcome,
          controller.signal.aborted ? 'provider replied after the cashier stopped waiting' : 'provider replied',
        );
      })
      .catch((error) => deps.log(`Applying the outcome of attempt ${row.id} failed`, error))
      .finally(() => {
        inFlight.delete(row.id);
        finished();
      });
  }

  /**
   * Journals an attempt and its move to `sending` inside the caller's transaction (rule 1): the
   * caller commits it, with whatever it records beside it, before `launch` sends anything.
   */
  function journalAttempt(request: BeginRequest, provider: PaymentProvider): AttemptRow {
    if (!journal.inTransaction) throw new Error("An attempt is journaled inside its caller's transaction.");
    const terminal = request.terminal ?? null;
    // Rule 5: one attempt per terminal until its outcome is known (checked inside the write lock).
    // A wallet payment has no terminal of ours: the customer's phone is the device, so only rule 2 holds.
    const busy = provider.method === 'card' ? attempts.busyOn(provider.id, terminal) : null;
    if (busy)
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        `${terminal ?? provider.label} is busy with another payment until its outcome is known.`,
      );
    const keys = attempts.nextKeys(deps.tillId);
    const inserted = attempts.insert(
      {
        id: randomUUID(),
        orderId: request.orderId,
        provider: provider.id,
        terminal,
        kind: request.kind,
        method: provider.method,
        amount: request.amount,
        tip: request.tip,
        currency: currencyOf(request.orderId),
        reference: keys.reference,
        requestId: keys.requestId,
        originalAttemptId: request.originalAttemptId,
        walletCodeMasked: request.walletMasked,
        options: request.options ? journalAttemptOptions(request.options) : null,
      },
      `${request.kind} requested by user ${request.userId}`,
    );
    return attempts.transition(inserted.id, {
      to: 'sending',
      cause: 'request about to leave',
      message: `Sending to ${provider.label}…`,
    });
  }

  /** Sends a committed attempt; the screens are told once it is on the wire. */
  function launch(sending: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    if (context.closed) return;
    // The request leaves first; the screens are told once it is on the wire (a provider's socket
    // write happens a tick after start() returns, and building the order view is not its business).
    run(sending, provider, walletCode);
    setImmediate(() => {
      if (context.closed || !journal.open) return;
      // Whatever the attempt has become by then (a provider may have reported progress already).
      const current = attempts.byId(sending.id);
      if (current && current.state === 'sending') publish(current);
    });
  }

  function begin(request: BeginRequest, provider: PaymentProvider, walletCode?: string): AttemptView {
    // One commit journals the attempt and its move to `sending`, before the request leaves (rule 1):
    // after a crash there is no window in which an attempt exists without being marked sent.
    const sending = journal.transaction(() => journalAttempt(request, provider));
    launch(sending, provider, walletCode);
    return toAttemptView(sending);
  }

  function currencyOf(orderId: string): string {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return order.currency;
  }

  /** Waits (boundedly) for an aborted request to come back, so its answer is applied before anything else. */
  async function settleInFlight(id: string): Promise<void> {
    const running = inFlight.get(id);
    if (!running) return;
    running.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      running.done,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ABORT_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** The provider's cancel, bounded: one that never answers leaves the attempt to queries. */
  async function cancelAtProvider(provider: PaymentProvider, row: AttemptRow): Promise<ProviderOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProviderOutcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            state: 'unknown',
            message: `${provider.label} did not answer the cancel; the payment keeps being checked.`,
          }),
        CANCEL_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([provider.cancel(toProviderAttempt(row)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return { journalAttempt, launch, begin, settleInFlight, cancelAtProvider };
}
