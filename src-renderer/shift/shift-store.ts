/**
 * The drawer's shift (`pos:shift.*`): opened with a float count, cash in and out with a
 * reason and a manager's approval, closed with a count against what main expects. A
 * close answers with the numbered Z report, handed on through `closed` to be shown.
 * Main keeps the cash figures; the expected cash is read again when the screen opens.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DenominationCounts, Report, ShiftView } from '../../src-shared/report';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { withApproval, type Approval } from '../common/approval';
import { latest } from '../common/latest';
import { showFailure, shownError } from '../common/shown-error';

export type CashMoveKind = 'in' | 'out';

export interface ShiftState {
  /** False until the first read. */
  loaded: boolean;
  /** The open shift, or null when none is open. */
  shift: ShiftView | null;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Opens a shift with the float counted per denomination; false when main refused (see error). */
  open(float: DenominationCounts): Promise<boolean>;
  /** Each resolves with null once main accepted it, else the sentence for the approval dialog. */
  cashMove(kind: CashMoveKind, amount: number, reason: string, approval?: Approval): Promise<string | null>;
  close(counted: DenominationCounts, reason: string, approval?: Approval): Promise<string | null>;
}

export type ShiftStore = StoreApi<ShiftState>;

export function createShiftStore(client: PosClient, hooks: { closed(report: Report): void }): ShiftStore {
  /** Reads of the open shift; a change's reply is newer than any read still out. */
  const reads = latest();

  return createStore<ShiftState>()((set) => {
    /** Runs a protected call; the reply's shift replaces the one shown. */
    async function protectedCall<T>(call: () => Promise<T>, apply: (result: T) => void): Promise<string | null> {
      try {
        const result = await call();
        reads.supersede();
        apply(result);
        return null;
      } catch (error) {
        return toClientError(error).message;
      }
    }

    return {
      loaded: false,
      shift: null,
      busy: false,
      error: null,

      load: () =>
        reads(
          () => client.invoke('pos:shift.current', {}),
          (shift) => set({ shift, loaded: true, error: null }),
          (failure) => showFailure(set, failure),
        ),

      async open(float) {
        set({ busy: true, error: null });
        try {
          const shift = await client.invoke('pos:shift.open', { float });
          reads.supersede();
          set({ shift, loaded: true, busy: false });
          return true;
        } catch (error) {
          set({ busy: false, error: shownError(error) });
          return false;
        }
      },

      cashMove: (kind, amount, reason, approval) =>
        protectedCall(
          () => client.invoke('pos:shift.cashMove', { kind, amount, reason, ...withApproval(approval) }),
          (shift) => set({ shift }),
        ),

      close: (counted, reason, approval) =>
        protectedCall(
          () => client.invoke('pos:shift.close', { counted, reason, ...withApproval(approval) }),
          (report) => {
            set({ shift: null, loaded: true });
            hooks.closed(report);
          },
        ),
    };
  });
}
