/**
 * Encodes codes into the report frames real scanners send, so the demo and the tests
 * drive the real decoders (src-main/devices/scanner) through a FIFO or hidraw-like
 * stream: boot-keyboard press/release reports, and Honeywell / Newland / Zebra HID-POS
 * packets, split into several packets when the code is long. `createDemoScanner` is
 * the in-process demo source (every OS, no FIFO): the trainee "scans" from the UI.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { charToKeystroke, KEY_ENTER, KEY_TAB } from '../devices/scanner/keyboard-report-decoder';
import { createReportDecoder, type ReportDecoder } from '../devices/scanner/report-decoder';
import { ScanSourceBase } from '../devices/scanner/scanner-source';

const LEFT_SHIFT = 0x02;
const LEFT_CTRL = 0x01;
const LEFT_ALT = 0x04;
const KEYPAD_DIGIT: Record<string, number> = {
  '1': 0x59,
  '2': 0x5a,
  '3': 0x5b,
  '4': 0x5c,
  '5': 0x5d,
  '6': 0x5e,
  '7': 0x5f,
  '8': 0x60,
  '9': 0x61,
  '0': 0x62,
};

export interface KeyboardFeedOptions {
  /** Key sent after the code (default 'enter'; null for none, e.g. with a suffix). */
  terminator?: 'enter' | 'tab' | null;
  /** Prepend this report-ID byte (9-byte reports, as some hosts deliver them). */
  reportId?: number | null;
  /**
   * How to type characters missing from the US table (GS, FS…): 'ctrl' sends Ctrl+key
   * (Ctrl+] = GS), 'alt' sends Alt + keypad digits (Zebra ALT mode). Default 'ctrl'.
   */
  controlCharacters?: 'ctrl' | 'alt';
  /** Send a press report, then a second report still holding the key (some scanners do), then release. */
  holdKeys?: boolean;
}

function report(modifiers: number, keys: number[], reportId: number | null | undefined): Buffer {
  const body = Buffer.alloc(8);
  body[0] = modifiers;
  keys.slice(0, 6).forEach((k, i) => {
    body[2 + i] = k;
  });
  return reportId === null || reportId === undefined ? body : Buffer.concat([Buffer.from([reportId]), body]);
}

/** Boot-keyboard reports typing `code` then the terminator: a press and a release per key. */
export function keyboardReportsFor(code: string, options: KeyboardFeedOptions = {}): Buffer[] {
  const id = options.reportId;
  const out: Buffer[] = [];
  const press = (modifiers: number, usage: number) => {
    out.push(report(modifiers, [usage], id));
    if (options.holdKeys) out.push(report(modifiers, [usage], id));
    out.push(report(0, [], id));
  };
  for (const ch of code) {
    const stroke = charToKeystroke(ch);
    if (stroke) {
      press(stroke.shift ? LEFT_SHIFT : 0, stroke.usage);
      continue;
    }
    const value = ch.charCodeAt(0);
    if (value < 0x20 && options.controlCharacters !== 'alt') {
      const base =
        charToKeystroke(String.fromCharCode(value + 0x40).toLowerCase()) ??
        charToKeystroke(String.fromCharCode(value + 0x40));
      if (!base) throw new RangeError(`Cannot type character 0x${value.toString(16)}`);
      press(LEFT_CTRL | (base.shift ? LEFT_SHIFT : 0), base.usage);
      continue;
    }
    if (value > 0xff) throw new RangeError(`Cannot type "${ch}" on a keyboard-mode scanner`);
    // ALT mode: hold Alt, type the decimal code on the keypad, release Alt.
    for (const digit of String(value).padStart(3, '0')) {
      out.push(report(LEFT_ALT, [KEYPAD_DIGIT[digit]], id));
      out.push(report(LEFT_ALT, [], id));
    }
    out.push(report(0, [], id));
  }
  if (options.terminator !== null) press(0, options.terminator === 'tab' ? KEY_TAB : KEY_ENTER);
  return out;
}

const DATA_PER_PACKET = 56;

function chunks(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += DATA_PER_PACKET) parts.push(bytes.subarray(at, at + DATA_PER_PACKET));
  return parts.length ? parts : [Buffer.alloc(0)];
}

/** Drops the leading report-ID byte, as stacks that strip it deliver reports. */
function withoutId(packet: Buffer, keepId: boolean): Buffer {
  return keepId ? packet : packet.subarray(1);
}

export interface HidPosFeedOptions {
  /** Keep byte 0 (report ID 0x02), as hidapi and hidraw deliver it (default true). */
  reportId?: boolean;
}

/** Honeywell HID-POS packets: [0]=2, [1]=len, [2..4]=AIM, [5..60]=data, [61]=code ID, [63] bit0=more. */
export function honeywellPacketsFor(
  code: string | Buffer,
  options: HidPosFeedOptions & { aim?: string; codeId?: string } = {},
): Buffer[] {
  const aim = Buffer.from(options.aim ?? ']E0', 'latin1');
  const codeId = (options.codeId ?? 'd').charCodeAt(0);
  const parts = chunks(Buffer.isBuffer(code) ? code : Buffer.from(code, 'utf8'));
  return parts.map((part, i) => {
    const packet = Buffer.alloc(64);
    packet[0] = 0x02;
    packet[1] = part.length;
    aim.copy(packet, 2, 0, 3);
    part.copy(packet, 5);
    packet[61] = codeId;
    packet[63] = i < parts.length - 1 ? 1 : 0;
    return withoutId(packet, options.reportId ?? true);
  });
}

/** Newland HID-POS packets: [0]=2, [1]=len, [2..57]=data, [62]=symbology ID, [63] bit0=more. */
export function newlandPacketsFor(
  code: string | Buffer,
  options: HidPosFeedOptions & { symbology?: string } = {},
): Buffer[] {
  const symbology = (options.symbology ?? 'd').charCodeAt(0);
  const parts = chunks(Buffer.isBuffer(code) ? code : Buffer.from(code, 'utf8'));
  return parts.map((part, i) => {
    const packet = Buffer.alloc(64);
    packet[0] = 0x02;
    packet[1] = part.length;
    part.copy(packet, 2);
    packet[62] = symbology;
    packet[63] = i < parts.length - 1 ? 1 : 0;
    return withoutId(packet, options.reportId ?? true);
  });
}

/** One Zebra packet as the public sample reads it: 5-byte header, data, NUL padding (see hid-pos-parsers). */
export function zebraPacketFor(code: string, options: HidPosFeedOptions = {}): Buffer {
  const data = Buffer.from(code, 'utf8');
  if (data.length > 59) throw new RangeError('The Zebra layout is only known for single-packet codes');
  const packet = Buffer.alloc(64);
  packet[0] = 0x02;
  packet[1] = data.length;
  data.copy(packet, 5);
  return withoutId(packet, options.reportId ?? true);
}

/**
 * Writes report frames into a FIFO (or hidraw-like path). Opening for writing waits
 * until a reader has the FIFO open, so start the scanner source first. A reader that is
 * just reopening after the previous writer left can make the write fail with EPIPE; the
 * frames did not go in (pipe writes up to PIPE_BUF are all or nothing), so try again.
 */
export async function writeReports(path: string, reports: readonly Buffer[], attempts = 20): Promise<void> {
  const bytes = Buffer.concat(reports);
  for (let attempt = 1; ; attempt += 1) {
    const handle = await open(path, constants.O_WRONLY);
    try {
      await handle.write(bytes);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE' || attempt >= attempts || bytes.length > 4096) throw error;
    } finally {
      await handle.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A demo ScanSource whose codes go through real report frames and the real decoder. */
export class DemoScanner extends ScanSourceBase {
  readonly #format: 'keyboard' | 'honeywell';
  readonly #decoder: ReportDecoder;
  #running = false;

  constructor(format: 'keyboard' | 'honeywell' = 'honeywell') {
    super({ state: 'disconnected', message: 'Demo scanner not started.' });
    this.#format = format;
    this.#decoder = createReportDecoder(
      format === 'keyboard' ? { kind: 'keyboard' } : { kind: 'hid-pos', vendor: 'honeywell' },
    );
  }

  async start(): Promise<void> {
    this.#running = true;
    this.setStatus({
      state: 'connected',
      message: 'Demo scanner ready (scans typed in the virtual scanner panel).',
      device: { product: 'Demo scanner', decoder: this.#decoder.description },
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#decoder.reset();
    this.setStatus({ state: 'disconnected', message: 'Demo scanner stopped.' });
  }

  /** Plays a scan of `code` (AIM ID for the HID-POS format, default "]E0"). Ignored while stopped. */
  scan(code: string, aim = ']E0'): void {
    if (!this.#running) return;
    const frames = this.#format === 'keyboard' ? keyboardReportsFor(code) : honeywellPacketsFor(code, { aim });
    for (const frame of frames) {
      for (const decoded of this.#decoder.push(new Uint8Array(frame)))
        this.emitScan(decoded.code, { ...decoded.meta, device: 'demo' });
    }
  }
}

/** The demo mode scanner. */
export function createDemoScanner(format: 'keyboard' | 'honeywell' = 'honeywell'): DemoScanner {
  return new DemoScanner(format);
}
