/**
 * Manager approval for one protected action (void, refund, settle, no-sale; the lead
 * reuses it for overrides and shift close): pick the approving manager, their PIN on
 * the pad, and the reason. The action's own fields (an amount, evidence…) come in as
 * children and are checked by `validate` first. Main checks the PIN and audits; this
 * dialog only collects. The PIN is cleared after every try, right or wrong.
 * A manager signed in at the till already holds the right (main records them as the
 * approver): the dialog then asks only for the reason and sends no approval.
 * A staff badge scanned here goes with the PIN (issue 12); alone only where the store's
 * `security.badgeAlone` allows it — otherwise main answers asking for the PIN as well.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useStores } from './use-stores';
import type { Approval } from './approval';
import { ModalDialog } from './modal-dialog';
import { PinField } from './pin-field';
import { interceptScans } from './scan-interceptor';

export interface ApprovalDialogProps {
  title: string;
  /** The approve button's words, e.g. "Void payment". */
  submitLabel: string;
  /** What is being approved, and the action's own fields. */
  children?: ReactNode;
  /** Checks the action's own fields before anything is sent: a sentence stops the submit. */
  validate?(): string | null;
  defaultReason?: string;
  /**
   * 'required' (the default): 3 characters or more. 'optional': may stay empty (main then
   * words it). 'none': the call carries no reason, so none is asked; '' is passed on.
   */
  reason?: 'required' | 'optional' | 'none';
  /**
   * Sends the action. `approval` is undefined when the signed-in user is a manager.
   * Resolves with null when main accepted it (the dialog closes), else the sentence to show.
   */
  onApprove(approval: Approval | undefined, reason: string): Promise<string | null>;
  onClose(): void;
}

const REASON_MIN = 3;
const REASON_MAX = 200;

export function ApprovalDialog({
  title,
  submitLabel,
  children,
  validate,
  defaultReason = '',
  reason: reasonMode = 'required',
  onApprove,
  onClose,
}: ApprovalDialogProps) {
  const { session } = useStores();
  const users = useStore(session, (s) => s.users);
  const signedIn = useStore(session, (s) => s.session?.user ?? null);
  const selfApproved = signedIn?.role === 'manager';
  const managers = users.filter((user) => user.role === 'manager');
  const [picked, setPicked] = useState<string | null>(null);
  const managerId = picked ?? (managers.length === 1 ? managers[0].id : null);
  const [pin, setPin] = useState('');
  // A manager's badge scanned here: sent with the PIN unless the store lets the badge approve alone.
  const [badge, setBadge] = useState<string | null>(null);
  const [reason, setReason] = useState(defaultReason);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonId = useId();

  const reasonProblem = (): string | null =>
    (reasonMode === 'required' && reason.trim().length < REASON_MIN ? 'Say why (3 characters or more).' : null) ??
    (reasonMode === 'optional' && reason.trim().length > 0 && reason.trim().length < REASON_MIN
      ? 'Say why in 3 characters or more, or leave the reason empty.'
      : null);

  async function send(approval: Approval | undefined) {
    setBusy(true);
    setError(null);
    const failure = await onApprove(approval, reasonMode === 'none' ? '' : reason.trim());
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const problem =
      validate?.() ??
      (!selfApproved && badge === null && managerId === null ? 'Choose the approving manager.' : null) ??
      (!selfApproved && !/^\d{4,8}$/.test(pin) ? "Enter the manager's PIN (4 to 8 digits)." : null) ??
      reasonProblem();
    if (problem) return setError(problem);
    const typedPin = pin;
    setPin('');
    await send(
      selfApproved ? undefined : badge !== null ? { badge, pin: typedPin } : { managerId: managerId!, pin: typedPin },
    );
  }

  // A manager's staff badge scanned at this prompt approves, like their PIN (main checks it).
  const onBadge = useRef<(code: string) => void>(() => undefined);
  onBadge.current = (code: string) => {
    if (busy || selfApproved) return;
    const problem = validate?.() ?? reasonProblem();
    if (problem) return setError(`${problem} Then scan the badge again.`);
    setBadge(code);
    // With a PIN already typed, badge and PIN go together; alone, main may ask for the PIN as well.
    const typedPin = /^\d{4,8}$/.test(pin) ? pin : null;
    setPin('');
    void send(typedPin ? { badge: code, pin: typedPin } : { badge: code });
  };
  useEffect(() => interceptScans((code) => onBadge.current(code)), []);

  return (
    <ModalDialog title={title} onClose={onClose}>
      <form className="approval-form" onSubmit={submit}>
        {children}
        {selfApproved ? (
          <p className="hint">You are signed in as a manager ({signedIn.name}): this is recorded as approved by you.</p>
        ) : managers.length === 0 ? (
          <p className="field-error">No manager is set up on this till, so this cannot be approved here.</p>
        ) : (
          <>
            <fieldset className="choice">
              <legend>Approving manager</legend>
              {managers.map((manager) => (
                <label key={manager.id}>
                  <input
                    type="radio"
                    name="manager"
                    checked={manager.id === managerId}
                    onChange={() => {
                      setPicked(manager.id);
                      setBadge(null);
                    }}
                  />{' '}
                  {manager.name}
                </label>
              ))}
            </fieldset>
            <PinField label="Manager PIN" value={pin} onChange={setPin} autoFocus />
            <p className="hint">
              {badge === null
                ? "Or scan the manager's staff badge."
                : "Badge scanned: enter the manager's PIN if asked, then approve."}
            </p>
          </>
        )}
        {reasonMode !== 'none' && (
          <>
            <label htmlFor={reasonId}>{reasonMode === 'optional' ? 'Reason (optional)' : 'Reason'}</label>
            <input
              id={reasonId}
              name="reason"
              autoComplete="off"
              maxLength={REASON_MAX}
              data-autofocus={selfApproved ? true : undefined}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </>
        )}
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy || (!selfApproved && managers.length === 0)}>
            {busy ? 'Checking…' : submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
