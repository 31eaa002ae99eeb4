/**
 * Decodes USB HID boot-keyboard reports (what a keyboard-mode scanner sends) into
 * scanned codes, with the US positional table the scanner itself uses, so the host's
 * keyboard layout never matters (HARDWARE-ELECTRON.md §1.2).
 *
 * Report layout: modifiers, reserved, six key usage IDs (page 0x07). Some hosts hand
 * us a leading report-ID byte (9-byte reports, node-hid#228), so the modifier byte is
 * found from the length.
 */

/** Modifier bits (HID boot keyboard byte 0). */
const MOD_CTRL = 0x01 | 0x10;
const MOD_SHIFT = 0x02 | 0x20;
const MOD_ALT = 0x04 | 0x40;

/** Usage IDs with a meaning beyond "type this character". */
export const KEY_ENTER = 0x28;
export const KEY_TAB = 0x2b;
export const KEY_KEYPAD_ENTER = 0x58;
/** Slots all read 0x01 when the keyboard is in phantom state (too many keys); 0x02/0x03 are POST fail / undefined. */
const ERROR_USAGES = new Set([0x01, 0x02, 0x03]);

/** [unshifted, shifted] per usage ID, US layout (HID Usage Tables §10; HARDWARE-ELECTRON.md §1.2). */
const US_TABLE: ReadonlyMap<number, readonly [string, string]> = (() => {
  const table = new Map<number, readonly [string, string]>();
  for (let i = 0; i < 26; i++) {
    const lower = String.fromCharCode(0x61 + i);
    table.set(0x04 + i, [lower, lower.toUpperCase()]);
  }
  const digits = '1234567890';
  const shiftedDigits = '!@#$%^&*()';
  for (let i = 0; i < 10; i++) table.set(0x1e + i, [digits[i], shiftedDigits[i]]);
  table.set(0x2c, [' ', ' ']);
  const symbols = "-=[]\\#;'`,./";
  const shiftedSymbols = '_+{}|~:"~<>?';
  for (let i = 0; i < symbols.length; i++) table.set(0x2d + i, [symbols[i], shiftedSymbols[i]]);
  // Keypad: Num Lock state is the scanner's business; scanners send keypad digits as digits.
  const keypad: [number, string][] = [
    [0x54, '/'],
    [0x55, '*'],
    [0x56, '-'],
    [0x57, '+'],
    [0x63, '.'],
    [0x67, '='],
  ];
  for (const [usage, ch] of keypad) table.set(usage, [ch, ch]);
  for (let i = 0; i < 9; i++) table.set(0x59 + i, [String(i + 1), String(i + 1)]);
  table.set(0x62, ['0', '0']);
  return table;
})();

/** Keypad digit usages, for ALT mode (Alt held + keypad digits = character code). */
function keypadDigit(usage: number): string | null {
  if (usage >= 0x59 && usage <= 0x61) return String(usage - 0x58);
  if (usage === 0x62) return '0';
  return null;
}

/** The character a usage types, or null when it types none (function keys, terminators…). */
export function usageToChar(usage: number, shifted: boolean): string | null {
  const entry = US_TABLE.get(usage);
  if (!entry) return null;
  return shifted ? entry[1] : entry[0];
}

/** Key stroke that types `ch` on the US positional table (used by the demo feed to encode). */
export function charToKeystroke(ch: string): { usage: number; shift: boolean } | null {
  for (const [usage, [plain, shifted]] of US_TABLE) {
    // Prefer the main block over the keypad and the non-US '#' key (0x32), as scanners do.
    if (usage === 0x32 || usage >= 0x54) continue;
    if (plain === ch) return { usage, shift: false };
    if (shifted === ch) return { usage, shift: true };
  }
  return null;
}

/** Modifier byte and pressed usages of one boot-keyboard report, or null when the length is not 8 or 9. */
export function decodeKeyboardReport(report: Uint8Array): { modifiers: number; keys: number[] } | null {
  if (report.length !== 8 && report.length !== 9) return null;
  const offset = report.length - 8;
  const keys: number[] = [];
  for (let i = offset + 2; i < offset + 8; i++) if (report[i] !== 0) keys.push(report[i]);
  return { modifiers: report[offset], keys };
}

export type KeyboardTerminator = 'enter' | 'tab';

export interface KeyboardDecoderOptions {
  /** Keys that end a code (default Enter and Tab; keypad Enter counts as Enter). */
  terminators?: readonly KeyboardTerminator[];
  /** Configured scanner prefix, stripped from the start of a code when present. */
  prefix?: string;
  /** Configured scanner suffix: when a code ends with it, the code is complete (suffix stripped). */
  suffix?: string;
  /** A code longer than this without a terminator is noise and is dropped (default 4096). */
  maxLength?: number;
}

export interface KeyboardReportDecoder {
  /** Feeds one report; returns the codes it completed (usually none or one). */
  push(report: Uint8Array): string[];
  /** Characters typed so far that are not yet a complete code. */
  pending(): string;
  /** Forgets partial input and held keys (after a reconnect). */
  reset(): void;
}

/**
 * Stateful decoder: emits a character only for usages newly down since the previous
 * report (scanners send press then all-zero release; some hold keys across reports),
 * ignores ErrorRollOver reports, and cuts codes at Enter/Tab or the configured suffix.
 * Ctrl+key yields the ASCII control character (Ctrl+] = GS, the GS1 separator some
 * scanners type), and Alt + keypad digits yields the character with that code (ALT mode,
 * §1.2: Zebra types FNC1 as Alt+029).
 */
export function createKeyboardReportDecoder(options: KeyboardDecoderOptions = {}): KeyboardReportDecoder {
  const terminators = new Set<number>();
  for (const t of options.terminators ?? ['enter', 'tab']) {
    if (t === 'enter') {
      terminators.add(KEY_ENTER);
      terminators.add(KEY_KEYPAD_ENTER);
    }
    if (t === 'tab') terminators.add(KEY_TAB);
  }
  const prefix = options.prefix ?? '';
  const suffix = options.suffix ?? '';
  const maxLength = options.maxLength ?? 4096;
  let held = new Set<number>();
  let buffer = '';
  let altDigits = '';
  let altHeld = false;

  function finish(out: string[], raw: string): void {
    let code = raw;
    if (prefix && code.startsWith(prefix)) code = code.slice(prefix.length);
    if (code.length > 0) out.push(code);
  }

  function type(out: string[], ch: string): void {
    buffer += ch;
    if (suffix && buffer.endsWith(suffix)) {
      const raw = buffer.slice(0, -suffix.length);
      buffer = '';
      finish(out, raw);
    } else if (buffer.length > maxLength) {
      buffer = '';
    }
  }

  function flushAlt(out: string[]): void {
    if (altDigits) {
      const code = Number.parseInt(altDigits, 10) & 0xff;
      altDigits = '';
      type(out, String.fromCharCode(code));
    }
  }

  return {
    push(report) {
      const decoded = decodeKeyboardReport(report);
      if (!decoded) return [];
      const out: string[] = [];
      // Phantom state: the slots say nothing about which keys are down; keep the old state.
      if (decoded.keys.some((k) => ERROR_USAGES.has(k))) return out;
      const { modifiers, keys } = decoded;
      const alt = (modifiers & MOD_ALT) !== 0;
      if (altHeld && !alt) flushAlt(out);
      altHeld = alt;
      const shift = (modifiers & MOD_SHIFT) !== 0;
      const ctrl = (modifiers & MOD_CTRL) !== 0;
      for (const usage of keys) {
        if (held.has(usage)) continue;
        if (alt) {
          const digit = keypadDigit(usage);
          if (digit !== null) altDigits += digit;
          continue;
        }
        if (terminators.has(usage)) {
          const raw = buffer;
          buffer = '';
          finish(out, raw);
          continue;
        }
        const ch = usageToChar(usage, shift);
        if (ch === null) continue;
        if (ctrl) {
          // Ctrl+@..Ctrl+_ → 0x00..0x1F; Ctrl with anything else types nothing.
          const upper = ch.toUpperCase().charCodeAt(0);
          if (upper >= 0x40 && upper <= 0x5f) type(out, String.fromCharCode(upper - 0x40));
          continue;
        }
        type(out, ch);
      }
      held = new Set(keys);
      return out;
    },
    pending: () => buffer,
    reset() {
      held = new Set();
      buffer = '';
      altDigits = '';
      altHeld = false;
    },
  };
}
