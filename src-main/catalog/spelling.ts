/**
 * Typo tolerance for name search: a query word that no name word starts with is replaced by the
 * nearest name word (Damerau-Levenshtein, adjacent transpositions counted once), found among the
 * words sharing a trigram with it (catalog_words_trigram, migration 009). Words that exist, short
 * words and words with digits (codes, sizes) are never changed.
 */
import type { ProductReader } from '../journal/product-repository';

/** Edit distance with adjacent transpositions (optimal string alignment), stopping early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** Fold a word as the spelling index stores it: lower case, no diacritics. */
function fold(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Corrections allowed for a word of this length: one edit up to 5 letters, two beyond. */
const allowedEdits = (length: number) => (length <= 5 ? 1 : 2);

/** The nearest name word to `word`, or null when none is near enough. Prefers fewer edits, then commoner words. */
export function nearestWord(word: string, reader: Pick<ProductReader, 'spellingCandidates'>): string | null {
  const max = allowedEdits(word.length);
  let best: { word: string; edits: number; docs: number } | null = null;
  for (const candidate of reader.spellingCandidates(word)) {
    // A word still being typed ("choclat") is compared with the candidate's start as well.
    const edits = Math.min(
      editDistance(word, candidate.word, max),
      candidate.word.length > word.length ? editDistance(word, candidate.word.slice(0, word.length), max) : max + 1,
    );
    if (edits > max) continue;
    if (!best || edits < best.edits || (edits === best.edits && candidate.docs > best.docs))
      best = { word: candidate.word, edits, docs: candidate.docs };
  }
  return best?.word ?? null;
}

/** The query with each misspelt word corrected, or null when no word needed (or found) a correction. */
export function correctSpelling(
  text: string,
  reader: Pick<ProductReader, 'hasWordPrefix' | 'spellingCandidates'>,
): string | null {
  let changed = false;
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean)
    .map((word) => {
      const folded = fold(word);
      if ([...folded].length < 4 || /\p{N}/u.test(folded) || reader.hasWordPrefix(folded)) return word;
      const nearest = nearestWord(folded, reader);
      if (nearest === null) return word;
      changed = true;
      return nearest;
    });
  return changed ? words.join(' ') : null;
}
