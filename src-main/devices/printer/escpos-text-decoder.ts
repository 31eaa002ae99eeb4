/**
 * Reads an ESC/POS byte stream the way a printer would, far enough to recover the
 * printed text and the events that matter to a till: drawer kicks, cuts, and status
 * requests that need an answer. Used by the virtual printer (src-main/demo/printer-sink)
 * and by tests. Command lengths follow the Epson ESC/POS reference for everything
 * receiptline emits plus the common extras; an unknown ESC/GS/FS command is skipped
 * as two bytes, which is how printers behave often enough to keep the text readable.
 */
import { commands } from 'receiptline';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

export interface DecodedDrawerKick {
  /** Connector pin: m = 0/48 → 2, 1/49 → 5. */
  pin: 2 | 5;
  onMs: number;
  offMs: number;
  /**
   * All 5 bytes of ESC p m t1 t2 arrived and t1/t2 are not the start of another
   * command; a 3-byte `1B 70 00` kick makes the printer eat the next command's bytes.
   */
  complete: boolean;
  command: 'ESC p' | 'DLE DC4';
  bytes: Buffer;
}

/** Something the interpreter saw that a simulator may need to act on at once. */
export type EscPosEvent =
  | { type: 'status-request'; n: number }
  | { type: 'paper-status-request'; n: number }
  | { type: 'drawer-kick'; kick: DecodedDrawerKick }
  | { type: 'cut' };

const CODE_PAGES: Record<number, string> = {
  0: 'cp437',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  16: 'cp1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
};
const decodeTables = new Map<string, string[]>();

/**
 * Byte → character for a code page, built once by asking receiptline's own encoder to
 * encode the BMP's Latin, symbol and box-drawing ranges (so no hand-copied tables).
 */
function tableFor(encoding: string): string[] {
  let table = decodeTables.get(encoding);
  if (table) return table;
  table = Array.from({ length: 256 }, (_, i) => (i < 0x80 ? String.fromCharCode(i) : '?'));
  let candidates = '';
  for (let cp = 0xa0; cp < 0x2600; cp++) candidates += String.fromCharCode(cp);
  const encoded = commands.escpos.text(candidates, encoding as 'cp437');
  const bytes = encoded.slice(encoded.length - candidates.length);
  for (let i = 0; i < candidates.length; i++) {
    const byte = bytes.charCodeAt(i);
    if (byte >= 0x80 && table[byte] === '?') table[byte] = candidates[i];
  }
  decodeTables.set(encoding, table);
  return table;
}

/** Length of the command starting at `at`, or 0 when more bytes are needed. */
function commandLength(b: Buffer, at: number): number {
  const left = b.length - at;
  if (left < 2) return 0;
  const first = b[at];
  const second = b[at + 1];
  const need = (n: number) => (left >= n ? n : 0);
  const u16 = (i: number) => (left > i + 1 ? b[at + i] + b[at + i + 1] * 256 : -1);
  if (first === ESC) {
    switch (second) {
      case 0x40:
      case 0x32:
      case 0x69:
      case 0x6d:
      case 0x3c:
        return 2; // @ 2 i m <
      case 0x70:
        return need(5); // p m t1 t2
      case 0x24:
      case 0x5c:
        return need(4); // $ \ nL nH
      case 0x63:
        return need(4); // c 3/4/5 n
      case 0x2a: {
        // * m nL nH d… (bit image)
        const n = u16(3);
        if (n < 0) return 0;
        return need(5 + n * (b[at + 2] >= 32 ? 3 : 1));
      }
      default:
        return need(3); // a M SP 3 { - E t R d J ! G V = U …
    }
  }
  if (first === GS) {
    switch (second) {
      case 0x4c:
      case 0x57:
      case 0x50:
        return need(4); // L W P
      case 0x56: {
        // V m [n]
        if (left < 3) return 0;
        return b[at + 2] >= 65 ? need(4) : 3;
      }
      case 0x6b: {
        // k m d… NUL | k m n d1…dn
        if (left < 3) return 0;
        const m = b[at + 2];
        if (m <= 6) {
          const end = b.indexOf(0, at + 3);
          return end === -1 ? 0 : end - at + 1;
        }
        if (left < 4) return 0;
        return need(4 + b[at + 3]);
      }
      case 0x28: {
        // ( X pL pH …
        const p = u16(3);
        return p < 0 ? 0 : need(5 + p);
      }
      case 0x38: {
        // 8 L p1 p2 p3 p4 … (32-bit length)
        if (left < 7) return 0;
        const p = b.readUInt32LE(at + 3);
        return need(7 + p);
      }
      case 0x76: {
        // v 0 m xL xH yL yH d…
        if (left < 8) return 0;
        return need(8 + u16(4) * u16(6));
      }
      default:
        return need(3); // a ! B w h H f r I …
    }
  }
  if (first === FS) {
    switch (second) {
      case 0x2e:
      case 0x26:
        return 2; // . &
      case 0x53:
      case 0x70:
        return need(4); // S n1 n2, p n m
      case 0x28: {
        // ( A pL pH …
        const p = u16(3);
        return p < 0 ? 0 : need(5 + p);
      }
      default:
        return need(3); // C - !
    }
  }
  if (first === DLE) {
    if (second === 0x04 || second === 0x05) return need(3); // EOT n, ENQ n
    if (second === 0x14) return left < 3 ? 0 : need(b[at + 2] === 8 ? 10 : 5); // DC4 fn … (fn 8 clears the buffer, 10 bytes)
    return 1;
  }
  return 1;
}

/** Incremental interpreter; feed chunks as they arrive, then end(). */
export class EscPosTextDecoder {
  readonly lines: string[] = [];
  readonly drawerKicks: DecodedDrawerKick[] = [];
  readonly statusRequests: number[] = [];
  cuts = 0;
  #pending: Buffer = Buffer.alloc(0);
  #line = '';
  #column = 0;
  #charWidth = 1;
  #table = tableFor('cp437');
  #rulePage = false;

  /** Interprets the complete commands in `chunk`; returns events needing action. */
  push(chunk: Buffer): EscPosEvent[] {
    const b = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const events: EscPosEvent[] = [];
    let at = 0;
    while (at < b.length) {
      const byte = b[at];
      if (byte !== ESC && byte !== GS && byte !== FS && byte !== DLE) {
        this.#byte(byte);
        at += 1;
        continue;
      }
      const length = commandLength(b, at);
      if (length === 0) break;
      this.#command(b.subarray(at, at + length), events);
      at += length;
    }
    this.#pending = Buffer.from(b.subarray(at));
    return events;
  }

  /** Flushes the last line; a kick cut short by the end of the stream is recorded as incomplete. */
  end(): EscPosEvent[] {
    const events: EscPosEvent[] = [];
    const rest = this.#pending;
    if (rest.length >= 2 && rest[0] === ESC && rest[1] === 0x70) {
      const kick = this.#kick(rest, 'ESC p');
      this.drawerKicks.push(kick);
      events.push({ type: 'drawer-kick', kick });
    }
    this.#pending = Buffer.alloc(0);
    if (this.#line.trim()) this.#newline();
    return events;
  }

  get text(): string {
    return this.lines.join('\n');
  }

  #kick(bytes: Buffer, command: 'ESC p' | 'DLE DC4'): DecodedDrawerKick {
    if (command === 'DLE DC4') {
      // DLE DC4 1 m t: real-time pulse, t × 100 ms on and off.
      return {
        pin: bytes[3] === 1 ? 5 : 2,
        onMs: bytes[4] * 100,
        offMs: bytes[4] * 100,
        complete: bytes.length === 5,
        command,
        bytes: Buffer.from(bytes),
      };
    }
    const m = bytes[2];
    const t1 = bytes[3];
    const t2 = bytes[4];
    const commandByte = (x: number | undefined) => x === ESC || x === GS || x === FS || x === DLE;
    return {
      pin: m === 1 || m === 49 ? 5 : 2,
      onMs: (t1 ?? 0) * 2,
      offMs: (t2 ?? 0) * 2,
      complete: bytes.length >= 5 && !commandByte(t1) && !commandByte(t2),
      command,
      bytes: Buffer.from(bytes),
    };
  }

  #byte(byte: number): void {
    if (byte === 0x0a || byte === 0x0c) return this.#newline();
    if (byte === 0x09) return this.#append(' ');
    if (byte < 0x20 || byte === 0x7f) return;
    if (this.#rulePage && byte >= 0x80) return this.#append(byte === 0x96 ? '|' : '-');
    this.#append(this.#table[byte]);
  }

  #append(ch: string): void {
    this.#line += ch;
    this.#column += this.#charWidth;
  }

  #newline(): void {
    this.lines.push(this.#line.trimEnd());
    this.#line = '';
    this.#column = 0;
  }

  #moveTo(column: number): void {
    const target = Math.max(column, this.#column + (this.#line && !this.#line.endsWith(' ') ? 1 : 0));
    while (this.#column < target) this.#append(' ');
  }

  #command(c: Buffer, events: EscPosEvent[]): void {
    const [first, second] = c;
    // receiptline's escpos command set lays text out in 12-dot characters.
    const dots = () => c[2] + c[3] * 256;
    if (first === ESC) {
      if (second === 0x70) {
        const kick = this.#kick(c, 'ESC p');
        this.drawerKicks.push(kick);
        events.push({ type: 'drawer-kick', kick });
      } else if (second === 0x74) {
        // ESC t n: code page; receiptline prints rules in page 1 (Katakana) box characters.
        this.#rulePage = c[2] === 1;
        this.#table = tableFor(CODE_PAGES[c[2]] ?? 'cp437');
      } else if (second === 0x24) {
        this.#moveTo(Math.round(dots() / 12));
      } else if (second === 0x5c) {
        this.#moveTo(this.#column + Math.round(dots() / 12));
      } else if (second === 0x64) {
        for (let i = 0; i < c[2]; i++) this.#newline();
      } else if (second === 0x69 || second === 0x6d) {
        this.cuts += 1;
        events.push({ type: 'cut' });
      }
    } else if (first === GS) {
      if (second === 0x21) this.#charWidth = ((c[2] >> 4) & 7) + 1;
      else if (second === 0x56) {
        this.cuts += 1;
        events.push({ type: 'cut' });
      } else if (second === 0x72) events.push({ type: 'paper-status-request', n: c[2] });
    } else if (first === DLE) {
      if (second === 0x04) {
        this.statusRequests.push(c[2]);
        events.push({ type: 'status-request', n: c[2] });
      } else if (second === 0x14 && c[2] === 1) {
        const kick = this.#kick(c, 'DLE DC4');
        this.drawerKicks.push(kick);
        events.push({ type: 'drawer-kick', kick });
      }
    }
  }
}

/** Decodes a whole ESC/POS byte string at once. */
export function decodeEscPos(bytes: Buffer): {
  lines: string[];
  text: string;
  drawerKicks: DecodedDrawerKick[];
  cuts: number;
  statusRequests: number[];
} {
  const decoder = new EscPosTextDecoder();
  decoder.push(bytes);
  decoder.end();
  return {
    lines: decoder.lines,
    text: decoder.text,
    drawerKicks: decoder.drawerKicks,
    cuts: decoder.cuts,
    statusRequests: decoder.statusRequests,
  };
}
