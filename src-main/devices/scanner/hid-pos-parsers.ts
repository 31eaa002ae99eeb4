/**
 * HID-POS (usage page 0x8C, "HID data" mode) scanned-data reports. The POS usage
 * tables leave the byte layout to each vendor, and they differ (HARDWARE-ELECTRON.md
 * §1.3), so there is one parser per vendor, each tested with captured frames.
 *
 * hidapi (under node-hid) and Linux hidraw return a numbered report with its report
 * ID as byte 0; some stacks strip it. Every parser accepts both: `reportId: 'auto'`
 * decides from the length (64 bytes = with ID, 63 = without).
 */

export type HidPosVendor = 'honeywell' | 'newland' | 'zebra';

export const HID_POS_VENDORS: readonly HidPosVendor[] = ['honeywell', 'newland', 'zebra'];

/** The scanned-data report ID Honeywell and Newland use. */
export const SCANNED_DATA_REPORT_ID = 0x02;

/** Whether byte 0 is the report ID: true, false, or decided from the report length. */
export type ReportIdMode = boolean | 'auto';

/** One parsed packet: a slice of a code, with the symbology the vendor reports. */
export interface HidPosPacket {
  data: Uint8Array;
  /** AIM symbology identifier such as "]E0" (EAN/UPC), "]C0" (Code 128), or null. */
  aim: string | null;
  /** The vendor's own code ID (Honeywell byte 61, Newland byte 62), as a character, or null. */
  vendorSymbology: string | null;
  /** More packets of the same code follow. */
  more: boolean;
}

/** A report that is not a scanned-data report of this vendor, or is malformed. */
export class HidReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HidReportError';
  }
}

/** Full report size with the report-ID byte, for Honeywell and Newland. */
const FULL_REPORT = 64;

function idOffset(report: Uint8Array, mode: ReportIdMode, vendor: string): number {
  const withId = mode === 'auto' ? report.length >= FULL_REPORT : mode;
  if (withId) {
    if (report[0] !== SCANNED_DATA_REPORT_ID)
      throw new HidReportError(`${vendor}: report ID ${report[0]} is not a scanned-data report`);
    return 0;
  }
  // The OS stripped the ID: every documented offset moves down by one.
  return -1;
}

function charOrNull(byte: number | undefined): string | null {
  return byte ? String.fromCharCode(byte) : null;
}

function aimAt(report: Uint8Array, at: number): string | null {
  // An AIM ID is "]" + symbology char + modifier char.
  if (report[at] !== 0x5d) return null;
  return String.fromCharCode(report[at], report[at + 1], report[at + 2]);
}

/**
 * Honeywell "USB HID POS" (python_hon_usbhid captures; Access-IS readers use the same
 * shape): [0]=0x02, [1]=data length (≤56, AIM ID not counted), [2..4]=AIM ID,
 * [5..60]=data, [61]=Honeywell code ID, [62]=reserved, [63] bit 0 = more packets follow.
 */
export function parseHoneywellReport(report: Uint8Array, reportId: ReportIdMode = 'auto'): HidPosPacket {
  const o = idOffset(report, reportId, 'Honeywell');
  if (report.length < FULL_REPORT + o)
    throw new HidReportError(`Honeywell: report of ${report.length} bytes is too short`);
  const length = report[1 + o];
  if (length > 56) throw new HidReportError(`Honeywell: data length ${length} exceeds 56`);
  return {
    data: report.slice(5 + o, 5 + o + length),
    aim: aimAt(report, 2 + o),
    vendorSymbology: charOrNull(report[61 + o]),
    more: (report[63 + o] & 0x01) === 1,
  };
}

/**
 * Newland HID-POS (NLS-FM420 integration guide; IDTECH 2DScan is a Newland OEM):
 * [0]=0x02, [1]=length, [2..57]=data (note: from byte 2, no AIM field), [58..61]
 * reserved, [62]=Newland symbology ID, [63] bit 0 = more packets follow.
 */
export function parseNewlandReport(report: Uint8Array, reportId: ReportIdMode = 'auto'): HidPosPacket {
  const o = idOffset(report, reportId, 'Newland');
  if (report.length < FULL_REPORT + o)
    throw new HidReportError(`Newland: report of ${report.length} bytes is too short`);
  const length = report[1 + o];
  if (length > 56) throw new HidReportError(`Newland: data length ${length} exceeds 56`);
  return {
    data: report.slice(2 + o, 2 + o + length),
    aim: null,
    vendorSymbology: charOrNull(report[62 + o]),
    more: (report[63 + o] & 0x01) === 1,
  };
}

/**
 * Zebra/Symbol HID reports. UNCERTAIN: the only public evidence is one sample
 * (ciwanridwan/Unified-Vm `_dDevice/_Scanner.py`, 05e0:1300, read through Windows HID
 * with the report ID at byte 0) that skips a 5-byte header and reads data up to the
 * first NUL. The header's fields and any continuation flag are not documented there,
 * so: the data is bytes 5.. up to the first NUL, every report is one whole code, and
 * codes containing NUL or longer than one report are not supported. Confirm against
 * the Product Reference Guide of the model before relying on it; prefer Zebra's
 * USB CDC (serial) or SNAPI modes otherwise. Unlike Honeywell/Newland the report ID
 * value is not checked (unknown), and 'auto' assumes the ID is present (hidapi).
 */
export function parseZebraReport(report: Uint8Array, reportId: ReportIdMode = 'auto'): HidPosPacket {
  const start = reportId === false ? 4 : 5;
  if (report.length <= start) throw new HidReportError(`Zebra: report of ${report.length} bytes has no data`);
  const end = report.indexOf(0, start);
  return { data: report.slice(start, end === -1 ? report.length : end), aim: null, vendorSymbology: null, more: false };
}

const PARSERS: Record<HidPosVendor, (report: Uint8Array, reportId: ReportIdMode) => HidPosPacket> = {
  honeywell: parseHoneywellReport,
  newland: parseNewlandReport,
  zebra: parseZebraReport,
};

/** Parses one report with the given vendor's layout. */
export function parseHidPosReport(
  vendor: HidPosVendor,
  report: Uint8Array,
  reportId: ReportIdMode = 'auto',
): HidPosPacket {
  return PARSERS[vendor](report, reportId);
}

/** A complete code assembled from one or more packets. */
export interface AssembledScan {
  code: string;
  bytes: Uint8Array;
  aim: string | null;
  vendorSymbology: string | null;
  packets: number;
}

export interface HidPosAssemblerOptions {
  reportId?: ReportIdMode;
  /** Called with the reason when a report is refused; the partial code is dropped. */
  onReject?: (reason: string) => void;
  /** Bytes beyond this without an end packet are dropped as noise (default 64 KiB). */
  maxBytes?: number;
}

export interface HidPosAssembler {
  /** Feeds one report; returns the code when this report completed one. */
  push(report: Uint8Array): AssembledScan | null;
  reset(): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Codes are bytes; QR codes are usually UTF-8, 1D codes ASCII; anything else is read as Latin-1. */
export function bytesToCode(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/**
 * Accumulates a vendor's packets into whole codes: packets with the "more" bit are
 * held until the packet without it. The AIM and vendor IDs come from the first packet.
 */
export function createHidPosAssembler(vendor: HidPosVendor, options: HidPosAssemblerOptions = {}): HidPosAssembler {
  const reportId = options.reportId ?? 'auto';
  const maxBytes = options.maxBytes ?? 64 * 1024;
  let parts: Uint8Array[] = [];
  let size = 0;
  let first: HidPosPacket | null = null;

  function reset(): void {
    parts = [];
    size = 0;
    first = null;
  }

  return {
    push(report) {
      let packet: HidPosPacket;
      try {
        packet = parseHidPosReport(vendor, report, reportId);
      } catch (error) {
        reset();
        options.onReject?.(error instanceof Error ? error.message : String(error));
        return null;
      }
      first ??= packet;
      parts.push(packet.data);
      size += packet.data.length;
      if (size > maxBytes) {
        reset();
        options.onReject?.(`${vendor}: code longer than ${maxBytes} bytes dropped`);
        return null;
      }
      if (packet.more) return null;
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      const { aim, vendorSymbology } = first;
      const count = parts.length;
      reset();
      if (bytes.length === 0) return null;
      return { code: bytesToCode(bytes), bytes, aim, vendorSymbology, packets: count };
    },
    reset,
  };
}
