/**
 * One shape for "turn raw reports into codes", whichever protocol the scanner speaks,
 * so the node-hid source and the report-stream source share the decoding.
 */
import { z } from 'zod';
import { createHidPosAssembler, HID_POS_VENDORS, type HidPosVendor, type ReportIdMode } from './hid-pos-parsers';
import { createKeyboardReportDecoder } from './keyboard-report-decoder';
import type { ScanMeta } from './scanner-source';

export const reportDecoderSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('keyboard'),
      prefix: z.string().max(16).optional(),
      suffix: z.string().max(16).optional(),
      terminators: z.array(z.enum(['enter', 'tab'])).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('hid-pos'),
      vendor: z.enum(HID_POS_VENDORS as [HidPosVendor, ...HidPosVendor[]]),
      reportId: z.union([z.boolean(), z.literal('auto')]).optional(),
    })
    .strict(),
]);

/** How a device's reports are decoded. */
export type ReportDecoderSpec = z.infer<typeof reportDecoderSpecSchema>;

export interface DecodedCode {
  code: string;
  meta: Omit<ScanMeta, 'at' | 'device'>;
}

export interface ReportDecoder {
  readonly description: string;
  push(report: Uint8Array): DecodedCode[];
  reset(): void;
}

/** Builds the decoder for a spec; `onReject` hears about malformed reports. */
export function createReportDecoder(spec: ReportDecoderSpec, onReject?: (reason: string) => void): ReportDecoder {
  if (spec.kind === 'keyboard') {
    const keyboard = createKeyboardReportDecoder(spec);
    return {
      description: 'keyboard boot reports (US table)',
      push: (report) =>
        keyboard.push(report).map((code) => ({ code, meta: { source: 'keyboard', aim: null, vendorSymbology: null } })),
      reset: () => keyboard.reset(),
    };
  }
  const reportId: ReportIdMode = spec.reportId ?? 'auto';
  const assembler = createHidPosAssembler(spec.vendor, { reportId, onReject });
  return {
    description: `HID-POS (${spec.vendor} layout)`,
    push(report) {
      const scan = assembler.push(report);
      return scan
        ? [{ code: scan.code, meta: { source: 'hid-pos', aim: scan.aim, vendorSymbology: scan.vendorSymbology } }]
        : [];
    },
    reset: () => assembler.reset(),
  };
}
