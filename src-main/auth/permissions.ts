/**
 * Who may do what, decided in main. A cashier doing a protected action needs a
 * manager's approval for that one action (PIN, or badge + PIN); a manager signed in
 * has the right already. Every decision is audited: the approval with who asked and who
 * approved, and a refusal when a call came without a valid approval.
 */
import type { Role } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { Approvals, ApprovalRequest } from './approvals';
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
  /** The user who approved: the signed-in manager, or the manager whose PIN was given. */
  approvedBy: UserRow;
}

export function createPermissions(deps: { approvals: Approvals; audit: AuditLog }) {
  return {
    async authorize(request: {
      user: UserRow;
      action: ProtectedAction;
      object: string;
      reason: string;
      amount?: number;
      approval?: ApprovalRequest | undefined;
    }): Promise<Authorization> {
      const { user, action } = request;
      const detail = {
        action,
        object: request.object,
        requestedBy: user.id,
        reason: request.reason,
        ...(request.amount !== undefined ? { amount: request.amount } : {}),
      };
      // A manager's credential for this one action (approvals.verify checks and audits it).
      if (request.approval) return { approvedBy: await deps.approvals.verify(request.approval, detail) };
      if (roleAllows(user.role, action)) {
        deps.audit.append({
          userId: user.id,
          action: 'approval',
          object: request.object,
          detail: {
            for: action,
            requestedBy: user.id,
            approvedBy: user.id,
            reason: request.reason,
            ...(request.amount !== undefined ? { amount: request.amount } : {}),
          },
        });
        return { approvedBy: user };
      }
      deps.audit.append({
        userId: user.id,
        action: 'approval.missing',
        object: request.object,
        detail: { for: action, reason: request.reason },
      });
      throw new PosError('APPROVAL_REQUIRED', `A manager must approve: ${PROTECTED_ACTIONS[action]}.`, 'approval');
    },
  };
}

export type Permissions = ReturnType<typeof createPermissions>;
