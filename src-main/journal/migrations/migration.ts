/** One schema change: applied once, in version order, in its own transaction; never edited once shipped. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
