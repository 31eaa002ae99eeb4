/**
 * Who may do what, decided in main. A cashier doing a protected action needs a
 * manager's approval for that one action: main issues an approval request, and the same
 * call sent again with the request id and a manager's PIN (or badge) is approved once
 * (approvals.ts). A manager signed in has the right already. Every decision is audited:
 * the request, the approval with who asked and who approved, and every refusal.
 */
import type { Role } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { ApprovalNeed, Approvals, ApprovalRequest } from './approvals';
import type { AuditLog } from './audit-log';
import type { UserRow } from '../journal/user-repository';

export const PROTECTED_ACTIONS = {
  'line.void': 'void an item',
  'order.void': 'void the sale',
  refund: 'refund',
  'price.override': 'override a price',
  'discount.overLimit': 'give a discount over the limit',
  'drawer.noSale': 'open the drawer without a sale',
  'payment.settle': 'settle a payment whose outcome is unknown',
  'payment.release': 'take another payment while one is still being checked',
  'payment.resolve': 'close a flagged payment',
  'payment.void': 'void a card payment',
  'payment.capture': 'take a held pre-authorisation',
  'payment.tip': 'change a tip above the limit',
  cashback: 'give cash back above the limit',
  'cash.move': 'put cash in or take cash out',
  'shift.close': 'close the shift',
} as const;

export type ProtectedAction = keyof typeof PROTECTED_ACTIONS;

/** Managers hold every protected right; cashiers none. */
export function roleAllows(role: Role, _action: ProtectedAction): boolean {
  return role === 'manager';
}

export interface Authorization {
  /** The user who approved: the signed-in manager, or the manager whose credential was given. */
  approvedBy: UserRow;
}

/** One protected action a call needs approved. */
export interface ProtectedNeed {
  action: ProtectedAction;
  object: string;
  reason: string;
  amount?: number;
}

export function createPermissions(deps: { approvals: Approvals; audit: AuditLog }) {
  /**
   * Approves every need of one call at once: a signed-in manager approves them themselves;
   * otherwise ONE approval request covers them all (e.g. a tip and cash back above their
   * limits on one card payment), and one manager's credential approves it once.
   */
  async function authorizeAll(request: {
    user: UserRow;
    needs: readonly ProtectedNeed[];
    approval?: ApprovalRequest | undefined;
  }): Promise<Authorization> {
    const { user } = request;
    const needs: ApprovalNeed[] = request.needs.map((need) => ({ ...need, label: PROTECTED_ACTIONS[need.action] }));
    if (needs.length === 0) return { approvedBy: user };
    if (request.approval) return { approvedBy: await deps.approvals.verify(request.approval, needs, user.id) };
    if (request.needs.every((need) => roleAllows(user.role, need.action))) {
      for (const need of needs)
        deps.audit.append({
          userId: user.id,
          action: 'approval',
          object: need.object,
          detail: {
            for: need.action,
            requestedBy: user.id,
            approvedBy: user.id,
            reason: need.reason,
            ...(need.amount !== undefined ? { amount: need.amount } : {}),
          },
        });
      return { approvedBy: user };
    }
    const ask = deps.approvals.request(needs, user.id);
    throw new PosError('APPROVAL_REQUIRED', ask.description, 'approval', ask);
  }

  return {
    authorizeAll,
    /** One need: see `authorizeAll`. */
    authorize(request: ProtectedNeed & { user: UserRow; approval?: ApprovalRequest | undefined }) {
      const { user, approval, ...need } = request;
      return authorizeAll({ user, needs: [need], approval });
    },
  };
}

export type Permissions = ReturnType<typeof createPermissions>;
