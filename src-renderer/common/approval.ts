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

/** What a protected call is sent again with once a manager approved it. */
export interface Approved {
  reason?: string;
  approval?: Approval;
}

/**
 * One protected call main refused with APPROVAL_REQUIRED, waiting for the approval dialog:
 * `wait` parks it (settling any earlier one as not approved) and resolves once the manager
 * decided — with the call's result, or null when nobody approved. `approve` sends the SAME
 * call again with the reason and the approval and answers the dialog's sentence (a wrong
 * PIN leaves it waiting); `dismiss` drops it. `show` puts the ask on the store (null: none).
 */
export function createApprovalWaiter<T, Ask>(show: (ask: (Ask & { id: number; message: string }) | null) => void) {
  let askId = 0;
  let waiting: { call(extra: Approved): Promise<T>; settle(result: T | null): void } | null = null;
  return {
    wait(ask: Ask, message: string, call: (extra: Approved) => Promise<T>): Promise<T | null> {
      waiting?.settle(null);
      return new Promise<T | null>((settle) => {
        waiting = { call, settle };
        askId += 1;
        show({ ...ask, id: askId, message });
      });
    },
    /** Null when it went through (after `applied`), else the sentence for the dialog. */
    async approve(
      approval: Approval | undefined,
      reason: string | undefined,
      applied: (result: T) => void,
      describe: (error: unknown) => string,
    ): Promise<string | null> {
      const current = waiting;
      if (!current) return 'Nothing is waiting for a manager.';
      let result: T;
      try {
        result = await current.call({ ...(reason ? { reason } : {}), ...withApproval(approval) });
      } catch (error) {
        // A wrong PIN, a lockout, or the action no longer possible: said in the dialog.
        return describe(error);
      }
      if (waiting === current) {
        waiting = null;
        show(null);
      }
      applied(result);
      current.settle(result);
      return null;
    },
    /** True when something was waiting (and is now dropped). */
    dismiss(): boolean {
      const current = waiting;
      waiting = null;
      show(null);
      current?.settle(null);
      return current !== null;
    },
  };
}
