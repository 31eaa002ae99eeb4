/**
 * Which USB devices are scanners and how they talk: VIDs from Debian usb.ids
 * (HARDWARE-ELECTRON.md §1.4) and the usage pages node-hid's hidraw backend reports.
 */
import type { HidPosVendor } from './hid-pos-parsers';
import type { ReportDecoderSpec } from './report-decoder';

export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_KEYBOARD = 0x06;
/** HID Point of Sale: Bar Code Scanner page. */
export const USAGE_PAGE_BAR_CODE_SCANNER = 0x8c;

export const SCANNER_VENDORS: ReadonlyMap<number, { name: string; layout: HidPosVendor }> = new Map([
  [0x0c2e, { name: 'Honeywell (Metrologic)', layout: 'honeywell' as const }],
  [0x0536, { name: 'Honeywell (Hand Held Products)', layout: 'honeywell' as const }],
  [0x1eab, { name: 'Newland', layout: 'newland' as const }],
  [0x05e0, { name: 'Zebra (Symbol)', layout: 'zebra' as const }],
]);

export type HidDeviceKind = 'hid-pos' | 'keyboard' | 'other';

export interface HidIdentity {
  vendorId: number;
  productId: number;
  usagePage?: number;
  usage?: number;
}

/**
 * HID-POS when the usage page says so; keyboard for Generic Desktop / Keyboard. The
 * libusb backend reports no usage page, so Newland's PID convention (low byte 0x10
 * HID-POS, 0x03 keyboard) is the only fallback.
 */
export function classifyHidDevice(device: HidIdentity): HidDeviceKind {
  if (device.usagePage === USAGE_PAGE_BAR_CODE_SCANNER) return 'hid-pos';
  if (device.usagePage === USAGE_PAGE_GENERIC_DESKTOP && device.usage === USAGE_KEYBOARD) return 'keyboard';
  if (device.usagePage === undefined && device.vendorId === 0x1eab) {
    if ((device.productId & 0xff) === 0x10) return 'hid-pos';
    if ((device.productId & 0xff) === 0x03) return 'keyboard';
  }
  return 'other';
}

/**
 * The decoder for a device: the vendor's HID-POS layout, or keyboard reports. An
 * unknown vendor in HID-POS mode gets the Honeywell layout, which Access-IS shares.
 */
export function defaultDecoderFor(device: HidIdentity): ReportDecoderSpec {
  const kind = classifyHidDevice(device);
  if (kind === 'keyboard') return { kind: 'keyboard' };
  const vendor = SCANNER_VENDORS.get(device.vendorId);
  if (kind === 'hid-pos') return { kind: 'hid-pos', vendor: vendor?.layout ?? 'honeywell' };
  // Unclassified: a known scanner vendor most likely runs HID-POS (the only mode node-hid
  // can open on every OS, §1.1); anything else is treated as a keyboard.
  return vendor ? { kind: 'hid-pos', vendor: vendor.layout } : { kind: 'keyboard' };
}

/** "0c2e:0b81", as lsusb and udev rules write it. */
export function formatUsbId(vendorId: number, productId: number): string {
  return `${vendorId.toString(16).padStart(4, '0')}:${productId.toString(16).padStart(4, '0')}`;
}
