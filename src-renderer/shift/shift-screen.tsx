/**
 * Shift (F9): with no shift open, the float is counted per denomination and the shift
 * opened. With one open: who opened it and when, the float, the cash the drawer should
 * hold, cash in / out, the X report, and the close (count, variance, Z report). The
 * report on screen and the list of Z reports sit below.
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import type { ShiftView } from '../../src-shared/report';
import { dateTime } from '../common/time-text';
import { useLocale, useMoney, useStores } from '../common/use-stores';
import { DenominationTable } from './denomination-table';
import { readCount, type CountTexts } from './denominations';
import { ShownReport, ZReportList } from './reports-panel';
import { CashMoveDialog, CloseShiftDialog } from './shift-dialogs';
import type { CashMoveKind } from './shift-store';

function OpenShiftForm({ currency }: { currency: string }) {
  const { shift } = useStores();
  const busy = useStore(shift, (s) => s.busy);
  const [texts, setTexts] = useState<CountTexts>({});
  const [problem, setProblem] = useState<string | null>(null);
  const { counts } = readCount(currency, texts);

  async function open() {
    if (counts === null) return setProblem('Each count is a whole number of notes or coins (0 or more).');
    setProblem(null);
    if (await shift.getState().open(counts)) setTexts({});
  }

  return (
    <section aria-labelledby="open-shift-heading" className="open-shift">
      <h3 id="open-shift-heading">No shift is open</h3>
      <p className="hint">
        Count the float in the drawer, then open the shift. A sale rung up first opens one with an empty float.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void open();
        }}
      >
        <DenominationTable caption="Float" currency={currency} texts={texts} onChange={setTexts} />
        <p role="alert" className="field-error">
          {problem ?? ''}
        </p>
        <button type="submit" className="primary" disabled={busy}>
          Open shift
        </button>
      </form>
    </section>
  );
}

type ShiftDialog = { kind: 'move'; move: CashMoveKind } | { kind: 'close' } | null;

function OpenShift({ current, currency }: { current: ShiftView; currency: string }) {
  const { shift, reports } = useStores();
  const reportBusy = useStore(reports, (s) => s.busy);
  const money = useMoney();
  const locale = useLocale();
  const [dialog, setDialog] = useState<ShiftDialog>(null);
  const m = (minor: number) => money(minor, currency);

  function closeShift() {
    // The expected cash moves with every cash sale and refund: read it again first.
    void shift.getState().load();
    setDialog({ kind: 'close' });
  }

  return (
    <section aria-labelledby="open-shift-heading" className="current-shift">
      <h3 id="open-shift-heading">Shift {current.id} is open</h3>
      <dl className="device-facts">
        <div>
          <dt>Opened by</dt>
          <dd>{current.openedBy}</dd>
        </div>
        <div>
          <dt>Opened at</dt>
          <dd>{dateTime(current.openedAt, locale)}</dd>
        </div>
        <div>
          <dt>Float</dt>
          <dd>{m(current.float)}</dd>
        </div>
        <div>
          <dt>Expected cash</dt>
          <dd>{m(current.expectedCash)}</dd>
        </div>
        <div>
          <dt>Cash in / out</dt>
          <dd>{current.cashMoves}</dd>
        </div>
      </dl>
      <div className="device-actions">
        <button type="button" onClick={() => setDialog({ kind: 'move', move: 'in' })}>
          Cash in…
        </button>
        <button type="button" onClick={() => setDialog({ kind: 'move', move: 'out' })}>
          Cash out…
        </button>
        <button type="button" disabled={reportBusy !== null} onClick={() => void reports.getState().showX()}>
          X report
        </button>
        <button type="button" className="danger" onClick={closeShift}>
          Close shift…
        </button>
      </div>
      {dialog?.kind === 'move' && (
        <CashMoveDialog kind={dialog.move} currency={currency} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'close' && (
        <CloseShiftDialog current={current} currency={currency} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

export function ShiftScreen() {
  const { shift, reports, appInfo } = useStores();
  const current = useStore(shift, (s) => s.shift);
  const loaded = useStore(shift, (s) => s.loaded);
  const error = useStore(shift, (s) => s.error);
  const reportError = useStore(reports, (s) => s.error);
  const currency = useStore(appInfo, (s) => s.info?.store.currency ?? 'CAD');

  return (
    <section className="admin-screen shift-screen" aria-labelledby="shift-heading">
      <h2 id="shift-heading">Shift</h2>
      <p role="alert" className="field-error">
        {error ?? reportError ?? ''}
      </p>
      <div className="shift-columns">
        <div className="shift-side">
          {!loaded ? (
            <p role="status">Reading the shift…</p>
          ) : current ? (
            <OpenShift current={current} currency={currency} />
          ) : (
            <OpenShiftForm currency={currency} />
          )}
          <ZReportList />
        </div>
        <ShownReport />
      </div>
    </section>
  );
}
