/**
 * What the payment engine is given and asked (DESIGN.md §6): `EngineDeps`, the journal, the
 * repositories, the providers and the callbacks the composition root (core.ts) wires in; the
 * sale it pays through (`SaleCheckout`, with the `ElectronicTender` an approval becomes); and a
 * cashier's `StartRequest`. Types only, imported by every part of the engine and re-exported by
 * payment-engine.ts.
 */
import type { AttemptView, CardBlock, OrderView } from '../../../src-shared/domain';
import type { AuditLog } from '../../auth/audit-log';
import type { JournalTransaction } from '../../journal/open-journal';
import type { OrderRepository, OrderRow } from '../../journal/order-repository';
import type { AttemptRepository, AttemptRow } from '../../journal/attempt-repository';
import type { AttemptOptions, PaymentProvider } from '../provider';

/** What the engine asks of the sale it is paying (`sales/checkout.ts` is it). */
export interface SaleCheckout {
  /** The order, if it is open; otherwise a NOT_FOUND or CONFLICT PosError. */
  openOrderFor(orderId: string): OrderRow;
  /** An approved payment becomes the sale's tender (plus a cash back line); completes the sale if paid. */
  addElectronicTender(orderId: string, tender: ElectronicTender): OrderView;
}

/** An approval as the sale's tender: amount without tip or cash back, in minor units. */
export interface ElectronicTender {
  kind: 'card' | 'wallet';
  label: string;
  amount: number;
  tip: number;
  cashback: number;
  attemptId: string;
  card: CardBlock | null;
}

export interface EngineDeps {
  /** The journal's one writer: every state change commits in its own transaction, or in the caller's. */
  journal: JournalTransaction;
  attempts: AttemptRepository;
  orders: OrderRepository;
  checkout: SaleCheckout;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  /** This till's number (1–999): part of every idempotency key, so two tills on one merchant never collide. */
  tillId: number;
  /**
   * The refund ledger (sales/refund-service): a reversal the engine starts on its own is recorded
   * there in the transaction that journals it.
   */
  ledger: {
    reversalJournaled(reversal: AttemptRow, original: AttemptRow): void;
    /** What went back on a sale so far, by any way (done or in flight). */
    givenBackOn(saleAttemptId: string): number;
  };
  /** What the order still owes (priced by sales; the engine never prices). */
  amountDue(orderId: string): number;
  attemptChanged(attempt: AttemptView): void;
  orderChanged(orderId: string): void;
  /** An approval paid the order off (after the commit): receipts print as for cash. */
  orderCompleted(orderId: string): void;
  log(message: string, error?: unknown): void;
  backoffMs?: readonly number[];
  /** Wall clock, for the journal's times only; every delay is relative (rule 8). */
  now?: () => Date;
}

export interface StartRequest {
  orderId: string;
  providerId: string;
  amount: number;
  tip: number;
  userId: string;
  /** Which terminal of the provider (CodePay lanes); null when the provider has one. */
  terminal?: string | null;
  /** Wallet micropay: the customer's code, in memory only; `masked` is what gets journaled. */
  walletCode?: { value: string; masked: string };
  options?: AttemptOptions;
  /** Hold the amount only (pre-authorisation); it is taken later by `capture`. */
  preauth?: boolean;
}
