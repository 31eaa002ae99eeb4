/**
 * Manager approval, per action, enforced in main (DESIGN.md §11): the approving
 * manager's PIN is checked here with the same lockout as a login, and every approval or
 * refusal is audited with who asked, who approved, the action and its object.
 */
import { PosError } from '../../src-shared/errors';
import { canonicalBarcode } from '../catalog/gtin';
import type { AuditLog } from './audit-log';
import { verifyPin } from './pin-hash';
import type { SecurityPolicy } from './session-manager';
import type { UserReader, UserRow, UserWriter } from '../journal/user-repository';

/** A manager's PIN, or their staff badge scanned at the prompt. */
export type ApprovalRequest = { managerId: string; pin: string } | { badge: string };

export interface ApprovedAction {
  action: string;
  object: string;
  requestedBy: string;
  reason: string;
  amount?: number;
}

export function createApprovals(deps: {
  users: UserReader & UserWriter;
  audit: AuditLog;
  policy: SecurityPolicy;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return {
    /** Returns the approving manager, or throws (and audits the refusal). */
    async verify(approval: ApprovalRequest, action: ApprovedAction): Promise<UserRow> {
      const byBadge = 'badge' in approval;
      const manager = byBadge
        ? deps.users.byBadge(canonicalBarcode(approval.badge.trim()))
        : deps.users.byId(approval.managerId);
      const refuse = (code: 'APPROVAL_REQUIRED' | 'LOCKED_OUT', message: string): never => {
        deps.audit.append({
          userId: action.requestedBy,
          action: 'approval.refused',
          object: action.object,
          detail: {
            for: action.action,
            managerId: manager?.id ?? (byBadge ? null : approval.managerId),
            by: byBadge ? 'badge' : 'pin',
            why: message,
          },
        });
        throw new PosError(code, message, 'approval');
      };
      if (!manager || !manager.active || manager.role !== 'manager')
        return refuse(
          'APPROVAL_REQUIRED',
          byBadge ? "That badge is not a manager's." : 'Only a manager can approve this.',
        );
      if (byBadge) {
        deps.audit.append({
          userId: manager.id,
          action: 'approval',
          object: action.object,
          detail: {
            for: action.action,
            requestedBy: action.requestedBy,
            approvedBy: manager.id,
            by: 'badge',
            reason: action.reason,
            ...(action.amount !== undefined ? { amount: action.amount } : {}),
          },
        });
        return manager;
      }
      if (manager.locked_until && Date.parse(manager.locked_until) > now())
        return refuse('LOCKED_OUT', `${manager.name} is locked out after wrong PINs.`);
      if (!(await verifyPin(approval.pin, manager.pin_hash))) {
        const failures = manager.failed_attempts + 1;
        deps.users.recordFailure(
          manager.id,
          failures >= deps.policy.maxPinAttempts
            ? new Date(now() + deps.policy.lockoutSeconds * 1000).toISOString()
            : null,
        );
        return refuse('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.');
      }
      deps.users.clearFailures(manager.id);
      deps.audit.append({
        userId: manager.id,
        action: 'approval',
        object: action.object,
        detail: {
          for: action.action,
          requestedBy: action.requestedBy,
          approvedBy: manager.id,
          by: 'pin',
          reason: action.reason,
          ...(action.amount !== undefined ? { amount: action.amount } : {}),
        },
      });
      return manager;
    },
  };
}

export type Approvals = ReturnType<typeof createApprovals>;
