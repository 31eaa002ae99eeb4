/**
 * The `devices.printer` part of the config file, and the transport each kind means.
 */
import { z } from 'zod';
import { PRINTER_ENCODINGS } from './escpos';
import { createFileTransport } from './file-transport';
import type { PrinterTransport } from './printer-transport';
import { createSerialTransport } from './serial-transport';
import { createOsTransport, type OsPrint } from './os-transport';
import { createTcpTransport } from './tcp-transport';

/** Settings every printer kind shares; all optional. */
const common = {
  /** Characters per line: 32 (58 mm), 42 or 48 (80 mm). Default 42. */
  cpl: z.union([z.literal(32), z.literal(42), z.literal(48)]).optional(),
  /** Code page for text. Default cp437 (every ESC/POS printer has it). */
  encoding: z.enum(PRINTER_ENCODINGS).optional(),
  /** Drawer connector pin the kick pulses (2 or 5). Default 2. */
  drawerPin: z.union([z.literal(2), z.literal(5)]).optional(),
  /** Ask for paper/cover status (DLE EOT) before each print. Default true. */
  statusCheck: z.boolean().optional(),
};

export const printerConfigSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('tcp'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(9100),
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('serial'),
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(9600),
      ...common,
    })
    .strict(),
  z
    .object({
      type: z.literal('file'),
      path: z.string().min(1),
      ...common,
    })
    .strict(),
  /** Fallback: the OS print system (desktop app only), for printers with no raw path. */
  z
    .object({
      type: z.literal('os'),
      deviceName: z.string().min(1).nullable().default(null),
      /** Paper width in microns (80 mm roll: 80000). */
      widthMicrons: z.number().int().min(40_000).max(120_000).default(80_000),
      ...common,
    })
    .strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

/** A parsed printer config: tcp (host, port), serial (path, baudRate), file (/dev/usb/lp0) or none. */
export type PrinterConfig = z.output<typeof printerConfigSchema>;

/** The transport a config asks for, or null for 'none'. `osPrint` comes from the desktop shell. */
export function createPrinterTransport(config: PrinterConfig, osPrint: OsPrint | null = null): PrinterTransport | null {
  switch (config.type) {
    case 'tcp':
      return createTcpTransport({ host: config.host, port: config.port });
    case 'serial':
      return createSerialTransport({ path: config.path, baudRate: config.baudRate });
    case 'file':
      return createFileTransport({ path: config.path });
    case 'os':
      return createOsTransport({ deviceName: config.deviceName, widthMicrons: config.widthMicrons, osPrint });
    case 'none':
      return null;
  }
}
