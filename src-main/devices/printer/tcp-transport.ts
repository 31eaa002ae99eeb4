/**
 * Raw TCP printing (JetDirect, port 9100): connect, write, end, wait for the close.
 * No driver; the printer prints what arrives. One connection per job, so a printer
 * that was switched off and on again needs no reconnect logic.
 */
import { Socket } from 'node:net';
import type { PrinterStatusFlags } from './escpos';
import { printerError, queryRealTimeStatus, type PrinterTransport } from './printer-transport';

export interface TcpTransportOptions {
  host: string;
  port?: number;
  /** Give up connecting after this long (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Give up when the printer stops taking bytes for this long (default 10000 ms). */
  idleTimeoutMs?: number;
  /** Wait this long for each DLE EOT reply (default 500 ms). */
  statusTimeoutMs?: number;
  drawerOpenWhen?: 'low' | 'high';
}

function connect(host: string, port: number, timeoutMs: number, label: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        printerError(
          `The printer at ${label} did not answer within ${Math.round(timeoutMs / 100) / 10} s; check that it is on and connected.`,
        ),
      );
    }, timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const why =
        error.code === 'ECONNREFUSED'
          ? 'refused the connection'
          : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH'
            ? 'is unreachable'
            : `could not be reached (${error.message})`;
      reject(printerError(`The printer at ${label} ${why}; check that it is on and connected.`));
    });
    socket.connect({ host, port }, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** A PrinterTransport over TCP. */
export function createTcpTransport(options: TcpTransportOptions): PrinterTransport {
  const port = options.port ?? 9100;
  const label = `${options.host}:${port}`;
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const lingerMs = 2000;

  return {
    description: `TCP ${label}`,

    async send(data) {
      const socket = await connect(options.host, port, connectTimeoutMs, label);
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        socket.setTimeout(idleTimeoutMs, () => {
          failed = true;
          socket.destroy();
          reject(printerError(`The printer at ${label} stopped taking data; the receipt may be incomplete.`));
        });
        socket.on('error', (error) => {
          failed = true;
          socket.destroy();
          reject(
            printerError(
              `The connection to the printer at ${label} broke while printing (${error.message}); the receipt may be incomplete.`,
            ),
          );
        });
        // Replies (GS r status, ASB) may arrive; read and drop them so the socket drains.
        socket.on('data', () => undefined);
        let linger: NodeJS.Timeout | null = null;
        socket.on('finish', () => {
          // Every byte is with the OS. A printer that keeps its side open is not an error.
          linger = setTimeout(() => socket.destroy(), lingerMs);
        });
        socket.on('close', () => {
          if (linger) clearTimeout(linger);
          if (!failed) resolve();
        });
        socket.end(data);
      });
    },

    async queryStatus(): Promise<PrinterStatusFlags | null> {
      let socket: Socket;
      try {
        socket = await connect(options.host, port, connectTimeoutMs, label);
      } catch {
        return null;
      }
      socket.on('error', () => undefined);
      try {
        return await queryRealTimeStatus(
          {
            write: (bytes) => {
              socket.write(bytes);
            },
            onData: (listener) => {
              socket.on('data', listener);
              return () => socket.off('data', listener);
            },
          },
          options.statusTimeoutMs ?? 500,
          options.drawerOpenWhen,
        );
      } finally {
        socket.destroy();
      }
    },
  };
}
