/** One schema change: applied once, in version order, in its own transaction; never edited once shipped. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The chained tables (chain-repository's CHAINED_TABLES) whose existing rows this migration
   * changes (an UPDATE, a new column with a default, an INSERT…SELECT). After an upgrade the
   * journal chain re-states only these tables' rows (issue 14: comparing every chained row with
   * the chain is O(journal)); a migration that leaves chained rows as they are omits it.
   */
  rewrites?: readonly string[];
}
