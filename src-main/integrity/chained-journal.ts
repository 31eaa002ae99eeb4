/**
 * A journal opened for writing with its signed chain running: what every program that writes to
 * the journal uses (the till's core, and the command line's add-user), so no write goes unlinked.
 */
import { join } from 'node:path';
import { createChainRepository, type ChainRepository } from '../journal/chain-repository';
import { openJournal, type JournalHandle } from '../journal/open-journal';
import { anchorPathFor } from './chain-hash';
import { startJournalChain, type JournalChain } from './journal-chain';
import { fileKeyStore, loadOrCreateSigningKey, type KeyStore, type SigningKey } from './signing-key';

export interface ChainedJournal {
  journal: JournalHandle;
  chain: JournalChain;
  chainRows: ChainRepository;
  key: SigningKey;
  /** True when this open made a new signing key (the journal's first, or one replacing a lost one). */
  keyCreated: boolean;
  /** Seals, writes the anchor and closes the journal. */
  close(): void;
}

/** The default key store: security.signingKeyFile, else signing.key in the data folder (0600). */
export function defaultKeyStore(dataDir: string, signingKeyFile: string | undefined): KeyStore {
  return fileKeyStore(signingKeyFile ?? join(dataDir, 'signing.key'));
}

export function openChainedJournal(
  path: string,
  options: { keys: KeyStore; log: (message: string) => void; nativeBinding?: string },
): ChainedJournal {
  const journal = openJournal(path, {
    log: options.log,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    const signing = loadOrCreateSigningKey(options.keys);
    const chainRows = createChainRepository(journal.db);
    const chain = startJournalChain({
      db: journal.db,
      chain: chainRows,
      key: signing.key,
      anchorPath: anchorPathFor(path),
      migrated: (journal.migrated ?? []).length > 0,
      rewritten: journal.rewritten ?? [],
      log: options.log,
    });
    return {
      journal,
      chain,
      chainRows,
      key: signing.key,
      keyCreated: signing.created,
      close() {
        chain.close();
        journal.close();
      },
    };
  } catch (error) {
    journal.close();
    throw error;
  }
}
