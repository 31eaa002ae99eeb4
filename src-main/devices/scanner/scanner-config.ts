/**
 * The `devices.scanner` part of the config file and the factory that turns it into a
 * ScanSource, so the core picks an implementation by config (STYLE 8).
 */
import { z } from 'zod';
import { createHidScanner, type HidLoader } from './hid-scanner';
import { createHidrawStreamScanner } from './hidraw-stream-scanner';
import { reportDecoderSpecSchema } from './report-decoder';
import type { ScanSource } from './scanner-source';

const usbId = z.number().int().min(0).max(0xffff);

export const scannerConfigSchema = z.discriminatedUnion('type', [
  /** node-hid: HID-POS on every OS, keyboard reports on Linux. */
  z
    .object({
      type: z.literal('hid'),
      vendorId: usbId,
      productId: usbId,
      usagePage: z.number().int().min(0).max(0xffff).optional(),
      path: z.string().min(1).optional(),
      decoder: reportDecoderSpecSchema.optional(),
      nonExclusive: z.boolean().optional(),
    })
    .strict(),
  /** Fixed-size reports from /dev/hidrawN or a FIFO (demo feed). */
  z
    .object({
      type: z.literal('hidraw'),
      path: z.string().min(1),
      reportSize: z.number().int().min(1).max(1024),
      decoder: reportDecoderSpecSchema,
    })
    .strict(),
  /** No USB scanner: keyboard-wedge scans are detected in the window (§1.6). */
  z.object({ type: z.literal('none') }).strict(),
]);

export type ScannerConfig = z.infer<typeof scannerConfigSchema>;

/** Builds the scan source a config asks for, or null for type 'none'. Does not start it. */
export function createScanSource(
  config: ScannerConfig,
  options: { loadHid?: HidLoader; retryMs?: number } = {},
): ScanSource | null {
  switch (config.type) {
    case 'hid':
      return createHidScanner({ ...config, loadHid: options.loadHid, retryMs: options.retryMs });
    case 'hidraw':
      return createHidrawStreamScanner({ ...config, retryMs: options.retryMs });
    case 'none':
      return null;
  }
}
