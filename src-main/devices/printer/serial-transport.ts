/**
 * Serial printing (RS-232 or a USB virtual COM port) with serialport: open at the
 * printer's baud rate, write, drain, close, per job. serialport is imported lazily so
 * a missing native binding only breaks printing to a serial printer, not app start.
 */
import type { SerialPort } from 'serialport';
import type { PrinterStatusFlags } from './escpos';
import { printerError, queryRealTimeStatus, type PrinterTransport } from './printer-transport';

export interface SerialTransportOptions {
  path: string;
  baudRate: number;
  /** Wait this long for each DLE EOT reply (default 500 ms). */
  statusTimeoutMs?: number;
  drawerOpenWhen?: 'low' | 'high';
}

async function openPort(path: string, baudRate: number): Promise<SerialPort> {
  let SerialPortClass: typeof SerialPort;
  try {
    ({ SerialPort: SerialPortClass } = await import('serialport'));
  } catch (error) {
    throw printerError(
      `The serial port library could not be loaded (${(error as Error).message}); serial printing is unavailable.`,
    );
  }
  const port = new SerialPortClass({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    port.open((error) => {
      if (error)
        reject(
          printerError(
            `The serial printer at ${path} could not be opened (${error.message}); check the cable and the port name.`,
          ),
        );
      else resolve();
    });
  });
  return port;
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** A PrinterTransport over a serial port. */
export function createSerialTransport(options: SerialTransportOptions): PrinterTransport {
  const { path, baudRate } = options;
  return {
    description: `serial ${path} at ${baudRate} baud`,

    async send(data) {
      const port = await openPort(path, baudRate);
      try {
        await new Promise<void>((resolve, reject) => {
          port.write(data, (error) => {
            if (error)
              return reject(printerError(`Writing to the serial printer at ${path} failed (${error.message}).`));
            // drain() waits until the OS has pushed every byte out of the port (tcdrain).
            port.drain((drainError) => {
              if (drainError)
                reject(printerError(`Writing to the serial printer at ${path} failed (${drainError.message}).`));
              else resolve();
            });
          });
        });
      } finally {
        await closePort(port);
      }
    },

    async queryStatus(): Promise<PrinterStatusFlags | null> {
      let port: SerialPort;
      try {
        port = await openPort(path, baudRate);
      } catch {
        return null;
      }
      port.on('error', () => undefined);
      try {
        return await queryRealTimeStatus(
          {
            write: (bytes) => {
              port.write(bytes);
            },
            onData: (listener) => {
              port.on('data', listener);
              return () => port.off('data', listener);
            },
          },
          options.statusTimeoutMs ?? 500,
          options.drawerOpenWhen,
        );
      } finally {
        await closePort(port);
      }
    },
  };
}
