/**
 * A manager's credential for one protected action (contract `approval`), shared by every
 * store whose calls main may refuse with APPROVAL_REQUIRED. Left out when the signed-in
 * user is a manager: main then records them as the approver.
 */
import type { ChannelInput } from '../../src-shared/contract';

export type Approval = NonNullable<ChannelInput<'pos:payments.void'>['approval']>;

/** The approval field of a protected call: present only when a manager's PIN was given. */
export function withApproval(approval: Approval | undefined): { approval?: Approval } {
  return approval ? { approval } : {};
}
