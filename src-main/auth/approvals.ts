/**
 * Manager approval bound to one action (DESIGN.md §11, issue 12). A protected call from
 * someone without the right gets an approval REQUEST from main: one random id for these
 * action(s), this object and amount, asked by this user, valid `approvalSeconds`. The same
 * call sent again with that request id and a manager's credential is approved once.
 * Anything else — no request, an unknown, expired, used or busy one, another user, action,
 * object or amount — is refused and audited, with a fresh request the dialog can use.
 * The manager's PIN goes through the shared credential check (the login's lockout).
 */
import { randomUUID } from 'node:crypto';
import { PosError, type ApprovalAsk } from '../../src-shared/errors';
import { canonicalBarcode } from '../catalog/gtin';
import type { AuditLog } from './audit-log';
import type { CredentialCheck } from './credential-check';
import type { SecurityPolicy } from './session-manager';
import type { UserReader, UserRow } from '../journal/user-repository';

/** A manager's credential, sent with the request it approves (contract `approval`). */
export type ApprovalRequest =
  { requestId?: string; managerId: string; pin: string } | { requestId?: string; badge: string; pin?: string };

/** One thing a call needs approved: the action, its object and (when it moves money) the amount. */
export interface ApprovalNeed {
  action: string;
  object: string;
  reason: string;
  amount?: number;
  /** The action as a cashier reads it, e.g. "void an item". */
  label: string;
}

export interface ApprovalPolicy extends SecurityPolicy {
  /** How long an approval request stays usable. */
  approvalSeconds: number;
  /** A manager's badge alone (no PIN) approves. */
  badgeAlone: boolean;
}

interface PendingRequest {
  ask: ApprovalAsk;
  key: string;
  requestedBy: string;
  expiresAt: number;
  /** Set synchronously while a credential is being checked: a second use at the same time is refused. */
  busy: boolean;
}

/** Requests kept at most; the oldest go first (each one also expires). */
const MAX_PENDING = 500;

const needsKey = (needs: readonly ApprovalNeed[]): string =>
  JSON.stringify(needs.map((n) => [n.action, n.object, n.amount ?? null]));

export function createApprovals(deps: {
  users: UserReader;
  audit: AuditLog;
  policy: ApprovalPolicy;
  credentials: CredentialCheck;
  now?: () => number;
}) {
  const now = deps.now ?? (() => Date.now());
  const pending = new Map<string, PendingRequest>();

  const sweep = () => {
    const at = now();
    for (const [id, request] of pending) if (request.expiresAt <= at && !request.busy) pending.delete(id);
    while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
  };

  const forWhat = (needs: readonly ApprovalNeed[]) => needs.map((n) => n.action).join('+');
  /** The ask names one amount; a request for several needs lists each in its audit entry. */
  const amountOf = (needs: readonly ApprovalNeed[]) => (needs.length === 1 ? needs[0].amount : undefined);

  /** Issues a request for these needs (audited) and returns what the dialog is told. */
  function request(needs: readonly ApprovalNeed[], requestedBy: string): ApprovalAsk {
    sweep();
    const expiresAt = now() + deps.policy.approvalSeconds * 1000;
    const amount = amountOf(needs);
    const ask: ApprovalAsk = {
      requestId: randomUUID(),
      action: forWhat(needs),
      description: `A manager must approve: ${needs.map((n) => n.label).join(' and ')}.`,
      ...(amount !== undefined ? { amount } : {}),
      expiresAt: new Date(expiresAt).toISOString(),
    };
    pending.set(ask.requestId, { ask, key: needsKey(needs), requestedBy, expiresAt, busy: false });
    deps.audit.append({
      userId: requestedBy,
      action: 'approval.requested',
      object: needs[0].object,
      detail: {
        for: ask.action,
        requestId: ask.requestId,
        needs: needs.map((n) => ({
          action: n.action,
          object: n.object,
          ...(n.amount !== undefined ? { amount: n.amount } : {}),
        })),
        reason: needs[0].reason,
        expiresAt: ask.expiresAt,
      },
    });
    return ask;
  }

  /**
   * Returns the approving manager, or throws (and audits the refusal). The request is taken
   * before any await, so two calls carrying one request cannot both be approved.
   */
  async function verify(
    approval: ApprovalRequest,
    needs: readonly ApprovalNeed[],
    requestedBy: string,
  ): Promise<UserRow> {
    const byBadge = 'badge' in approval;
    const by = byBadge ? (approval.pin !== undefined ? 'badge+pin' : 'badge') : 'pin';
    const object = needs[0].object;
    const refusal = (why: string, managerId: string | null, request: ApprovalAsk | null, detail = {}) =>
      deps.audit.append({
        userId: requestedBy,
        action: 'approval.refused',
        object,
        detail: {
          for: forWhat(needs),
          managerId,
          by,
          why,
          requestId: approval.requestId ?? null,
          ...(request && request.requestId !== approval.requestId ? { newRequestId: request.requestId } : {}),
          ...detail,
        },
      });
    /** Refused, with a fresh request for the call as it stands now. */
    const refuseFresh = (why: string, message: string): never => {
      const fresh = request(needs, requestedBy);
      refusal(why, byBadge ? null : approval.managerId, fresh);
      throw new PosError('APPROVAL_REQUIRED', message, 'approval', fresh);
    };

    const id = approval.requestId;
    if (id === undefined) return refuseFresh('no request', 'A manager must approve this action itself: try again.');
    const held = pending.get(id);
    if (!held) return refuseFresh('unknown request', 'That approval is not valid any more: try again.');
    if (held.expiresAt <= now()) {
      if (!held.busy) pending.delete(id);
      return refuseFresh('expired', 'That approval has expired: try again.');
    }
    if (held.busy) return refuseFresh('in use', 'That approval is being checked already.');
    if (held.requestedBy !== requestedBy)
      return refuseFresh('another user', 'That approval was asked for by someone else: try again.');
    if (held.key !== needsKey(needs))
      return refuseFresh('another action', 'That approval was for something else: try again.');
    held.busy = true;

    /** Refused; the request stays usable until it expires (a wrong PIN: the dialog tries again). */
    const refuseKeep = (
      code: 'APPROVAL_REQUIRED' | 'LOCKED_OUT',
      why: string,
      message: string,
      managerId: string | null,
      detail = {},
    ): never => {
      held.busy = false;
      refusal(why, managerId, held.ask, detail);
      throw new PosError(code, message, 'approval', held.ask);
    };
    const lockedSentence = (manager: UserRow) => `${manager.name} is locked out after wrong PINs.`;

    let manager: UserRow | null;
    if (byBadge) {
      const open = deps.credentials.badgeOpen();
      if (!open.ok)
        return refuseKeep(
          'LOCKED_OUT',
          'badges locked',
          'Too many unknown badges: badges cannot approve for a while. Use a PIN.',
          null,
          { lockedUntil: open.lockedUntil },
        );
      const owner = deps.users.byBadge(canonicalBarcode(approval.badge.trim()));
      manager = owner && owner.active && owner.role === 'manager' ? owner : null;
      if (!manager) {
        const counted = deps.credentials.badgeFailed();
        return refuseKeep('APPROVAL_REQUIRED', 'not a manager badge', "That badge is not a manager's.", null, {
          badgeFailures: counted.failures,
          ...(counted.lockedUntil ? { badgesLockedUntil: counted.lockedUntil } : {}),
        });
      }
      if (approval.pin === undefined) {
        if (!deps.policy.badgeAlone)
          return refuseKeep(
            'APPROVAL_REQUIRED',
            'badge without PIN',
            `${manager.name}'s badge was read: enter their PIN as well.`,
            manager.id,
          );
        if (deps.credentials.isLocked(manager))
          return refuseKeep('LOCKED_OUT', 'locked', lockedSentence(manager), manager.id);
        deps.credentials.badgeSucceeded();
      }
    } else {
      const user = deps.users.byId(approval.managerId);
      manager = user && user.active && user.role === 'manager' ? user : null;
      if (!manager)
        return refuseKeep('APPROVAL_REQUIRED', 'not a manager', 'Only a manager can approve this.', approval.managerId);
    }

    if (approval.pin !== undefined) {
      const checked = await deps.credentials.checkPin(manager, approval.pin);
      if (!checked.ok && (checked.reason === 'locked' || checked.lockedUntil))
        return refuseKeep('LOCKED_OUT', 'locked', lockedSentence(manager), manager.id, {
          lockedUntil: checked.lockedUntil,
        });
      if (!checked.ok)
        return refuseKeep('APPROVAL_REQUIRED', 'wrong PIN', 'Wrong manager PIN: the action was not done.', manager.id, {
          failures: checked.failures,
        });
      if (byBadge) deps.credentials.badgeSucceeded();
    }

    // Used: gone for good, whatever happens to the action next.
    pending.delete(id);
    deps.audit.append({
      userId: manager.id,
      action: 'approval',
      object,
      detail: {
        for: forWhat(needs),
        requestedBy,
        approvedBy: manager.id,
        by,
        requestId: id,
        reason: needs[0].reason,
        ...(needs.length === 1 && needs[0].amount !== undefined ? { amount: needs[0].amount } : {}),
        ...(needs.length > 1
          ? {
              needs: needs.map((n) => ({
                action: n.action,
                object: n.object,
                reason: n.reason,
                ...(n.amount !== undefined ? { amount: n.amount } : {}),
              })),
            }
          : {}),
      },
    });
    return manager;
  }

  return { request, verify };
}

export type Approvals = ReturnType<typeof createApprovals>;
