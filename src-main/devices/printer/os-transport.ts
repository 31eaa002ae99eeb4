/**
 * The OS printer, only as a fallback (DESIGN.md §8): for a printer that has no raw
 * ESC/POS path, the same receipt bytes are read back as text and printed through the
 * desktop app's print system (Electron `webContents.print`, with an explicit page size).
 * A drawer behind such a printer cannot be kicked from here: that is said, not hidden.
 */
import { decodeEscPos } from './escpos-text-decoder';
import { printerError, type PrinterTransport } from './printer-transport';

/** Prints monospace text on the OS printer; provided by the Electron shell. */
export type OsPrint = (text: string, options: { deviceName: string | null; widthMicrons: number }) => Promise<void>;

export function createOsTransport(options: {
  deviceName: string | null;
  widthMicrons: number;
  osPrint: OsPrint | null;
}): PrinterTransport {
  return {
    description: options.deviceName ? `OS printer "${options.deviceName}"` : 'the OS default printer',
    async send(data) {
      if (!options.osPrint)
        throw printerError(
          'The OS printer can only be used from the desktop app; here, set up a TCP, serial or USB receipt printer.',
        );
      const decoded = decodeEscPos(data);
      if (decoded.drawerKicks.length > 0 && decoded.text.trim() === '') {
        throw printerError(
          'The cash drawer cannot be opened through the OS printer; open it with its key, or connect the printer over TCP, serial or USB.',
        );
      }
      try {
        await options.osPrint(decoded.text, { deviceName: options.deviceName, widthMicrons: options.widthMicrons });
      } catch (error) {
        throw printerError(`The OS printer did not print: ${(error as Error).message}`);
      }
    },
  };
}
