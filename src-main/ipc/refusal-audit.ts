/**
 * Which refusals enter the audit trail (issue 12 item 7: refusals on manager-only channels were
 * not audited). The dispatcher tells every refusal to `createRefusalAudit(...)`; this keeps:
 * - FORBIDDEN: someone signed in asked for what their role may not do (a cashier on a manager's
 *   channel), or for what this till does not offer;
 * - NOT_AUTHENTICATED and SESSION_LOCKED on channels that act. The screens reload what they show
 *   (the cart, the devices, payments needing attention…) on every event, signed in or not, so
 *   refusals of those reads are the till's normal life while it is locked, not an attempt.
 * Not kept here: an invalid payload (refused before any handler, nothing happened), and
 * refusals the auth code audits itself with more detail (APPROVAL_REQUIRED, BAD_CREDENTIALS,
 * LOCKED_OUT). An entry holds the channel, the code, the field at fault and the user, never
 * the payload or the message.
 */
import type { ChannelName } from '../../src-shared/contract';
import type { ErrorCode, PosErrorShape } from '../../src-shared/errors';
import type { AuditLog } from '../auth/audit-log';

/** Channels that only read what the screens show: refused for want of a session, not audited. */
export const SCREEN_READS: ReadonlySet<ChannelName> = new Set<ChannelName>([
  'pos:app.info',
  'pos:session.users',
  'pos:session.current',
  'pos:catalog.search',
  'pos:catalog.grid',
  'pos:cart.current',
  'pos:payments.attention',
  'pos:devices.status',
  'pos:devices.hidList',
  'pos:terminals.list',
  'pos:shift.current',
  'pos:reports.x',
  'pos:reports.z',
  'pos:reports.list',
  'pos:refunds.refundable',
  'pos:refunds.forOrder',
  'pos:refunds.receipt',
  'pos:orders.history',
  'pos:orders.get',
  'pos:demo.terminal',
  'pos:audit.verify',
]);

const WITHOUT_SESSION: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['NOT_AUTHENTICATED', 'SESSION_LOCKED']);

/** A field name as audited: the dispatcher bounds it already; this keeps the entry small whatever calls it. */
const MAX_AUDITED_FIELD = 60;

/** Whether a refusal on this channel enters the audit trail. */
export function isAuditedRefusal(channel: ChannelName, code: ErrorCode): boolean {
  if (code === 'FORBIDDEN') return true;
  return WITHOUT_SESSION.has(code) && !SCREEN_READS.has(channel);
}

export function createRefusalAudit(deps: {
  audit: Pick<AuditLog, 'append'>;
  /** The signed-in user, if any (a locked or absent session audits no user). */
  userId(): string | null;
}): (channel: ChannelName, error: PosErrorShape) => void {
  return (channel, error) => {
    if (!isAuditedRefusal(channel, error.code)) return;
    deps.audit.append({
      userId: deps.userId(),
      action: 'refused',
      object: `channel:${channel}`,
      detail: {
        code: error.code,
        ...(error.field ? { field: error.field.slice(0, MAX_AUDITED_FIELD) } : {}),
      },
    });
  };
}
