/**
 * How bytes reach a receipt printer: raw TCP 9100, a serial port, or a Linux usblp
 * file (DESIGN.md §8). The print queue and service see only this interface.
 */
import { PosError } from '../../../src-shared/errors';
import {
  mergePrinterStatus,
  parsePrinterStatus,
  STATUS_REQUESTS,
  type PrinterStatusFlags,
  type StatusRequest,
} from './escpos';

export interface PrinterTransport {
  /** "TCP 192.168.1.50:9100", for messages and the device panel. */
  readonly description: string;
  /**
   * Delivers the bytes. Resolves once the OS has taken them (TCP: the connection
   * closed cleanly). Rejects with a PosError DEVICE_ERROR carrying a readable sentence.
   */
  send(data: Buffer): Promise<void>;
  /**
   * Asks the printer for its real-time status (DLE EOT). Resolves null when the
   * transport cannot read or the printer does not answer in time.
   */
  queryStatus?(): Promise<PrinterStatusFlags | null>;
}

/** A device error with a sentence a cashier can act on. */
export function printerError(message: string): PosError {
  return new PosError('DEVICE_ERROR', message);
}

/** A two-way byte channel, as TCP sockets and serial ports both are. */
export interface ByteChannel {
  write(data: Buffer): void;
  /** Subscribes to incoming bytes; returns the unsubscribe function. */
  onData(listener: (data: Buffer) => void): () => void;
}

/** The DLE EOT requests a status check sends, in order. */
export const STATUS_SEQUENCE: readonly StatusRequest[] = [1, 2, 4];

const REQUEST_BYTES: Record<StatusRequest, Buffer> = {
  1: STATUS_REQUESTS.printer,
  2: STATUS_REQUESTS.offline,
  3: STATUS_REQUESTS.error,
  4: STATUS_REQUESTS.paper,
};

/**
 * Sends DLE EOT 1, 2, 4 one at a time and reads one reply byte for each, giving up
 * (null) when a reply does not come within `timeoutMs`: many printers and adapters
 * never answer, which is not an error.
 */
export async function queryRealTimeStatus(
  channel: ByteChannel,
  timeoutMs: number,
  drawerOpenWhen: 'low' | 'high' = 'low',
): Promise<PrinterStatusFlags | null> {
  const parts: PrinterStatusFlags[] = [];
  for (const n of STATUS_SEQUENCE) {
    const byte = await new Promise<number | null>((resolve) => {
      let unsubscribe = () => {};
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(null);
      }, timeoutMs);
      unsubscribe = channel.onData((data) => {
        // A reply is one byte; anything else (ASB, GS r answers) is skipped.
        for (const b of data) {
          const flags = parsePrinterStatus(n, b, { drawerOpenWhen });
          if (flags) {
            clearTimeout(timer);
            unsubscribe();
            parts.push(flags);
            resolve(b);
            return;
          }
        }
      });
      channel.write(REQUEST_BYTES[n]);
    });
    if (byte === null) return parts.length ? mergePrinterStatus(...parts) : null;
  }
  return mergePrinterStatus(...parts);
}
