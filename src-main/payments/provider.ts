/**
 * What the payment engine needs from a provider (IOTPay, CodePay, YabandPay, …).
 * The engine owns the attempt state machine and the journal; a provider only talks to
 * its gateway or terminal. Providers must never resend a sale on their own: a lost or
 * late reply is reported as `unknown` and resolved by `query`.
 */
import type { AttemptKind, CardBlock, PaymentMethod, ProviderCapabilities } from '../../src-shared/domain';

export type { AttemptKind, PaymentMethod, ProviderCapabilities };

/** The attempt as the engine hands it to a provider. Already journaled before any call. */
export interface ProviderAttempt {
  id: string;
  orderId: string;
  kind: AttemptKind;
  method: PaymentMethod;
  /** Integer minor units; providers convert with the currency's exponent at their edge. */
  amount: number;
  tip: number;
  currency: string;
  /**
   * The idempotency key journaled before sending: IOTPay mchOrderNo / mchRefundNo,
   * CodePay merchant_order_no, YabandPay order_id (digits). Unique per attempt.
   */
  reference: string;
  /** A second unique key where the provider wants one (YabandPay / CodePay request_id). */
  requestId: string;
  /** The provider's own id once known (IOTPay payOrderId, CodePay trans_no, YabandPay trade_id). */
  providerRef: string | null;
  terminal: string | null;
  description: string;
  /**
   * How many times the engine has called `query()` for this attempt so far, journaled across
   * restarts (incremented before each call, so inside `query()` it is at least 1; absent counts as 0). Lets a
   * provider bound what it does on queries over the attempt's whole life (YabandPay re-sends).
   */
  queriesSent?: number;
  /** Wallet micropay only: the customer's code, held in memory, never journaled in full. */
  walletCode?: string;
  /** Void / refund / capture only: the approved sale (or pre-authorisation) being acted on. */
  original?: {
    reference: string;
    providerRef: string | null;
    amount: number;
    tip: number;
    /** The original is a pre-authorisation (held, not yet taken). */
    preauth?: boolean;
  };
  /**
   * What the attempt was started with, by engine name (`AttemptOptions`): a provider reads
   * those its capabilities offer and maps them to its own wire names at its adapter.
   */
  options?: Readonly<AttemptOptions>;
}

export type OutcomeState = 'approved' | 'declined' | 'cancelled' | 'pending' | 'unknown';

export interface ProviderOutcome {
  /**
   * approved / declined / cancelled are final. pending: accepted, customer or terminal
   * still acting. unknown: no trustworthy answer (timeout, lost reply, bad signature).
   */
  state: OutcomeState;
  /** A sentence for the cashier (the provider's reason, translated where needed). */
  message: string;
  providerRef?: string;
  card?: CardBlock;
  /** Amounts the terminal changed (on-screen tip, partial approval), in minor units. */
  approvedAmount?: number;
  tip?: number;
  /** Raw, already-masked reply details for the journal (never a full PAN or wallet code). */
  detail?: Record<string, unknown>;
  /**
   * What the gateway says this order is, read back from a query, an "already paid" reply
   * (IOTPay 0113) or a re-delivered result: its base amount (without tip or cash back) in
   * minor units of `currency`, converted at the adapter. The engine checks it against the
   * attempt (DESIGN.md §6 rule 7); a mismatch is never applied, it is flagged for a manager.
   */
  readBack?: { amount: number; currency: string };
  /**
   * The gateway said this attempt's key was already used before (IOTPay 0113 "already paid"):
   * from now on, across restarts, an approval of this attempt is applied only with a
   * `readBack` that matches it (it may be another till's charge under the same key).
   */
  readBackRequired?: boolean;
  /**
   * The gateway's answer says the till is set up wrong (wrong merchant key, wrong base URL,
   * unknown merchant): one sentence for the cashier and the manager, e.g. "The IOTPay
   * merchant key in the till's settings is wrong (signature refused)."
   */
  configFault?: string;
}

/**
 * What a provider tells the engine on its own, outside any call. The registry builds one per
 * provider; the engine owns what happens next.
 */
export interface ProviderEvents {
  /** A result learned on its own (a terminal re-delivering after a reconnect), addressed by the attempt's own reference. */
  lateResult(reference: string, outcome: ProviderOutcome): void;
  /**
   * An answer whose keys are not an attempt of ours (no or another `merchant_order_no`, a
   * `request_id` we never sent): kept and shown to the manager, never applied (rule 7).
   */
  foreignAnswer(report: { terminal: string | null; reason: string; detail: Record<string, unknown> }): void;
  /** A link to a terminal came back: the engine queries its unresolved attempts now. */
  linkRestored(terminal: string | null): void;
}

/** A pending state for the screen, with the provider's id for the journal once it has one. */
export type ProgressReport = (message: string, known?: { providerRef?: string }) => void;

/**
 * The options an attempt can carry, by their engine names. Providers map them to their own
 * wire names at their adapter (CodePay `on_screen_tip`, `cashback_amount`,
 * `required_terminal_authentication`); each is offered only where the provider's
 * capabilities say so.
 */
export interface AttemptOptions {
  /** A sale that only holds the amount (capability `preauth`). */
  preauth?: boolean;
  /** Take a held amount; `original` is the pre-authorisation (capability `preauth`). */
  capture?: boolean;
  /** The customer chooses a tip on the terminal (capability `onScreenTip`). */
  onScreenTip?: boolean;
  /** Cash handed out on top of the sale, in minor units (capability `cashback`). */
  cashback?: number;
  /** The terminal asks its own manager before a void or refund (capability `terminalAuthentication`). */
  terminalAuthentication?: boolean;
}

/** What a provider does when a request does not say (set from its config). */
export interface ProviderDefaults {
  /** Voids and refunds ask the terminal's own manager unless the request says otherwise. */
  terminalAuthentication: boolean;
}

export interface PaymentProvider {
  /** Stable id used in config, journal rows and the contract (e.g. 'iotpay-pax'). */
  readonly id: string;
  readonly label: string;
  readonly method: PaymentMethod;
  readonly capabilities: ProviderCapabilities;
  /** Defaults from the provider's config; absent: every default is off. */
  readonly defaults?: ProviderDefaults;
  /**
   * Send the sale (or refund / void, by attempt.kind) once and wait for its outcome,
   * within the provider's own rules (e.g. CC_PAX: block ~90 s, then query every 2 s for
   * 60 s). Aborting the signal means the cashier stopped waiting: return what is known,
   * never a guess. `progress` reports intermediate pending states for the screen, and the
   * provider's own id as soon as it is known, so it is journaled before the outcome is.
   */
  start(attempt: ProviderAttempt, signal: AbortSignal, progress: ProgressReport): Promise<ProviderOutcome>;
  /** Ask for the outcome of an attempt already sent. Never creates a charge. */
  query(attempt: ProviderAttempt): Promise<ProviderOutcome>;
  /** Cancel an attempt that has not been paid (close the terminal's waiting screen). */
  cancel(attempt: ProviderAttempt): Promise<ProviderOutcome>;
  /** Change the tip of an approved sale afterwards (restaurants), where the provider can. */
  adjustTip?(sale: ProviderAttempt, tip: number): Promise<ProviderOutcome>;
  /** End-of-day settlement of a terminal, where the provider has one. */
  batchClose?(terminal: string): Promise<{ ok: boolean; message: string }>;
  /** Release sockets and timers. */
  close(): Promise<void>;
}
