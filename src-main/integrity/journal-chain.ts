/**
 * The journal chain at run time (DESIGN.md §9, issue 12). Every change to a row that records
 * money or authority gets a link in the same transaction as the change: the connection's temporary
 * triggers note it, and the transaction turns its notes into links before it commits (a lone
 * statement outside a transaction gets its link in the same statement). About 100 ms later a seal
 * follows, in a small transaction of its own: the till's Ed25519 key, on libuv's thread pool, signs
 * the newest link's hash, and the seal vouches for the links this process wrote since the last
 * one; then the anchor file beside the journal records it. A Z report, the manager's check and
 * closing seal at once, on this thread. So a change that did not come through this connection has
 * no link, a link edited afterwards no longer hashes, links re-hashed after an edit no longer match
 * the signatures, links removed from the end no longer reach the anchor (or the one printed on the
 * last Z report), and links a crash left between a commit and its seal are named as not sealed.
 */
import type { Db } from '../journal/open-journal';
import type { ChainLink, ChainOp, ChainRepository } from '../journal/chain-repository';
import {
  GENESIS,
  keepMismatchedAnchor,
  linkHash,
  readAnchor,
  rowHash,
  sealRange,
  writeAnchor,
  type ChainAnchor,
} from './chain-hash';
import { rowDifferences } from './chain-rows';
import type { SigningKey } from './signing-key';

export interface JournalChain {
  readonly keyId: string;
  /**
   * The newest seal's anchor (what a Z report prints): the link it signs and the signature; null
   * before the first. `pending`: include a seal made in the current transaction, not committed yet.
   */
  anchor(pending?: boolean): ChainAnchor | null;
  /** Seals now, signing on this thread (inside the caller's transaction when there is one). */
  seal(): void;
  /** Resolves once no seal is being signed or waits to be written (tests, shutdown). */
  settled(): Promise<void>;
  /** What happened at start that a manager should know (a wiped chain, a mismatched anchor…). */
  readonly startNotes: readonly string[];
  /**
   * Links this process wrote that no committed seal covers yet (kept to vouch for them): each seal
   * drops those it covers, so this stays at about one seal interval's links (issue 14, for tests).
   */
  readonly unsealedLinks: number;
  /** Seals, writes the anchor; call before the journal closes. */
  close(): void;
}

type TransactionFactory = Db['transaction'];

export function startJournalChain(deps: {
  db: Db;
  chain: ChainRepository;
  key: SigningKey;
  anchorPath: string;
  /** True when this open applied migrations: rows they changed are re-stated once. */
  migrated: boolean;
  /**
   * The chained tables those migrations declared they rewrite (Migration.rewrites): only these are
   * re-stated (default: every chained table). Comparing every chained row with the chain is
   * O(journal), so an upgrade that touches no chained row does no such pass (issue 14).
   */
  rewritten?: readonly string[];
  log: (message: string) => void;
  now?: () => Date;
  /** How long after a commit its seal is written (default 100 ms: commits in between share it). */
  sealDelayMs?: number;
}): JournalChain {
  const sealDelayMs = deps.sealDelayMs ?? 100;
  const { db, chain, key } = deps;
  const now = deps.now ?? (() => new Date());
  const notes: string[] = [];
  /** Links this process wrote and no seal covers yet, by seq (a rolled-back one simply never matches). */
  const produced = new Map<number, string>();
  /** The newest committed seal, the link it signs, and one made in the current transaction. */
  type Sealed = { link: ChainLink; target: { seq: number; hash: string } };
  const sealedFrom = (link: ChainLink | null): Sealed | null => {
    const range = link ? sealRange(link) : null;
    const target = range ? chain.link(range.target) : null;
    return link && target ? { link, target: { seq: target.seq, hash: target.hash } } : null;
  };
  let lastSeal: Sealed | null = sealedFrom(chain.lastSeal());
  let pendingSeal: Sealed | null = null;
  let depth = 0;
  let signing: Promise<void> | null = null;
  let again = false;
  let anchorScheduled = false;
  let closed = false;

  const append = (link: Omit<ChainLink, 'hash' | 'sig'>, sig: string | null): ChainLink => {
    const full: ChainLink = { ...link, hash: linkHash(link), sig };
    chain.insert(full);
    return full;
  };

  /**
   * Links for what this transaction changed (noted by the triggers), one per row in the order it
   * first changed it, each holding the row's state as the transaction commits it.
   */
  const flushPending = (): void => {
    const pending = chain.pending();
    if (pending.length === 0) return;
    let head = chain.head();
    const at = now().toISOString();
    for (const change of pending) {
      const link = append(
        {
          seq: (head?.seq ?? 0) + 1,
          at,
          tbl: change.tbl,
          row_key: change.row_key,
          op: change.op,
          row_hash: rowHash(change.tbl, change.row_key, change.canonical),
          prev_hash: head?.hash ?? GENESIS,
        },
        null,
      );
      produced.set(link.seq, link.hash);
      head = link;
    }
    chain.clearPending();
  };

  /** True when a link other than a seal is newer than what the newest seal signs. */
  const needsSeal = (head: { seq: number } | null): boolean => {
    const newest = pendingSeal ?? lastSeal;
    if (!head) return false;
    if (!newest) return true;
    return head.seq > newest.link.seq || newest.link.seq - newest.target.seq > 1;
  };

  /**
   * Inside a write transaction: a seal signing `target` (a link this transaction can see), vouching
   * for the links this process wrote up to it since the last seal, and for no others.
   */
  const insertSeal = (target: { seq: number; hash: string }, sig: string): void => {
    const since = (pendingSeal ?? lastSeal)?.target.seq ?? 0;
    // A signature overtaken by a newer seal, or of a link that is not there any more, is dropped.
    const current = target.seq > since ? chain.link(target.seq) : null;
    if (!current || current.hash !== target.hash) return;
    const tail = chain.after(since).filter((l) => l.seq <= target.seq);
    let from = target.seq + 1;
    for (let i = tail.length - 1; i >= 0 && produced.get(tail[i].seq) === tail[i].hash; i -= 1) from = tail[i].seq;
    const head = chain.head()!;
    const link = append(
      {
        seq: head.seq + 1,
        at: now().toISOString(),
        tbl: '',
        row_key: key.id,
        op: 'S',
        row_hash: `${from}:${target.seq}`,
        prev_hash: head.hash,
      },
      sig,
    );
    produced.set(link.seq, link.hash);
    pendingSeal = { link, target };
  };

  /** Inside a write transaction: its links, then a seal signed here and now. */
  const sealNow = (): void => {
    flushPending();
    const head = chain.head();
    if (!head || !needsSeal(head)) return;
    insertSeal(head, key.sign(head.hash));
  };

  const writeAnchorNow = () => {
    anchorScheduled = false;
    if (!lastSeal?.link.sig) return;
    try {
      writeAnchor(deps.anchorPath, {
        seq: lastSeal.target.seq,
        hash: lastSeal.target.hash,
        sig: lastSeal.link.sig,
        keyId: key.id,
        publicKey: key.publicKeyPem,
        at: lastSeal.link.at,
      });
    } catch (error) {
      deps.log(`Could not write the journal anchor ${deps.anchorPath}: ${String(error)}`);
    }
  };

  let sealWith: ((target: { seq: number; hash: string }, sig: string) => void) | null = null;

  /**
   * After a commit: the new head is signed off this thread (the signature is not on the cashier's
   * wait) and its seal written in a small transaction of its own, a moment later.
   */
  const scheduleSeal = (): void => {
    if (closed) return;
    if (signing) {
      again = true;
      return;
    }
    signing = new Promise<void>((done) => {
      // A moment later, so a burst of commits (a sale's scans, a payment's steps) shares one seal.
      setTimeout(() => {
        const head = !closed && db.open ? chain.head() : null;
        if (!head || !needsSeal(head)) {
          signing = null;
          done();
          return;
        }
        key
          .signAsync(head.hash)
          .then((sig) => {
            if (!closed && db.open) sealWith!(head, sig);
          })
          .catch((error: unknown) => deps.log(`Sealing the journal chain failed: ${String(error)}`))
          .finally(() => {
            signing = null;
            done();
            if (again) {
              again = false;
              scheduleSeal();
            }
          });
      }, sealDelayMs);
    });
  };

  const committed = () => {
    if (pendingSeal) {
      lastSeal = pendingSeal;
      pendingSeal = null;
      for (const seq of produced.keys()) if (seq <= lastSeal.target.seq) produced.delete(seq);
      if (!anchorScheduled) {
        anchorScheduled = true;
        setImmediate(writeAnchorNow);
      }
    }
    scheduleSeal();
  };
  const rolledBack = () => {
    pendingSeal = null;
  };

  // Every outermost transaction links its changes before its COMMIT; its seal follows.
  const original: TransactionFactory = db.transaction.bind(db);
  const patched = ((fn: (...args: unknown[]) => unknown) => {
    const inner = original(function (this: unknown, ...args: unknown[]) {
      depth += 1;
      try {
        const result = fn.apply(this, args);
        if (depth === 1) flushPending();
        return result;
      } finally {
        depth -= 1;
      }
    });
    const outer = (run: (...args: unknown[]) => unknown) =>
      function (this: unknown, ...args: unknown[]) {
        const outermost = !db.inTransaction;
        try {
          const result = run.apply(this, args);
          if (outermost) committed();
          return result;
        } catch (error) {
          if (outermost) rolledBack();
          throw error;
        }
      };
    const wrapped = outer(inner) as ReturnType<TransactionFactory>;
    Object.defineProperties(wrapped, {
      deferred: { value: outer(inner.deferred) },
      immediate: { value: outer(inner.immediate) },
      exclusive: { value: outer(inner.exclusive) },
      database: { value: db },
    });
    return wrapped;
  }) as TransactionFactory;
  db.transaction = patched;
  const sealTransaction = db.transaction(() => sealNow());
  const sealWithTransaction = db.transaction((target: { seq: number; hash: string }, sig: string) => {
    flushPending();
    if (needsSeal(chain.head())) insertSeal(target, sig);
  });
  sealWith = (target, sig) => sealWithTransaction.immediate(target, sig);

  chain.installTriggers(
    (tbl, op, rowKey, canonical, prevSeq, prevHash) => {
      const link = {
        seq: (prevSeq ?? 0) + 1,
        at: now().toISOString(),
        tbl,
        row_key: rowKey,
        op,
        row_hash: rowHash(tbl, rowKey, canonical),
        prev_hash: prevHash ?? GENESIS,
      };
      const hash = linkHash(link);
      produced.set(link.seq, hash);
      // A single statement outside a transaction commits on its own: it is sealed right after.
      scheduleSeal();
      return JSON.stringify({ ...link, hash });
    },
    // Inside a transaction the triggers only note the change; the transaction links it before it commits.
    () => db.inTransaction,
  );

  const restate = (op: ChainOp, only?: readonly string[]) => {
    let count = 0;
    const present = chain.tables().present.filter((table) => !only || only.includes(table));
    if (present.length === 0) return 0;
    let head = chain.head();
    for (const table of present) {
      // Read first: the connection cannot write while a read is still open.
      for (const difference of [...rowDifferences(chain, table)]) {
        const link = append(
          {
            seq: (head?.seq ?? 0) + 1,
            at: now().toISOString(),
            tbl: table,
            row_key: difference.key,
            op: difference.kind === 'deleted' ? 'D' : op,
            row_hash: difference.kind === 'deleted' ? rowHash(table, difference.key, '') : difference.rowHash,
            prev_hash: head?.hash ?? GENESIS,
          },
          null,
        );
        produced.set(link.seq, link.hash);
        head = link;
        count += 1;
      }
    }
    chain.forgetLatest();
    return count;
  };

  const anchorOnFile = readAnchor(deps.anchorPath);
  const head = chain.head();
  db.transaction(() => {
    if (!head) {
      if (anchorOnFile) {
        notes.push(
          `The journal chain is empty but ${deps.anchorPath} records link ${anchorOnFile === 'unreadable' ? '?' : anchorOnFile.seq}: the chain was wiped. Rows already in the journal are not adopted; run npm run journal -- verify.`,
        );
      } else {
        // A journal from before the chain (or a new one): what is in it now is where the chain starts.
        const adopted = restate('A');
        if (adopted > 0) notes.push(`The journal chain adopted ${adopted} existing rows.`);
      }
    } else if (deps.migrated) {
      const restated = restate('A', deps.rewritten);
      if (restated > 0)
        notes.push(`The journal chain re-stated ${restated} rows changed by this version's migrations.`);
    }
    chain.addKey(key.id, key.publicKeyPem, now().toISOString());
  }).immediate();

  if (anchorOnFile) {
    const match = anchorOnFile === 'unreadable' ? null : chain.link(anchorOnFile.seq);
    if (anchorOnFile === 'unreadable' || !match || match.hash !== anchorOnFile.hash) {
      const kept = keepMismatchedAnchor(deps.anchorPath, now().toISOString());
      notes.push(
        `The journal anchor did not match the chain (${anchorOnFile === 'unreadable' ? 'unreadable' : `link ${anchorOnFile.seq}`}); it is kept as evidence in ${kept}. Run npm run journal -- verify.`,
      );
    }
  }
  writeAnchorNow();
  for (const note of notes) deps.log(note);

  return {
    keyId: key.id,
    startNotes: notes,
    get unsealedLinks() {
      return produced.size;
    },
    anchor(pending = false) {
      const seal = (pending ? pendingSeal : null) ?? lastSeal;
      return seal?.link.sig
        ? {
            seq: seal.target.seq,
            hash: seal.target.hash,
            sig: seal.link.sig,
            keyId: key.id,
            publicKey: key.publicKeyPem,
            at: seal.link.at,
          }
        : null;
    },
    seal() {
      if (closed || !db.open) return;
      if (db.inTransaction) sealNow();
      else sealTransaction.immediate();
    },
    async settled() {
      while (signing) await signing;
    },
    close() {
      if (closed || !db.open) return;
      if (!db.inTransaction) sealTransaction.immediate();
      closed = true;
      writeAnchorNow();
    },
  };
}
