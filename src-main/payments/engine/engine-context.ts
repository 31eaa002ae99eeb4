/**
 * What the payment engine's public operations share (payment-engine.ts builds it once per
 * engine and hands it to each group of operations): the engine's deps, its attempt lifecycle,
 * and the guards every operation starts with — the provider must be set up on this till, the
 * attempt must exist, and attempts a restart left unresolved must have been reconciled first.
 */
import type { AttemptRow } from '../../journal/attempt-repository';
import type { AttemptLifecycle } from './attempt-lifecycle';
import type { EngineDeps } from './engine-deps';
import type { PaymentProvider } from '../provider';

export interface EngineContext {
  deps: EngineDeps;
  life: AttemptLifecycle;
  /** The provider of that id, or a NOT_FOUND PosError. */
  requireProvider(id: string): PaymentProvider;
  /** A PAYMENT_IN_PROGRESS PosError until the attempts left from before a restart were reconciled (rule 3). */
  requireReconciled(): void;
  /** The journaled attempt, or a NOT_FOUND PosError. */
  requireAttempt(attemptId: string): AttemptRow;
}
