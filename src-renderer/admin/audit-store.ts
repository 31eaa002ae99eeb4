/**
 * The audit trail check (`pos:audit.verify`): main walks the hash chain of the audit
 * log and the signed journal chain (every money and authority row against its anchor) and
 * says whether both are intact, or what is wrong. A manager can also export the journal chain
 * with its public keys for an auditor (`pos:journal.exportChain`).
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
  /** The export file to save, or null (the error says why). */
  exportChain(): Promise<{ filename: string; json: string } | null>;
}

export type AuditStore = StoreApi<AuditState>;

/**
 * "Audit trail intact (12 entries); journal chain intact (340 links, head 340:…)", or what is
 * wrong: the audit entry where its chain breaks, and the journal chain's problems in words.
 */
export function verdictText(verdict: AuditVerdict): string {
  const trail =
    verdict.brokenAt === null
      ? `Audit trail intact (${verdict.entries} ${verdict.entries === 1 ? 'entry' : 'entries'})`
      : `Audit trail broken at entry ${verdict.brokenAt}: ${verdict.reason ?? 'no reason given'}`;
  const { chain } = verdict;
  const journal = chain.ok
    ? `journal chain intact (${chain.links} links${chain.head ? `, head ${chain.head}` : ''})`
    : `journal chain: ${chain.problemCount} ${chain.problemCount === 1 ? 'problem' : 'problems'}: ${chain.problems.slice(0, 3).join(' ')}`;
  return `${trail}; ${journal}`;
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
    async exportChain() {
      set({ error: null });
      try {
        return await client.invoke('pos:journal.exportChain', {});
      } catch (error) {
        set({ error: toClientError(error).message });
        return null;
      }
    },
  }));
}
