/**
 * Rows against the chain: every chained row as stored now must be the state its newest link
 * recorded; a row no link describes was added behind the till's back, a described row that is
 * gone was deleted behind it. Used by `verify`, and once by the till to adopt the rows of a
 * journal from before the chain (or re-state what a new version's migrations changed).
 */
import type { ChainRepository } from '../journal/chain-repository';
import { rowHash } from './chain-hash';

export interface RowDifference {
  kind: 'changed' | 'added' | 'deleted';
  key: string;
  /** The row's hash as stored now ('' when deleted). */
  rowHash: string;
  /** The newest link describing the row, if any. */
  seq: number | null;
}

export function* rowDifferences(
  chain: ChainRepository,
  table: string,
  counted: (rows: number) => void = () => undefined,
): Generator<RowDifference> {
  // One table's newest states at a time (the largest table bounds the memory).
  const latest = new Map(chain.latest(table).map((l) => [l.row_key, l]));
  let rows = 0;
  for (const row of chain.rows(table)) {
    rows += 1;
    const hash = rowHash(table, row.key, row.canonical);
    const known = latest.get(row.key);
    latest.delete(row.key);
    if (!known || known.op === 'D') yield { kind: 'added', key: row.key, rowHash: hash, seq: known?.seq ?? null };
    else if (known.row_hash !== hash) yield { kind: 'changed', key: row.key, rowHash: hash, seq: known.seq };
  }
  counted(rows);
  for (const gone of latest.values())
    if (gone.op !== 'D') yield { kind: 'deleted', key: gone.row_key, rowHash: '', seq: gone.seq };
}
