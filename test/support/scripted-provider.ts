/**
 * A payment provider whose every answer the test gives: `start`, `query` and `cancel` each
 * return a promise that stays pending until the test releases it, in any order. With the
 * gateway ledger beside it a test can say what the gateway really did (charged, reversed),
 * whatever the provider told the engine. No sockets: the deterministic level of issue 10.
 */
import type {
  PaymentMethod,
  PaymentProvider,
  ProgressReport,
  ProviderAttempt,
  ProviderCapabilities,
  ProviderOutcome,
} from '../../src-main/payments/provider';
import { CODEPAY_CAPABILITIES } from '../../src-main/payments/codepay/codepay-provider';
import { IOTPAY_PAX_CAPABILITIES } from '../../src-main/payments/iotpay/iotpay-pax-provider';
import { IOTPAY_WALLET_CAPABILITIES } from '../../src-main/payments/iotpay/iotpay-wallet-provider';
import { YABANDPAY_CAPABILITIES } from '../../src-main/payments/yabandpay/yabandpay-provider';

/** The capability sets of the real providers: their own constants, so a scripted stand-in can never drift from them. */
export const CAPABILITY_SETS = {
  iotpayPax: IOTPAY_PAX_CAPABILITIES,
  iotpayWallet: IOTPAY_WALLET_CAPABILITIES,
  codepay: CODEPAY_CAPABILITIES,
  yabandpay: YABANDPAY_CAPABILITIES,
} as const satisfies Record<string, Readonly<ProviderCapabilities>>;

export type CallKind = 'start' | 'query' | 'cancel';

/** One call the engine made; pending until the test releases or fails it. */
export interface ScriptedCall {
  readonly seq: number;
  readonly kind: CallKind;
  readonly attempt: ProviderAttempt;
  /** start only: the engine's signal (aborted when the cashier stops waiting). */
  readonly signal: AbortSignal | null;
  /** start only: the engine's progress callback. */
  readonly progress: ProgressReport | null;
  /** Set once the test released or failed the call (or the till died). */
  answered: boolean;
  answer: ProviderOutcome | Error | null;
}

interface PendingCall extends ScriptedCall {
  resolve(outcome: ProviderOutcome): void;
  reject(error: Error): void;
}

/**
 * What the gateway really did, per attempt reference: the truth a test compares the journal
 * with. Shared by every provider instance (and survives a till "crash").
 */
export interface GatewayLedger {
  /** The gateway took the money for this sale (idempotent per reference). */
  charge(attempt: ProviderAttempt): void;
  /** The gateway gave back money of an approved sale (a void or refund attempt approved). */
  reverse(attempt: ProviderAttempt): void;
  /** Net amount the gateway holds for an order: charges minus reversals. */
  netFor(orderId: string): number;
  /** How many sales of this order the gateway charged (reversed or not). */
  chargesFor(orderId: string): number;
  isCharged(reference: string): boolean;
}

export function createGatewayLedger(): GatewayLedger {
  const charges = new Map<string, { orderId: string; amount: number }>();
  const reversals = new Map<string, { orderId: string; amount: number }>();
  return {
    charge(attempt) {
      if (attempt.kind !== 'sale') return this.reverse(attempt);
      if (!charges.has(attempt.reference))
        charges.set(attempt.reference, { orderId: attempt.orderId, amount: attempt.amount });
    },
    reverse(attempt) {
      if (!reversals.has(attempt.reference))
        reversals.set(attempt.reference, { orderId: attempt.orderId, amount: attempt.amount });
    },
    netFor(orderId) {
      const sum = (map: Map<string, { orderId: string; amount: number }>) =>
        [...map.values()].filter((c) => c.orderId === orderId).reduce((total, c) => total + c.amount, 0);
      return sum(charges) - sum(reversals);
    },
    chargesFor: (orderId) => [...charges.values()].filter((c) => c.orderId === orderId).length,
    isCharged: (reference) => charges.has(reference),
  };
}

export interface ScriptedProviderOptions {
  id: string;
  method?: PaymentMethod;
  capabilities: ProviderCapabilities;
  label?: string;
  /** Records approvals the test releases as gateway charges / reversals. */
  ledger?: GatewayLedger;
  /** Runs synchronously inside `start`, before the call is queued (e.g. to read the journal). */
  onStart?(attempt: ProviderAttempt, signal: AbortSignal): void;
  /** Runs synchronously inside `cancel`, before the call is queued. */
  onCancel?(attempt: ProviderAttempt): void;
  /** A tip change the provider accepted (providers that take tips answer it at once). */
  onTipAdjusted?(attempt: ProviderAttempt, tip: number): void;
}

export interface ScriptedProvider extends PaymentProvider {
  /** Calls not answered yet, oldest first (all kinds, or one kind). */
  calls(kind?: CallKind): ScriptedCall[];
  /** Every call ever made, answered or not. */
  history(kind?: CallKind): ScriptedCall[];
  /** How many times `start` was called for this attempt id. */
  startsFor(attemptId: string): number;
  /** Answers a pending call. An approval is booked in the ledger (the gateway did it). */
  release(call: ScriptedCall, outcome: ProviderOutcome): void;
  /** Makes a pending call throw (a transport error). */
  fail(call: ScriptedCall, error: Error): void;
  /** A progress report from inside a pending start. */
  progress(call: ScriptedCall, message: string, known?: { providerRef?: string }): void;
  /** The till "crashed": pending calls are never answered; new calls never settle either. */
  kill(): void;
}

/** Outcome builders, so a test reads as the provider's answer. */
export const answer = {
  approved: (
    attempt: Pick<ProviderAttempt, 'amount' | 'currency'>,
    extra: Partial<ProviderOutcome> = {},
  ): ProviderOutcome => ({
    state: 'approved',
    message: 'Approved',
    readBack: { amount: attempt.amount, currency: attempt.currency },
    ...extra,
  }),
  declined: (extra: Partial<ProviderOutcome> = {}): ProviderOutcome => ({
    state: 'declined',
    message: 'Declined by the card issuer',
    ...extra,
  }),
  cancelled: (extra: Partial<ProviderOutcome> = {}): ProviderOutcome => ({
    state: 'cancelled',
    message: 'Cancelled on the terminal',
    ...extra,
  }),
  pending: (extra: Partial<ProviderOutcome> = {}): ProviderOutcome => ({
    state: 'pending',
    message: 'Waiting for the customer',
    ...extra,
  }),
  unknown: (extra: Partial<ProviderOutcome> = {}): ProviderOutcome => ({
    state: 'unknown',
    message: 'No answer from the gateway',
    ...extra,
  }),
};

export function createScriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const all: PendingCall[] = [];
  const starts = new Map<string, number>();
  let seq = 0;
  let dead = false;

  function enqueue(
    kind: CallKind,
    attempt: ProviderAttempt,
    signal: AbortSignal | null,
    progress: ProgressReport | null,
  ): Promise<ProviderOutcome> {
    return new Promise<ProviderOutcome>((resolve, reject) => {
      seq += 1;
      // A dead till's calls are kept out of the queue: nobody will ever answer them.
      const call: PendingCall = {
        seq,
        kind,
        attempt: structuredClone(attempt),
        signal,
        progress,
        answered: false,
        answer: null,
        resolve,
        reject,
      };
      if (!dead) all.push(call);
    });
  }

  function settle(call: ScriptedCall, result: ProviderOutcome | Error): PendingCall {
    const pending = all.find((c) => c === call);
    if (!pending) throw new Error(`call #${call.seq} is not a call of provider ${options.id}`);
    if (pending.answered) throw new Error(`${pending.kind} call #${pending.seq} was already answered`);
    pending.answered = true;
    pending.answer = result;
    return pending;
  }

  return {
    id: options.id,
    label: options.label ?? options.id,
    method: options.method ?? 'card',
    capabilities: { ...options.capabilities },
    start(attempt, signal, progress) {
      starts.set(attempt.id, (starts.get(attempt.id) ?? 0) + 1);
      options.onStart?.(attempt, signal);
      return enqueue('start', attempt, signal, progress);
    },
    query: (attempt) => enqueue('query', attempt, null, null),
    cancel(attempt) {
      options.onCancel?.(attempt);
      return enqueue('cancel', attempt, null, null);
    },
    // A tip change after the sale, where the provider takes tips: answered at once, as a terminal does.
    ...(options.capabilities.tip
      ? {
          adjustTip: async (attempt: ProviderAttempt, tip: number): Promise<ProviderOutcome> => {
            options.onTipAdjusted?.(attempt, tip);
            return { state: 'approved', message: 'Tip adjusted', tip };
          },
        }
      : {}),
    async close() {
      /* nothing to release */
    },
    calls: (kind) => all.filter((c) => !c.answered && (!kind || c.kind === kind)),
    history: (kind) => all.filter((c) => !kind || c.kind === kind),
    startsFor: (attemptId) => starts.get(attemptId) ?? 0,
    release(call, outcome) {
      const pending = settle(call, outcome);
      if (outcome.state === 'approved') options.ledger?.charge(pending.attempt);
      pending.resolve(outcome);
    },
    fail(call, error) {
      settle(call, error).reject(error);
    },
    progress(call, message, known) {
      if (!call.progress) throw new Error(`${call.kind} call #${call.seq} takes no progress reports`);
      call.progress(message, known);
    },
    kill() {
      dead = true;
      for (const call of all) call.answered = true;
    },
  };
}
