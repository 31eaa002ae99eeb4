/**
 * The shift's protected actions, each behind the manager approval dialog: cash in or out
 * of the drawer (amount and reason), and the close, where the drawer is counted per
 * denomination against what main expects, the variance shown live before anything is
 * sent. A drawer that does not match needs a reason. Main checks the approval and
 * writes the Z report; these only collect.
 */
import { useState } from 'react';
import { currencyExponent } from '../../src-shared/money';
import type { ShiftView } from '../../src-shared/report';
import { ApprovalDialog } from '../common/approval-dialog';
import { parseFixed } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';
import { DenominationTable } from './denomination-table';
import { readCount, type CountTexts } from './denominations';
import type { CashMoveKind } from './shift-store';

export function CashMoveDialog({ kind, currency, onClose }: { kind: CashMoveKind; currency: string; onClose(): void }) {
  const { shift } = useStores();
  const [text, setText] = useState('');
  const amount = parseFixed(text, currencyExponent(currency));

  return (
    <ApprovalDialog
      title={kind === 'in' ? 'Cash in' : 'Cash out'}
      submitLabel={kind === 'in' ? 'Put cash in' : 'Take cash out'}
      validate={() => (amount === null || amount <= 0 ? 'Enter the amount, for example 50 or 12.50.' : null)}
      onApprove={(approval, reason) => shift.getState().cashMove(kind, amount!, reason, approval)}
      onClose={onClose}
    >
      <p>
        {kind === 'in'
          ? 'Cash put into the drawer (more change, a top-up).'
          : 'Cash taken out of the drawer (a drop to the safe, a paid-out).'}
      </p>
      <label>
        Amount ({currency})
        <input
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          data-autofocus
          onChange={(event) => setText(event.target.value)}
        />
      </label>
    </ApprovalDialog>
  );
}

/** "$0.00 (exact)", "$0.05 over", "$1.20 short". */
function varianceText(variance: number, money: (minor: number) => string): string {
  if (variance === 0) return `${money(0)} (exact)`;
  return variance > 0 ? `${money(variance)} over` : `${money(-variance)} short`;
}

export function CloseShiftDialog({
  current,
  currency,
  onClose,
}: {
  current: ShiftView;
  currency: string;
  onClose(): void;
}) {
  const { shift } = useStores();
  const money = useMoney();
  const m = (minor: number) => money(minor, currency);
  const [texts, setTexts] = useState<CountTexts>({});
  const { counts, total } = readCount(currency, texts);
  const variance = total - current.expectedCash;

  return (
    <ApprovalDialog
      title="Close shift"
      submitLabel="Close shift"
      // The till cannot know main's variance limit: any difference asks why, so main never refuses after the PIN.
      reason={variance === 0 ? 'optional' : 'required'}
      validate={() => (counts === null ? 'Each count is a whole number of notes or coins (0 or more).' : null)}
      onApprove={(approval, reason) => shift.getState().close(counts!, reason, approval)}
      onClose={onClose}
    >
      <p>Count the drawer. The shift closes with this count and its Z report is written.</p>
      <DenominationTable caption="Drawer count" currency={currency} texts={texts} onChange={setTexts} autoFocus />
      <dl className="cash-compare" aria-live="polite">
        <div>
          <dt>Expected</dt>
          <dd>{m(current.expectedCash)}</dd>
        </div>
        <div>
          <dt>Counted</dt>
          <dd>{m(total)}</dd>
        </div>
        <div className={variance === 0 ? 'variance-ok' : 'variance-off'}>
          <dt>Variance</dt>
          <dd>{varianceText(variance, m)}</dd>
        </div>
      </dl>
      {variance !== 0 && <p className="hint">The drawer does not match: say why in the reason.</p>}
    </ApprovalDialog>
  );
}
