/**
 * Handlers of the tender and payment channels: cash, starting and cancelling a card or
 * wallet payment, and what follows one — the attention list, capturing a held card, tip
 * changes, voids, refunds (through the refund ledger), and a manager settling, releasing or
 * resolving an attempt whose outcome is unknown. A provider's capabilities decide what may be
 * asked of it; tips and cash back above the store's limits need a manager.
 */
import { PosError } from '../../src-shared/errors';
import type { Permissions } from '../auth/permissions';
import type { SessionManager } from '../auth/session-manager';
import type { Catalog } from '../catalog/catalog';
import type { AppConfig } from '../config/config-schema';
import type { OrderReader } from '../journal/order-repository';
import type { PaymentEngine } from '../payments/engine/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import type { Checkout } from '../sales/checkout';
import type { RefundService } from '../sales/refund-service';
import type { Handlers } from './dispatcher';

export type PaymentChannels =
  | 'pos:tender.cash'
  | 'pos:tender.start'
  | 'pos:tender.cancel'
  | 'pos:payments.attention'
  | 'pos:payments.capture'
  | 'pos:payments.adjustTip'
  | 'pos:payments.void'
  | 'pos:payments.refund'
  | 'pos:payments.settle'
  | 'pos:payments.release'
  | 'pos:payments.resolve';

export interface PaymentHandlerDeps {
  config: AppConfig;
  sessions: SessionManager;
  /** Resolves a scanned customer payment code (wallet) for `pos:tender.start`. */
  catalog: Catalog;
  checkout: Checkout;
  /** Sales by id: the sale a payment is for is looked up before anything else. */
  orders: Pick<OrderReader, 'byId'>;
  engine: PaymentEngine;
  /** The refund ledger: every payment refund and void goes through it. */
  refunds: RefundService;
  permissions: Permissions;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** The lanes of a provider with the `lanes` capability (each its own tender); [] otherwise. */
  lanes(providerId: string): string[];
}

/** Builds the tender and payment handlers. */
export function createPaymentHandlers(deps: PaymentHandlerDeps): Pick<Handlers, PaymentChannels> {
  const { config, sessions, catalog, engine, permissions } = deps;

  /** Voids and refunds ask the terminal's own manager too where it can, unless the call or the config says otherwise. */
  const terminalAuth = (attemptId: string, asked: boolean | undefined) => {
    const attempt = engine.attempt(attemptId);
    const provider = attempt ? deps.providers.get(attempt.provider) : undefined;
    if (!provider?.capabilities.terminalAuthentication) return {};
    const on = asked ?? provider.defaults?.terminalAuthentication ?? false;
    return on ? { options: { terminalAuthentication: true } } : {};
  };

  const defaultTerminal = (providerId: string): string | null => deps.lanes(providerId)[0] ?? null;

  /** The payment a call names, or NOT_FOUND: looked up before any manager approves an action on it. */
  const attemptOf = (attemptId: string) => {
    const attempt = engine.attempt(attemptId);
    if (!attempt) throw new PosError('NOT_FOUND', `No payment ${attemptId} on this till.`, 'attemptId');
    return attempt;
  };

  return {
    'pos:tender.cash': ({ orderId, tendered }) => {
      sessions.require();
      return deps.checkout.takeCash(orderId, tendered);
    },
    'pos:tender.start': async ({
      orderId,
      provider,
      terminal,
      amount,
      tip,
      walletCode,
      onScreenTip,
      preauth,
      cashback,
      reason,
      approval,
    }) => {
      const user = sessions.require();
      // An unknown sale or payment method is refused before any manager approves a tip or cash back on it.
      if (!deps.orders.byId(orderId)) throw new PosError('NOT_FOUND', `No sale ${orderId} on this till.`, 'orderId');
      if (!deps.providers.has(provider))
        throw new PosError('NOT_FOUND', `Payment method ${provider} is not set up on this till.`, 'provider');
      // What the provider cannot do is refused before any manager's PIN is spent on the sale.
      if (onScreenTip && deps.providers.get(provider)?.capabilities.onScreenTip !== true) {
        const label = deps.providers.get(provider)?.label ?? provider;
        const sentence = `${label} cannot let the customer choose a tip on its terminal.`;
        throw new PosError('INVALID_PAYLOAD', sentence, 'onScreenTip');
      }
      if (cashback > 0 && deps.providers.get(provider)?.capabilities.cashback !== true) {
        const label = deps.providers.get(provider)?.label ?? provider;
        throw new PosError('INVALID_PAYLOAD', `${label} does not give cash back.`, 'cashback');
      }
      // A tip keyed at the till follows the same rules as one changed later: never more than the sale, a manager above the limit.
      if (tip > amount) throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale itself.', 'tip');
      // Cash back leaves the drawer: above the store's limit a manager approves it. A tip and cash back both
      // above their limits are ONE approval request naming both (issue 12: an approval is good for one call).
      const object = `order:${orderId}`;
      await permissions.authorizeAll({
        user,
        needs: [
          ...(tip * 10_000 > amount * config.security.tipLimitBasisPoints
            ? [{ action: 'payment.tip' as const, object, reason: reason || 'tip', amount: tip }]
            : []),
          ...(cashback > 0 && cashback > config.security.cashbackLimit
            ? [{ action: 'cashback' as const, object, reason: reason || 'cash back', amount: cashback }]
            : []),
        ],
        approval,
      });
      let wallet: { value: string; masked: string } | undefined;
      if (walletCode !== undefined) {
        const scan = catalog.resolveScan(walletCode);
        if (scan.kind !== 'wallet')
          throw new PosError('INVALID_PAYLOAD', 'That is not a customer payment code.', 'walletCode');
        wallet = { value: scan.wallet.reveal(), masked: scan.wallet.masked };
      }
      return engine.start({
        orderId,
        providerId: provider,
        terminal: terminal ?? defaultTerminal(provider),
        amount,
        tip,
        userId: user.id,
        ...(wallet ? { walletCode: wallet } : {}),
        preauth,
        ...(onScreenTip || cashback
          ? { options: { ...(onScreenTip ? { onScreenTip: true } : {}), ...(cashback ? { cashback } : {}) } }
          : {}),
      });
    },
    'pos:tender.cancel': ({ attemptId }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      return engine.cancel(attemptId, user.id);
    },

    'pos:payments.attention': () => {
      sessions.require();
      const foreign = engine
        .foreignAnswers(50)
        .map(({ at, provider, terminal, reason }) => ({ at, provider, terminal, reason }));
      return { unresolved: engine.unresolved(), flagged: engine.needingAttention(), foreign };
    },
    'pos:payments.capture': async ({ attemptId, amount, tip, reason, approval }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      // Every capture takes money on a held card: a manager approves it, for this amount.
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.capture',
        object: `attempt:${attemptId}`,
        reason: reason || 'capture',
        amount: amount + tip,
        approval,
      });
      return engine.capture({ attemptId, amount, tip, userId: approvedBy.id });
    },
    'pos:payments.adjustTip': async ({ attemptId, tip, reason, approval }) => {
      const user = sessions.require();
      const sale = attemptOf(attemptId);
      const base = sale ? sale.amount : 0;
      // Refused before a manager's PIN is spent on it: a tip is never more than the sale (the engine checks again).
      if (sale && tip > base)
        throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale itself.', 'tip');
      // A tip above the store's share of the sale needs a manager.
      const overLimit = base > 0 && tip * 10_000 > base * config.security.tipLimitBasisPoints;
      const approvedBy = overLimit
        ? (
            await permissions.authorize({
              user,
              action: 'payment.tip',
              object: `attempt:${attemptId}`,
              reason: reason || 'tip change',
              amount: tip,
              approval,
            })
          ).approvedBy.id
        : user.id;
      return engine.adjustTip({ attemptId, tip, userId: approvedBy });
    },
    'pos:payments.void': async ({ attemptId, reason, approval, terminalAuthentication }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.void',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return deps.refunds.voidPayment({
        attemptId,
        reason,
        userId: user.id,
        approvedBy: approvedBy.id,
        ...terminalAuth(attemptId, terminalAuthentication),
      });
    },
    'pos:payments.refund': async ({ attemptId, amount, reason, approval, terminalAuthentication }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'refund',
        object: `attempt:${attemptId}`,
        reason,
        amount,
        approval,
      });
      return deps.refunds.refundPayment({
        attemptId,
        amount,
        reason,
        userId: user.id,
        approvedBy: approvedBy.id,
        ...terminalAuth(attemptId, terminalAuthentication),
      });
    },
    'pos:payments.settle': async ({ attemptId, outcome, evidence, reason, approval }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.settle',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return engine.settle({ attemptId, outcome, evidence, reason, managerId: approvedBy.id });
    },
    'pos:payments.release': async ({ attemptId, reason, approval }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.release',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return engine.release({ attemptId, managerId: approvedBy.id, reason });
    },
    'pos:payments.resolve': async ({ attemptId, resolution, evidence, reason, approval }) => {
      const user = sessions.require();
      attemptOf(attemptId);
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.resolve',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return deps.refunds.resolvePayment({
        attemptId,
        resolution,
        evidence,
        reason,
        managerId: approvedBy.id,
        userId: user.id,
      });
    },
  };
}
