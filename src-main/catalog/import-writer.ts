/**
 * The write phase of a catalogue import, and putting the catalogue back when it fails.
 *
 * Protocol (tables of migration 009):
 * 1. `catalog_import` gets the import's row, state 'writing', with the highest product id so far
 *    (`base_id`): products get increasing ids, so the ones the import inserts are the ids above.
 * 2. The planned writes go in short transactions ("batches"): each closes once it has held the
 *    write lock for `batchMs`, so a scan's cart write waits at most about one batch. Every
 *    existing product a batch changes gets an undo row (its previous columns) in the same
 *    transaction; an insert needs none.
 *    While the import is 'writing' its rows skip the per-row FTS triggers (migration 009).
 * 3. The name index (FTS) takes the new names and SKUs in batches of the same length: the changed
 *    products from their undo rows (`fts_done`), then the inserted ones by id range
 *    (`indexed_id`), one FTS segment per batch.
 * 4. The best products of each very common word are ranked into the next generation of
 *    `catalog_search_top`, from the name index as it now is (reads, then short writes).
 * 5. The spelling index is adjusted (old name → new name), the import is marked 'committed' and
 *    the search generation switched, in one transaction: the import is final from that commit on.
 * 6. The undo rows and the previous search generation are cleared in batches, then the import's row.
 *
 * A failure before step 5 (an error, the worker dying, the process killed) is undone by
 * `rollbackImport`, newest change first, now or at the next start (`recoverInterruptedImport`).
 * Readers see each committed batch as it lands: mid-import a scan or the grid may find some of the
 * file's new products and prices and not others; name search finds the new names only from step 3
 * (until then a renamed product is found by its old name); after a failure all is as before.
 */
import { performance } from 'node:perf_hooks';
import { createCatalogImportJournal, nameWords, type CatalogImportJournal } from '../journal/product-repository';
import { flushEachCommit, type Db } from '../journal/open-journal';
import type { PlannedWrite } from './catalog-import';

/**
 * Time one batch writes before it commits. A scan's cart write waits for at most about one batch
 * (its writing, then its commit) plus SQLite's busy back-off. Smaller batches cost throughput:
 * each commit rewrites the index pages the batch touched (random across the department and SKU
 * indexes) and flushes an FTS segment, ~10–20 ms per commit at 1M products on the test machine.
 */
export const DEFAULT_BATCH_MS = 10;
const CLEAR_BATCH_ROWS = 2000;
/** Rows per step of a name-index batch (a batch takes steps until it has held the lock for `batchMs`). */
const INDEX_CHANGED_ROWS = 64;
const INDEX_INSERTED_ROWS = 256;
const UNDO_BATCH_ROWS = 500;

export interface WriteImportOptions {
  importId: string;
  at: string;
  batchMs?: number;
  onProgress?: (phase: 'writing' | 'indexing', done: number, total: number) => void;
  /**
   * Runs between batches with how long the last one held the write lock (commit included). The
   * worker sleeps that long: its own connection would otherwise take the lock back at once and
   * the till's writes, polling with SQLite's busy back-off, could miss every gap.
   */
  pause?: (heldMs: number) => Promise<void>;
  /** Tests: fail once this many batches have committed, as a full disk would. */
  failAfterBatches?: number;
  /**
   * Commit the batches without waiting for the disk (synchronous=NORMAL on this connection; the
   * import's own connection only). Sound because a batch lost to a power cut loses its undo rows
   * with it, and the commit that makes the import final is made with synchronous=FULL.
   */
  lazyBatchCommits?: boolean;
}

/** Writes `writes` in batches with their undo record; on any failure the catalogue is put back and the error rethrown. */
export async function writeCatalogImport(
  db: Db,
  writes: readonly PlannedWrite[],
  options: WriteImportOptions,
): Promise<void> {
  if (writes.length === 0) return;
  const journal = createCatalogImportJournal(db);
  const pause = options.pause ?? (async () => {});
  const between = () => pause(0);
  const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
  /** One batch: `step` in one transaction until it has held the lock for `batchMs` or has no work left (0). */
  const batch = async (step: () => number): Promise<number> => {
    const began = performance.now();
    const done = journal.transaction(() => {
      let total = 0;
      for (;;) {
        const n = step();
        total += n;
        if (n === 0 || performance.now() - began >= batchMs) return total;
      }
    });
    if (done > 0) await pause(performance.now() - began);
    return done;
  };
  // Whatever an earlier, interrupted import left is settled first: undo rows never mix.
  recoverInterruptedImport(db);
  journal.transaction(() => journal.begin(options.importId, options.at));
  if (options.lazyBatchCommits) flushEachCommit(db, false);
  try {
    let next = 0;
    let batches = 0;
    while (next < writes.length) {
      if (options.failAfterBatches !== undefined && batches >= options.failAfterBatches)
        throw new Error(`Injected failure after ${batches} batches (test hook).`);
      const began = performance.now();
      journal.transaction(() => {
        const started = performance.now();
        // The clock is read every 16 rows: a row costs tens of microseconds.
        do {
          const { existing, product } = writes[next]!;
          if (existing) journal.update(existing, product, options.at);
          else journal.insert(product, options.at);
          next += 1;
        } while (next < writes.length && ((next & 15) !== 0 || performance.now() - started < batchMs));
      });
      batches += 1;
      options.onProgress?.('writing', next, writes.length);
      await pause(performance.now() - began);
    }
    // The name index in bulk: one FTS segment per batch of rows instead of one per row.
    options.onProgress?.('indexing', 0, writes.length);
    let indexed = 0;
    let afterSeq = 0;
    const indexChanged = () => {
      const last = journal.indexChanged(afterSeq, INDEX_CHANGED_ROWS);
      if (last === null) return 0;
      const n = Math.min(INDEX_CHANGED_ROWS, last - afterSeq);
      afterSeq = last;
      return n;
    };
    for (let n; (n = await batch(indexChanged)) > 0;) {
      indexed += n;
      options.onProgress?.('indexing', Math.min(indexed, writes.length), writes.length);
    }
    for (let n; (n = await batch(() => journal.indexInserted(INDEX_INSERTED_ROWS))) > 0;) {
      indexed += n;
      options.onProgress?.('indexing', Math.min(indexed, writes.length), writes.length);
    }
    const generation = await stageSearchTop(journal, batchMs, pause);
    const delta = wordDelta(journal);
    if (options.lazyBatchCommits) flushEachCommit(db, true);
    journal.transaction(() => {
      journal.adjustWords(delta);
      journal.markCommitted(options.importId, generation);
    });
  } catch (error) {
    if (options.lazyBatchCommits) flushEachCommit(db, true);
    await rollbackImport(db, between);
    throw error;
  }
  await clearUndo(journal, between);
  options.onProgress?.('indexing', writes.length, writes.length);
}

/**
 * Ranks the very common words of the names as they now are into the next search generation
 * (switched to at the commit). The ranking only reads (outside any write transaction); each batch
 * then stores what ~`batchMs` of ranking found. Returns the generation.
 */
async function stageSearchTop(
  journal: CatalogImportJournal,
  batchMs: number,
  pause: (heldMs: number) => Promise<void>,
): Promise<number> {
  const { generation, words } = journal.searchTopWords();
  for (let next = 0; next < words.length;) {
    const ranked: { word: string; matches: { id: number; rank: number }[] }[] = [];
    const started = performance.now();
    do {
      ranked.push({ word: words[next]!, matches: journal.rankWord(words[next]!) });
      next += 1;
    } while (next < words.length && performance.now() - started < batchMs);
    const began = performance.now();
    journal.transaction(() => {
      for (const { word, matches } of ranked) journal.stageSearchTop(generation, word, matches);
    });
    await pause(performance.now() - began);
  }
  return generation;
}

/** How the import changed the count of names holding each word: changed names from the undo rows, then the inserted ones. */
function wordDelta(journal: CatalogImportJournal): Map<string, number> {
  const delta = new Map<string, number>();
  const add = (name: string | null, by: number) => {
    if (name === null) return;
    for (const word of nameWords(name)) delta.set(word, (delta.get(word) ?? 0) + by);
  };
  for (let after = 0; ;) {
    const rows = journal.changedNames(after, 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.before !== row.after) {
        add(row.before, -1);
        add(row.after, 1);
      }
    }
    after = rows[rows.length - 1]!.seq;
  }
  for (let after = 0; ;) {
    const rows = journal.insertedNames(after, 5000);
    if (rows.length === 0) return delta;
    for (const row of rows) add(row.name, 1);
    after = rows[rows.length - 1]!.id;
  }
}

async function clearUndo(journal: CatalogImportJournal, pause: () => Promise<void>): Promise<void> {
  while (journal.transaction(() => journal.clearBatch(CLEAR_BATCH_ROWS)) > 0) await pause();
  while (journal.transaction(() => journal.dropOtherSearchTop(CLEAR_BATCH_ROWS)) > 0) await pause();
  journal.transaction(() => journal.finish());
}

/** Undoes the unfinished import's writes, newest first, in short batches. */
export async function rollbackImport(db: Db, pause: () => Promise<void> = async () => {}): Promise<void> {
  const journal = createCatalogImportJournal(db);
  while (journal.transaction(() => journal.undoBatch(UNDO_BATCH_ROWS)) > 0) await pause();
  // The search generation the import staged, if it got that far.
  while (journal.transaction(() => journal.dropOtherSearchTop(CLEAR_BATCH_ROWS)) > 0) await pause();
  journal.transaction(() => journal.finish());
}

/**
 * At start: puts the catalogue back if an import was interrupted before it committed, or clears
 * what a committed one left. One read of a table of at most one row when no import was left: O(1).
 * Returns what it did.
 */
export function recoverInterruptedImport(db: Db): 'none' | 'rolled-back' | 'cleared' {
  const journal = createCatalogImportJournal(db);
  const pending = journal.pending();
  if (!pending) return 'none';
  if (pending.state === 'writing') {
    while (journal.transaction(() => journal.undoBatch(UNDO_BATCH_ROWS)) > 0);
  } else {
    while (journal.transaction(() => journal.clearBatch(CLEAR_BATCH_ROWS)) > 0);
  }
  // A staged search generation (rolled back) or the previous one (committed).
  while (journal.transaction(() => journal.dropOtherSearchTop(CLEAR_BATCH_ROWS)) > 0);
  journal.transaction(() => journal.finish());
  return pending.state === 'writing' ? 'rolled-back' : 'cleared';
}
