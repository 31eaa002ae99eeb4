/**
 * Printing to a Linux usblp device (/dev/usb/lp0): the kernel driver passes the bytes
 * to the USB printer. Opened write-only without O_CREAT, so a missing device is an
 * error ("not connected") instead of a regular file quietly created in /dev.
 * No status: reading DLE EOT replies through usblp is not dependable.
 * A write blocks while the printer refuses data (paper out on some models); there is
 * no timeout here because abandoning it could print the receipt later, twice.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { printerError, type PrinterTransport } from './printer-transport';

export interface FileTransportOptions {
  path: string;
}

/** A PrinterTransport writing to a device file. */
export function createFileTransport(options: FileTransportOptions): PrinterTransport {
  const { path } = options;
  return {
    description: `device ${path}`,
    async send(data) {
      let handle;
      try {
        handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO')
          throw printerError(`The USB printer ${path} is not connected.`);
        if (code === 'EACCES' || code === 'EPERM')
          throw printerError(`No permission to write to ${path}; add your user to the "lp" group.`);
        throw printerError(`The printer ${path} could not be opened (${(error as Error).message}).`);
      }
      try {
        // writeFile loops until every byte is written; write() may stop short on a device.
        await handle.writeFile(data);
      } catch (error) {
        throw printerError(`Writing to the printer ${path} failed (${(error as Error).message}).`);
      } finally {
        await handle.close().catch(() => undefined);
      }
    },
  };
}
