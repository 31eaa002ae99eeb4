/**
 * Keyboard-wedge scan detection by timing, as pure logic over timestamped keys.
 *
 * A scanner in keyboard mode "types" the code faster than a person can, then sends Enter
 * (or Tab). Every printable key is held back in a buffer; the buffer becomes:
 *  - a scan, when a terminator follows ≥ minLength keys whose average gap is
 *    ≤ maxAverageGapMs (no person sustains that over six keys);
 *  - replayed text (human typing, inserted where the cashier is typing) when the burst
 *    is too short or too slow at the terminator, a non-printable key arrives, or no key
 *    comes for settleMs (which also bounds any single gap inside a scan).
 * Averaging rather than capping each gap keeps one late key (a busy machine, a Bluetooth
 * scanner's radio) from splitting a scan and leaking its first digits into the focused
 * field. Holding every key back is what keeps scanned digits out of whatever input has
 * focus (a quantity field must never receive a barcode), and swallowing the terminator
 * keeps the scanner's Enter from clicking a button or submitting a form (DESIGN §5).
 * Similar heuristics: onscan.js (avgTimeByChar 30 ms, minLength 6, suffix keys 9/13).
 *
 * Only the keys' own timestamps decide. The settle timer runs on the page's clock, and
 * keys can reach the page later than they were pressed (a busy browser or test machine
 * delivers a burst in pieces), so the timer may fire in the middle of a scan. When the
 * next key's timestamp says the burst was not over, the settled text is taken back
 * (`resumed`: the binding removes it from the field it went into) and the burst goes on
 * as if the timer had not fired.
 */

export interface WedgeOptions {
  /** Longest average gap between the keys of one scan. */
  maxAverageGapMs?: number;
  /** Shortest scan, in characters. */
  minLength?: number;
  /** A buffer with no key for this long is human typing and is replayed; also the longest single gap in a scan. */
  settleMs?: number;
}

export interface WedgeKey {
  /** KeyboardEvent.key */
  key: string;
  /** KeyboardEvent.timeStamp (ms) */
  time: number;
  ctrl?: boolean;
  alt?: boolean;
  meta?: boolean;
  /** Auto-repeat from a held key: never part of a scan. */
  repeat?: boolean;
}

export interface WedgeDecision {
  /** Buffered characters judged to be typing: insert them, in order, before this key has any effect. */
  replay: string;
  /**
   * pass: let this key do what it normally does. buffer: swallow it (held in the buffer).
   * scan: swallow it, it terminated a scan of `code`.
   */
  key: 'pass' | 'buffer' | 'scan';
  code?: string;
  /**
   * Text the settle timer gave for replay that this key, by its timestamp, shows to be the
   * head of a burst still coming: take it back out of wherever it was replayed. It is held
   * again, in front of this key.
   */
  resumed?: string;
}

export interface WedgeDetector {
  keydown(key: WedgeKey): WedgeDecision;
  /** Called when the settle timer fires: returns text to replay ('' if keys are still coming). */
  settle(now: number): string;
  /** True while keys are held back. */
  holding(): boolean;
  readonly settleMs: number;
}

const DEFAULT_WEDGE_OPTIONS = { maxAverageGapMs: 30, minLength: 6, settleMs: 50 } as const;

const TERMINATORS = new Set(['Enter', 'Tab']);

/** A single printable character typed without a command modifier (Shift is part of typing). */
function isPrintable(key: WedgeKey): boolean {
  return key.key.length === 1 && !key.ctrl && !key.alt && !key.meta;
}

export function createWedgeDetector(options: WedgeOptions = {}): WedgeDetector {
  const maxAverageGapMs = options.maxAverageGapMs ?? DEFAULT_WEDGE_OPTIONS.maxAverageGapMs;
  const minLength = options.minLength ?? DEFAULT_WEDGE_OPTIONS.minLength;
  const settleMs = Math.max(options.settleMs ?? DEFAULT_WEDGE_OPTIONS.settleMs, maxAverageGapMs);

  let buffer = '';
  let firstTime = 0;
  let lastTime = 0;
  /** What the settle timer last gave for replay, while a key could still prove it early. */
  let settled: { text: string; firstTime: number; lastTime: number } | null = null;

  function takeBuffer(): string {
    const text = buffer;
    buffer = '';
    return text;
  }

  function isScan(terminatorTime: number): boolean {
    if (buffer.length < minLength || terminatorTime - lastTime > settleMs) return false;
    return (lastTime - firstTime) / (buffer.length - 1) <= maxAverageGapMs;
  }

  return {
    settleMs,

    keydown(key) {
      const early = settled;
      settled = null;
      if (key.repeat) return { replay: takeBuffer(), key: 'pass' };

      if (isPrintable(key)) {
        // The timer settled a burst this key, by its own time, belongs to: take it back.
        if (buffer === '' && early && key.time >= early.lastTime && key.time - early.lastTime <= settleMs) {
          buffer = early.text + key.key;
          firstTime = early.firstTime;
          lastTime = key.time;
          return { replay: '', key: 'buffer', resumed: early.text };
        }
        // A space cannot start a scan: it is how a focused button is pressed.
        if (buffer === '' && key.key === ' ') return { replay: '', key: 'pass' };
        // Held keys older than the settle time are typing (the timer was late to say so).
        const replay = buffer !== '' && key.time - lastTime > settleMs ? takeBuffer() : '';
        if (buffer === '') firstTime = key.time;
        buffer += key.key;
        lastTime = key.time;
        return { replay, key: 'buffer' };
      }

      if (TERMINATORS.has(key.key) && !key.ctrl && !key.alt && !key.meta && isScan(key.time)) {
        return { replay: '', key: 'scan', code: takeBuffer() };
      }
      // Any other key (or a terminator after typing): the typing lands first, then the key.
      return { replay: takeBuffer(), key: 'pass' };
    },

    settle(now) {
      if (buffer === '' || now - lastTime < settleMs) return '';
      settled = { text: buffer, firstTime, lastTime };
      return takeBuffer();
    },

    holding: () => buffer !== '',
  };
}
