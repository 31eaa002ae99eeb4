/**
 * ESC/POS bytes: receipt documents rendered by receiptline, the cash-drawer kick, and
 * the real-time status requests with their replies (HARDWARE-ELECTRON.md §3).
 */
import { commands, transform } from 'receiptline';

/** Code pages we offer for receipts; all are single-byte and carry é, è, à, ç. */
export const PRINTER_ENCODINGS = ['cp437', 'cp858', 'cp863', 'cp1252'] as const;
export type PrinterEncoding = (typeof PRINTER_ENCODINGS)[number];

/** Characters per line: 32 on 58 mm paper, 42 or 48 on 80 mm (depends on the printer's font and print width). */
export const PRINTER_WIDTHS = [32, 42, 48] as const;
export type PrinterWidth = (typeof PRINTER_WIDTHS)[number];

export interface EscPosOptions {
  cpl: PrinterWidth;
  encoding: PrinterEncoding;
  /** Cut the paper at the end (default true). */
  cut?: boolean;
}

/**
 * Cash drawer kick: ESC p m t1 t2 = 1B 70 00 19 FA (pin 2, 25×2 ms on, 250×2 ms off).
 * Always all 5 bytes: node-thermal-printer and escpos define the kick as just
 * `1B 70 00`, and the printer then eats the next two bytes of whatever follows as
 * t1/t2 (HARDWARE-ELECTRON.md §3, Epson TM-T88III/TM-U295 specs).
 */
export const DRAWER_KICK: Buffer = Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]);

/** The kick for the drawer on connector pin 5 (m = 1), same timings. */
export const DRAWER_KICK_PIN5: Buffer = Buffer.from([0x1b, 0x70, 0x01, 0x19, 0xfa]);

/** DLE EOT n real-time status requests; the printer answers one byte each. */
export const STATUS_REQUESTS = {
  /** n=1: printer status (drawer pin, online/offline). */
  printer: Buffer.from([0x10, 0x04, 0x01]),
  /** n=2: offline cause (cover open, paper end stop, error). */
  offline: Buffer.from([0x10, 0x04, 0x02]),
  /** n=3: error cause (cutter, unrecoverable, auto-recoverable). */
  error: Buffer.from([0x10, 0x04, 0x03]),
  /** n=4: paper roll sensor (near end, end). */
  paper: Buffer.from([0x10, 0x04, 0x04]),
} as const;

export type StatusRequest = 1 | 2 | 3 | 4;

/** What one or more status bytes said; null where the byte(s) read did not cover it. */
export interface PrinterStatusFlags {
  paperOut: boolean | null;
  paperNearEnd: boolean | null;
  coverOpen: boolean | null;
  drawerOpen: boolean | null;
  error: boolean | null;
  offline: boolean | null;
}

export const UNKNOWN_STATUS: PrinterStatusFlags = {
  paperOut: null,
  paperNearEnd: null,
  coverOpen: null,
  drawerOpen: null,
  error: null,
  offline: null,
};

/** Real-time status bytes have bit 1 and bit 4 set, bits 0 and 7 clear (Epson DLE EOT). */
export function isRealTimeStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/**
 * Reads a DLE EOT n reply per Epson's real-time status bits (TM-T20III):
 * n=1 bit2 drawer connector pin 3 level, bit3 offline; n=2 bit2 cover open, bit5 stopped
 * at paper end, bit6 error; n=3 bit2 recoverable, bit3 autocutter, bit5 unrecoverable,
 * bit6 auto-recoverable error; n=4 bits2-3 roll near end, bits5-6 roll end.
 * Whether pin 3 LOW means "open" depends on the drawer's switch: Epson's default
 * (drawer open level LOW) is assumed unless `drawerOpenWhen: 'high'`.
 * Returns null when the byte is not a status byte (fixed bits wrong).
 */
export function parsePrinterStatus(
  n: StatusRequest,
  byte: number,
  options: { drawerOpenWhen?: 'low' | 'high' } = {},
): PrinterStatusFlags | null {
  if (!isRealTimeStatusByte(byte)) return null;
  const bit = (b: number) => (byte & (1 << b)) !== 0;
  const flags: PrinterStatusFlags = { ...UNKNOWN_STATUS };
  switch (n) {
    case 1:
      flags.drawerOpen = (options.drawerOpenWhen ?? 'low') === 'low' ? !bit(2) : bit(2);
      flags.offline = bit(3);
      break;
    case 2:
      flags.coverOpen = bit(2);
      flags.paperOut = bit(5);
      flags.error = bit(6);
      break;
    case 3:
      flags.error = bit(2) || bit(3) || bit(5) || bit(6);
      break;
    case 4:
      flags.paperNearEnd = bit(2) || bit(3);
      flags.paperOut = bit(5) || bit(6);
      break;
  }
  return flags;
}

/** Combines flags from several replies; a known value wins over null, "true" over "false". */
export function mergePrinterStatus(...parts: readonly PrinterStatusFlags[]): PrinterStatusFlags {
  const merged: PrinterStatusFlags = { ...UNKNOWN_STATUS };
  for (const part of parts) {
    for (const key of Object.keys(merged) as (keyof PrinterStatusFlags)[]) {
      const value = part[key];
      if (value !== null) merged[key] = (merged[key] ?? false) || value;
    }
  }
  return merged;
}

/** Readable sentence for the cashier, or null when nothing is wrong. */
export function describePrinterProblem(flags: PrinterStatusFlags): string | null {
  if (flags.coverOpen) return 'The printer cover is open.';
  if (flags.paperOut) return 'The printer is out of paper.';
  if (flags.error) return 'The printer reports an error (cutter jam or hardware fault).';
  if (flags.offline) return 'The printer is offline.';
  return null;
}

/** ASCII stand-ins for characters a code page lacks (receiptline would print "?"). */
const FALLBACKS: Readonly<Record<string, string>> = {
  '×': 'x',
  '÷': '/',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '€': 'EUR',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  À: 'A',
  Â: 'A',
  È: 'E',
  Ê: 'E',
  Î: 'I',
  Ô: 'O',
  Û: 'U',
  Ç: 'C',
  Œ: 'OE',
  œ: 'oe',
};

const supportCache = new Map<string, Map<string, boolean>>();

/** Whether the code page has this character, asked of receiptline's own encoder. */
function encodable(ch: string, encoding: PrinterEncoding): boolean {
  let cache = supportCache.get(encoding);
  if (!cache) supportCache.set(encoding, (cache = new Map()));
  let known = cache.get(ch);
  if (known === undefined) {
    const encoded = commands.escpos.text(ch, encoding);
    known = !encoded.endsWith('?');
    cache.set(ch, known);
  }
  return known;
}

/** Replaces characters the code page cannot print with their ASCII stand-ins. */
export function fitToCodePage(text: string, encoding: PrinterEncoding): string {
  let out = '';
  for (const ch of text) {
    if (ch <= '\x7f' || !FALLBACKS[ch] || encodable(ch, encoding)) out += ch;
    else out += FALLBACKS[ch];
  }
  return out;
}

/**
 * Renders a receiptline document to printer bytes. receiptline returns a "binary"
 * string (one char per byte), hence Buffer.from(…, 'binary').
 */
export function renderEscPos(doc: string, options: EscPosOptions): Buffer {
  const commands = transform(fitToCodePage(doc, options.encoding), {
    cpl: options.cpl,
    encoding: options.encoding,
    command: 'escpos',
    cutting: options.cut ?? true,
  });
  return Buffer.from(commands, 'binary');
}
