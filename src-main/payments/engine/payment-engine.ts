/**
 * The payment engine (DESIGN.md §6): exactly-once charging whatever the network, the
 * gateway, the cashier or the power does. Every attempt is committed before its request
 * leaves; every transition is journaled with its cause; a lost or late reply is resolved
 * by querying, never by sending again; an attempt blocks its order and its terminal until
 * its outcome is known; an approval always pays the order or is reversed; attempts left
 * unresolved by a crash are reconciled before new ones are accepted. The engine sees
 * providers only through PaymentProvider.
 *
 * This module decides what may start (`reconcile`, `start`) and composes the rest, one group of
 * operations per module over a shared `EngineContext` (engine-context.ts): refunds and voids
 * (refund-and-void-staging.ts), capture and tip (capture-and-tip.ts), what providers report on
 * their own (provider-event-handlers.ts), the cashier's cancel (cashier-cancel.ts) and the
 * manager's release, settle and resolve (manager-actions.ts). What happens to an attempt once
 * started is attempt-lifecycle.ts.
 */
import type { AttemptView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import { toAttemptView, type AttemptRow } from '../../journal/attempt-repository';
import { createAttemptLifecycle } from './attempt-lifecycle';
import { createCaptureAndTip } from './capture-and-tip';
import { createCashierCancel } from './cashier-cancel';
import type { EngineContext } from './engine-context';
import type { EngineDeps, StartRequest } from './engine-deps';
import { createManagerActions } from './manager-actions';
import type { PaymentProvider } from '../provider';
import { createProviderEventHandlers } from './provider-event-handlers';
import { createRefundAndVoidStaging } from './refund-and-void-staging';

export { cashbackOf, isPreauth } from './attempt-readings';
export type { ElectronicTender, EngineDeps, SaleCheckout, StartRequest } from './engine-deps';
export type { Staged } from './refund-and-void-staging';

export function createPaymentEngine(deps: EngineDeps) {
  if (!Number.isInteger(deps.tillId) || deps.tillId < 1 || deps.tillId > 999)
    throw new Error(`The till id must be a whole number from 1 to 999, not ${deps.tillId}.`);
  const { attempts } = deps;
  const life = createAttemptLifecycle(deps);
  const { apply, begin, requery, reversePending } = life;
  let reconciled = false;

  function requireProvider(id: string): PaymentProvider {
    const provider = deps.providers.get(id);
    if (!provider) throw new PosError('NOT_FOUND', `Payment method ${id} is not set up on this till.`, 'provider');
    return provider;
  }

  function requireReconciled(): void {
    if (!reconciled)
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        'Checking payments left from before the restart; try again in a moment.',
      );
  }

  function requireAttempt(attemptId: string): AttemptRow {
    const row = attempts.byId(attemptId);
    if (!row) throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
    return row;
  }

  const context: EngineContext = { deps, life, requireProvider, requireReconciled, requireAttempt };
  const { eventsFor } = createProviderEventHandlers(context);

  return {
    get reconciled() {
      return reconciled;
    },

    /** Rule 3: every attempt a crash left unresolved is queried before new tenders are accepted. */
    async reconcile(): Promise<void> {
      const pending = attempts.unresolved();
      const checked = await Promise.allSettled(
        pending.map(async (row) => {
          if (row.state === 'created') {
            // Journals written before attempts were inserted and marked sending in one commit
            // may hold one that was never marked sending: its request cannot have left.
            apply(
              row.id,
              { state: 'cancelled', message: 'The till stopped before this payment was sent; nothing was charged.' },
              'reconciled at start: never sent',
            );
            return;
          }
          await requery(row.id, 'reconciled at start');
        }),
      );
      // A check that failed is never forgotten: its attempt stays unresolved, blocking its own sale,
      // and is checked again on the back-off; the rest of the till takes payments meanwhile.
      checked.forEach((result, i) => {
        if (result.status === 'rejected') {
          deps.log(`Reconciling attempt ${pending[i].id} failed; it is checked again shortly`, result.reason);
          life.recheckLater(pending[i].id);
        }
      });
      // An approval that needed reversal when the till stopped and was never reversed: reverse it now.
      reversePending(null);
      reconciled = true;
    },

    start(request: StartRequest): AttemptView {
      requireReconciled();
      const provider = requireProvider(request.providerId);
      const order = deps.checkout.openOrderFor(request.orderId);
      if (provider.method === 'wallet' && !request.walletCode)
        throw new PosError('INVALID_PAYLOAD', "Scan the customer's payment code to pay by wallet.", 'walletCode');
      if (provider.method !== 'wallet' && request.walletCode)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take wallet codes.`, 'walletCode');
      if (request.tip > 0 && !provider.capabilities.tip)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take tips.`, 'tip');
      if (request.preauth && !provider.capabilities.preauth)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} cannot pre-authorise.`, 'preauth');
      // Rule 2: an order with a payment whose outcome is not known takes no other payment.
      if (attempts.liveSaleOf(order.id))
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'A payment for this sale is still being checked; its outcome comes first.',
        );
      const due = deps.amountDue(order.id);
      // A pre-authorisation may hold more than is due (a tip margin); only its capture is bounded by the sale.
      if (request.amount > due && !request.preauth)
        throw new PosError('INVALID_PAYLOAD', 'The amount is more than what is due.', 'amount');
      const options = request.preauth ? { ...request.options, preauth: true } : request.options;
      return begin(
        {
          ...request,
          ...(options ? { options } : {}),
          kind: 'sale',
          originalAttemptId: null,
          walletMasked: request.walletCode?.masked ?? null,
        },
        provider,
        request.walletCode?.value,
      );
    },

    ...createRefundAndVoidStaging(context),

    ...createCaptureAndTip(context),

    /** What each provider may tell the engine on its own; the registry wires these. */
    eventsFor,

    ...createCashierCancel(context),

    ...createManagerActions(context),

    attempt: (attemptId: string) => {
      const row = attempts.byId(attemptId);
      return row ? toAttemptView(row) : null;
    },
    hasUnresolved: (orderId: string) => attempts.liveSaleOf(orderId) !== null,
    viewsFor: (orderId: string) => attempts.byOrder(orderId).map(toAttemptView),
    needingAttention: () => attempts.needingAttention().map(toAttemptView),
    unresolved: () => attempts.unresolved().map(toAttemptView),
    /** Answers that reached the till with someone else's keys (rule 7), newest first. */
    foreignAnswers: (limit?: number) => attempts.anomalies(limit),

    async close(): Promise<void> {
      life.close();
      await Promise.all([...deps.providers.values()].map((p) => p.close().catch(() => undefined)));
    },
  };
}

export type PaymentEngine = ReturnType<typeof createPaymentEngine>;
