/**
 * The manager approval a protected cart change waits for (see the cart store): shown
 * when main answered APPROVAL_REQUIRED; approving sends the same change again with the
 * reason and the manager's approval. Keyed by the ask, so a new ask starts a fresh form.
 */
import { useStore } from 'zustand';
import { ApprovalDialog } from '../common/approval-dialog';
import { useStores } from '../common/use-stores';

export function CartApproval() {
  const { cart } = useStores();
  const ask = useStore(cart, (s) => s.approvalAsk);
  if (!ask) return null;
  return (
    <ApprovalDialog
      key={ask.id}
      title={ask.title}
      submitLabel={ask.submitLabel}
      defaultReason={ask.defaultReason}
      reason={ask.withReason ? 'required' : 'none'}
      onApprove={(approval, reason) => cart.getState().approve(approval, reason)}
      onClose={() => cart.getState().dismissApproval()}
    >
      <p>{ask.message}</p>
    </ApprovalDialog>
  );
}
