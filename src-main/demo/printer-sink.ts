/**
 * A virtual ESC/POS receipt printer on 127.0.0.1 (raw TCP, like port 9100): it keeps
 * what each connection sent, reads it back as text lines, notices drawer kicks (and
 * whether they were the full 5 bytes), answers DLE EOT status requests from a status
 * the demo or a test sets (paper out, cover open…), and can refuse or drop connections
 * to play a failing printer, then recover. Demo mode prints to it; tests assert on it.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EscPosTextDecoder, type DecodedDrawerKick } from '../devices/printer/escpos-text-decoder';

export interface VirtualPrinterStatus {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** The virtual drawer: a complete kick opens it, closeDrawer() shuts it. */
  drawerOpen: boolean;
  offline: boolean;
  error: boolean;
}

/**
 * accept: a working printer. refuse: nothing listens on the port (ECONNREFUSED).
 * drop: connections are accepted, then reset as soon as data arrives.
 */
export type SinkMode = 'accept' | 'refuse' | 'drop';

/** Everything one connection sent, decoded. */
export interface ReceivedPrint {
  connection: number;
  bytes: Buffer;
  lines: string[];
  text: string;
  drawerKicks: DecodedDrawerKick[];
  cuts: number;
  statusRequests: number[];
}

export interface PrinterSink {
  readonly host: string;
  readonly port: number;
  /**
   * Connections that have closed, oldest first (status-only connections included): the newest
   * `keep` of them (default KEPT_PRINTS), so a demo till printing all day stays flat in memory.
   */
  prints(): ReceivedPrint[];
  /** How many connections have closed since the sink started, including those no longer kept. */
  printCount(): number;
  /** Resolves with the next closed connection that carried printable text or a drawer kick. */
  nextPrint(): Promise<ReceivedPrint>;
  status(): VirtualPrinterStatus;
  setStatus(patch: Partial<VirtualPrinterStatus>): void;
  closeDrawer(): void;
  mode(): SinkMode;
  /** Switches mode; 'refuse' stops listening, leaving 'refuse' listens again on the same port. */
  setMode(mode: SinkMode): Promise<void>;
  close(): Promise<void>;
}

const HEALTHY: VirtualPrinterStatus = {
  paperOut: false,
  paperNearEnd: false,
  coverOpen: false,
  drawerOpen: false,
  offline: false,
  error: false,
};

/** The one-byte DLE EOT n reply for a status, with Epson's fixed bits (0x12) set. */
export function statusReply(n: number, s: VirtualPrinterStatus): number {
  const offline = s.offline || s.coverOpen || s.paperOut || s.error;
  switch (n) {
    // Drawer pin 3 LOW reads as "open" (Epson default drawer open level).
    case 1:
      return 0x12 | (s.drawerOpen ? 0 : 0x04) | (offline ? 0x08 : 0);
    case 2:
      return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0) | (s.error ? 0x40 : 0);
    case 3:
      return 0x12 | (s.error ? 0x08 : 0);
    case 4:
      return 0x12 | (s.paperNearEnd ? 0x0c : 0) | (s.paperOut ? 0x60 : 0);
    default:
      return 0x12;
  }
}

/**
 * Prints the sink keeps to be read back (issue 14): each is about 3 KB with its bytes and text,
 * and a demo sale makes three (receipt, drawer kick, status), so keeping all of them grew the
 * host by ~10 KB a sale.
 */
export const KEPT_PRINTS = 200;

/** Starts the virtual printer on 127.0.0.1 (port 0 = any free port). */
export async function startPrinterSink(
  options: { port?: number; status?: Partial<VirtualPrinterStatus>; keep?: number } = {},
): Promise<PrinterSink> {
  const keep = Math.max(1, options.keep ?? KEPT_PRINTS);
  const host = '127.0.0.1';
  let status: VirtualPrinterStatus = { ...HEALTHY, ...options.status };
  let mode: SinkMode = 'accept';
  let server: Server | null = null;
  let port = options.port ?? 0;
  let connections = 0;
  let closed = 0;
  const sockets = new Set<Socket>();
  const received: ReceivedPrint[] = [];
  const waiters: ((print: ReceivedPrint) => void)[] = [];

  function handle(socket: Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection = ++connections;
    const decoder = new EscPosTextDecoder();
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      if (mode === 'drop') {
        socket.resetAndDestroy();
        return;
      }
      chunks.push(chunk);
      for (const event of decoder.push(chunk)) {
        if (event.type === 'status-request') socket.write(Buffer.from([statusReply(event.n, status)]));
        // GS r 1: paper sensor — bits 0-1 near end, bits 2-3 end.
        if (event.type === 'paper-status-request')
          socket.write(Buffer.from([(status.paperNearEnd ? 0x03 : 0) | (status.paperOut ? 0x0c : 0)]));
        if (event.type === 'drawer-kick' && event.kick.complete) status = { ...status, drawerOpen: true };
      }
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      if (mode === 'drop' && chunks.length === 0) return;
      decoder.end();
      const print: ReceivedPrint = {
        connection,
        bytes: Buffer.concat(chunks),
        lines: decoder.lines,
        text: decoder.text,
        drawerKicks: decoder.drawerKicks,
        cuts: decoder.cuts,
        statusRequests: decoder.statusRequests,
      };
      closed += 1;
      received.push(print);
      if (received.length > keep) received.splice(0, received.length - keep);
      if (print.text.trim() || print.drawerKicks.length) waiters.splice(0).forEach((resolve) => resolve(print));
    });
  }

  async function listen(): Promise<void> {
    const next = createServer(handle);
    next.listen(port, host);
    await once(next, 'listening');
    port = (next.address() as AddressInfo).port;
    server = next;
  }

  async function stopListening(): Promise<void> {
    const current = server;
    server = null;
    if (!current) return;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();

  return {
    host,
    get port() {
      return port;
    },
    prints: () => [...received],
    printCount: () => closed,
    nextPrint: () => new Promise((resolve) => waiters.push(resolve)),
    status: () => ({ ...status }),
    setStatus(patch) {
      status = { ...status, ...patch };
    },
    closeDrawer() {
      status = { ...status, drawerOpen: false };
    },
    mode: () => mode,
    async setMode(next) {
      if (next === mode) return;
      const wasRefusing = mode === 'refuse';
      mode = next;
      if (next === 'refuse') {
        const closing = stopListening();
        // Open connections belong to the printer that just "went away".
        for (const socket of sockets) socket.destroy();
        await closing;
      } else if (wasRefusing) {
        await listen();
      }
    },
    async close() {
      mode = 'refuse';
      const closing = stopListening();
      for (const socket of sockets) socket.destroy();
      await closing;
    },
  };
}
