/**
 * The audit trail check (`pos:audit.verify`): main walks the hash chain of the audit
 * log and says whether it is intact, or the first entry where it breaks and why.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelOutput } from '../../src-shared/contract';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';

export type AuditVerdict = ChannelOutput<'pos:audit.verify'>;

export interface AuditState {
  verifying: boolean;
  verdict: AuditVerdict | null;
  error: string | null;
  verify(): Promise<void>;
}

export type AuditStore = StoreApi<AuditState>;

/** "Audit trail intact (12 entries)" or "Broken at entry 7: hash does not match". */
export function verdictText(verdict: AuditVerdict): string {
  if (verdict.ok) return `Audit trail intact (${verdict.entries} ${verdict.entries === 1 ? 'entry' : 'entries'})`;
  return `Broken at entry ${verdict.brokenAt ?? '?'}: ${verdict.reason ?? 'no reason given'}`;
}

export function createAuditStore(client: PosClient): AuditStore {
  return createStore<AuditState>()((set) => ({
    verifying: false,
    verdict: null,
    error: null,
    async verify() {
      set({ verifying: true, verdict: null, error: null });
      try {
        set({ verdict: await client.invoke('pos:audit.verify', {}), verifying: false });
      } catch (error) {
        set({ verifying: false, error: toClientError(error).message });
      }
    },
  }));
}
