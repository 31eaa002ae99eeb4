/**
 * Well-formed UTF-16 text. A lone surrogate (half of a pair) cannot be stored as UTF-8: SQLite
 * keeps bytes that read back as replacement characters, so what was hashed or compared in JS is
 * not what the journal holds (issue 12). The contract refuses such text; what must still store
 * it (an audit entry's words) replaces the halves first.
 */

// In a /u regex the class matches only halves that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** The text with every lone surrogate replaced by U+FFFD (what reads back is what was written). */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}
