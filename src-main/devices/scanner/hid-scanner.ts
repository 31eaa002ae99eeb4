/**
 * A scanner read through node-hid (HID-POS on every OS; keyboard mode only on Linux
 * hidraw). node-hid is loaded lazily inside a try: a missing libudev/libusb or an ABI
 * mismatch turns into status 'unavailable' with a sentence, never a crash at start
 * (DESIGN.md §8). An unplugged scanner is retried with one open attempt per interval;
 * there is no hot USB enumeration loop (HID.devices() is a full enumeration, §1.4).
 */
import type { Device as HidDevice, HIDAsync } from 'node-hid';
import { PosError } from '../../../src-shared/errors';
import { createReportDecoder, type ReportDecoder, type ReportDecoderSpec } from './report-decoder';
import { ScanSourceBase, type ScannerDeviceInfo } from './scanner-source';
import { classifyHidDevice, defaultDecoderFor, formatUsbId, type HidDeviceKind } from './scanner-vendors';

type NodeHid = typeof import('node-hid');

/** Loads node-hid; injectable so tests can simulate a library that fails to load. */
export type HidLoader = () => Promise<unknown>;

export const defaultHidLoader: HidLoader = () => import('node-hid');

const UNAVAILABLE_TAIL = 'USB HID scanners are unavailable on this machine; keyboard-wedge scanning still works.';

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Imports node-hid and forces its native binding to load (node-hid loads it lazily, so
 * an import alone would succeed even when libudev is missing).
 */
export async function loadHidLibrary(
  loader: HidLoader = defaultHidLoader,
): Promise<{ ok: true; hid: NodeHid } | { ok: false; message: string }> {
  let hid: NodeHid;
  try {
    const mod = (await loader()) as NodeHid & { default?: NodeHid };
    hid = mod.default ?? mod;
    if (typeof hid?.HIDAsync?.open !== 'function' || typeof hid.devicesAsync !== 'function') {
      return { ok: false, message: `The USB HID library (node-hid) has an unexpected shape. ${UNAVAILABLE_TAIL}` };
    }
  } catch (error) {
    return {
      ok: false,
      message: `The USB HID library (node-hid) could not be loaded: ${reasonOf(error)}. ${UNAVAILABLE_TAIL}`,
    };
  }
  try {
    if (typeof hid.getHidapiVersion === 'function') hid.getHidapiVersion();
  } catch (error) {
    return {
      ok: false,
      message: `The USB HID library (node-hid) could not load its native part: ${reasonOf(error)}. ${UNAVAILABLE_TAIL}`,
    };
  }
  return { ok: true, hid };
}

/** One HID interface as the device picker shows it. */
export interface HidDeviceSummary {
  vendorId: number;
  productId: number;
  path: string | null;
  usagePage: number | null;
  usage: number | null;
  product: string | null;
  manufacturer: string | null;
  kind: HidDeviceKind;
}

function summarize(device: HidDevice): HidDeviceSummary {
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    path: device.path ?? null,
    usagePage: device.usagePage ?? null,
    usage: device.usage ?? null,
    product: device.product ?? null,
    manufacturer: device.manufacturer ?? null,
    kind: classifyHidDevice(device),
  };
}

/**
 * Lists HID interfaces for the settings screen (one enumeration, on demand). Throws a
 * PosError DEVICE_ERROR with a readable sentence when node-hid is unavailable.
 */
export async function listHidDevices(loader: HidLoader = defaultHidLoader): Promise<HidDeviceSummary[]> {
  const lib = await loadHidLibrary(loader);
  if (!lib.ok) throw new PosError('DEVICE_ERROR', lib.message);
  return (await lib.hid.devicesAsync()).map(summarize);
}

export interface HidScannerOptions {
  vendorId: number;
  productId: number;
  /** Pick the interface with this usage page (0x8C for HID-POS) when the device has several. */
  usagePage?: number;
  /** Open this exact path instead (it may change after a replug; VID/PID is preferred). */
  path?: string;
  /** Override the decoder chosen from usage page and vendor. */
  decoder?: ReportDecoderSpec;
  /** macOS only: share the device (the OS then asks for Input Monitoring permission). */
  nonExclusive?: boolean;
  /** Pause between open attempts while the scanner is missing (default 2000 ms). */
  retryMs?: number;
  loadHid?: HidLoader;
}

class HidScanner extends ScanSourceBase {
  readonly #options: HidScannerOptions;
  readonly #label: string;
  #hid: NodeHid | null = null;
  #device: HIDAsync | null = null;
  #decoder: ReportDecoder | null = null;
  #info: ScannerDeviceInfo | undefined;
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  /** Bumped on stop so an open that resolves late is closed, not adopted. */
  #generation = 0;

  constructor(options: HidScannerOptions) {
    const label = formatUsbId(options.vendorId, options.productId);
    super({ state: 'disconnected', message: `Scanner ${label} not started.` });
    this.#options = options;
    this.#label = label;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const generation = this.#generation;
    if (!this.#hid) {
      const lib = await loadHidLibrary(this.#options.loadHid);
      if (generation !== this.#generation) return;
      if (!lib.ok) {
        this.#running = false;
        this.setStatus({ state: 'unavailable', message: lib.message });
        return;
      }
      this.#hid = lib.hid;
    }
    await this.#attemptOpen(generation);
  }

  async stop(): Promise<void> {
    this.#generation += 1;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#release();
    if (this.status().state !== 'unavailable')
      this.setStatus({ state: 'disconnected', message: `Scanner ${this.#label} stopped.`, device: this.#info });
  }

  async #open(hid: NodeHid): Promise<{ device: HIDAsync; identity: HidDevice | null }> {
    const { vendorId, productId, usagePage, path, nonExclusive } = this.#options;
    const openOptions = nonExclusive ? { nonExclusive: true } : undefined;
    if (path) return { device: await hid.HIDAsync.open(path, openOptions), identity: null };
    if (usagePage !== undefined) {
      // A scanner exposes several interfaces; VID/PID alone opens the first one. This is
      // an enumeration filtered to one VID/PID, at most once per retry interval.
      const match = (await hid.devicesAsync(vendorId, productId)).find((d) => d.usagePage === usagePage && d.path);
      if (!match?.path) throw new Error(`no interface with usage page 0x${usagePage.toString(16)}`);
      return { device: await hid.HIDAsync.open(match.path, openOptions), identity: match };
    }
    return { device: await hid.HIDAsync.open(vendorId, productId, openOptions), identity: null };
  }

  async #attemptOpen(generation: number): Promise<void> {
    const hid = this.#hid;
    if (!hid || generation !== this.#generation) return;
    let opened: { device: HIDAsync; identity: HidDevice | null };
    try {
      opened = await this.#open(hid);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.setStatus({
        state: 'disconnected',
        message:
          `Scanner ${this.#label} is not connected or cannot be opened (${reasonOf(error)}); retrying every ${Math.round(this.#retryMs() / 1000)} s. ` +
          'On Linux check the udev rule for /dev/hidraw*; on Windows and macOS the scanner must be in HID-POS mode.',
        device: this.#info,
      });
      this.#scheduleRetry(generation);
      return;
    }
    if (generation !== this.#generation) {
      await opened.device.close().catch(() => undefined);
      return;
    }
    const identity = opened.identity ?? (await opened.device.getDeviceInfo().catch(() => null));
    const spec =
      this.#options.decoder ??
      defaultDecoderFor(identity ?? { vendorId: this.#options.vendorId, productId: this.#options.productId });
    this.#decoder = createReportDecoder(spec, (reason) => {
      this.setStatus({
        state: 'connected',
        message: `Scanner ${this.#label} connected; ignored a report: ${reason}`,
        device: this.#info,
      });
    });
    this.#info = {
      vendorId: this.#options.vendorId,
      productId: this.#options.productId,
      path: identity?.path ?? this.#options.path,
      product: identity?.product,
      manufacturer: identity?.manufacturer,
      decoder: this.#decoder.description,
    };
    this.#device = opened.device;
    opened.device.on('data', (data: Buffer) => this.#onData(data));
    opened.device.on('error', (error: unknown) => void this.#onLost(generation, error));
    this.setStatus({
      state: 'connected',
      message: `Scanner ${this.#label} connected (${this.#decoder.description}).`,
      device: this.#info,
    });
  }

  #onData(data: Buffer): void {
    const decoder = this.#decoder;
    if (!decoder) return;
    for (const { code, meta } of decoder.push(new Uint8Array(data))) {
      this.emitScan(code, { ...meta, device: this.#label });
    }
  }

  async #onLost(generation: number, error: unknown): Promise<void> {
    if (generation !== this.#generation) return;
    await this.#release();
    this.setStatus({
      state: 'disconnected',
      message: `Scanner ${this.#label} was unplugged or stopped responding (${reasonOf(error)}); reconnecting.`,
      device: this.#info,
    });
    this.#scheduleRetry(generation);
  }

  async #release(): Promise<void> {
    const device = this.#device;
    this.#device = null;
    this.#decoder?.reset();
    if (!device) return;
    device.removeAllListeners('data');
    // Keep an error listener: a late read error after close must not become uncaught.
    device.removeAllListeners('error');
    device.on('error', () => undefined);
    await device.close().catch(() => undefined);
  }

  #retryMs(): number {
    return this.#options.retryMs ?? 2000;
  }

  #scheduleRetry(generation: number): void {
    if (!this.#running || this.#timer || generation !== this.#generation) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#attemptOpen(generation);
    }, this.#retryMs());
    this.#timer.unref();
  }
}

/** A ScanSource over node-hid. `start()` resolves even when the library or device is missing. */
export function createHidScanner(options: HidScannerOptions): ScanSourceBase {
  return new HidScanner(options);
}
