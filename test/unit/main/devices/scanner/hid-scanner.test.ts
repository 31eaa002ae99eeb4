import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoScanner, honeywellPacketsFor } from '../../../../../src-main/demo/scanner-feed';
import {
  createHidScanner,
  listHidDevices,
  loadHidLibrary,
  type HidLoader,
} from '../../../../../src-main/devices/scanner/hid-scanner';
import type { ScanSource, ScannerState, ScannerStatus } from '../../../../../src-main/devices/scanner/scanner-source';
import { classifyHidDevice, defaultDecoderFor } from '../../../../../src-main/devices/scanner/scanner-vendors';
import { PosError } from '../../../../../src-shared/errors';

const sources: ScanSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.stop();
});

function waitForState(source: ScanSource, state: ScannerState, message?: RegExp): Promise<ScannerStatus> {
  const matches = (s: ScannerStatus) => s.state === state && (!message || message.test(s.message));
  if (matches(source.status())) return Promise.resolve(source.status());
  return new Promise((resolve) => {
    const listener = (s: ScannerStatus) => {
      if (!matches(s)) return;
      source.off('status', listener);
      resolve(s);
    };
    source.on('status', listener);
  });
}

describe('node-hid that fails to load', () => {
  it('yields status unavailable with a sentence, and start() does not throw', async () => {
    const loadHid: HidLoader = () => Promise.reject(new Error('libudev.so.1: cannot open shared object file'));
    const scanner = createHidScanner({ vendorId: 0x0c2e, productId: 0x0b81, loadHid });
    sources.push(scanner);
    const statuses: ScannerStatus[] = [];
    scanner.on('status', (s) => statuses.push(s));
    await expect(scanner.start()).resolves.toBeUndefined();
    expect(scanner.status().state).toBe('unavailable');
    expect(scanner.status().message).toBe(
      'The USB HID library (node-hid) could not be loaded: libudev.so.1: cannot open shared object file. USB HID scanners are unavailable on this machine; keyboard-wedge scanning still works.',
    );
    expect(statuses.map((s) => s.state)).toEqual(['unavailable']);
    await scanner.stop();
    expect(scanner.status().state).toBe('unavailable');
  });

  it('also catches a native binding that only fails when first used (node-hid loads it lazily)', async () => {
    const loadHid: HidLoader = async () => ({
      HIDAsync: {
        open: async () => {
          throw new Error('unreachable');
        },
      },
      devicesAsync: async () => [],
      getHidapiVersion: () => {
        throw new Error('No native build was found for platform=linux arch=x64 runtime=electron abi=145');
      },
    });
    const lib = await loadHidLibrary(loadHid);
    expect(lib).toEqual({
      ok: false,
      message: expect.stringContaining('could not load its native part: No native build was found'),
    });
    const scanner = createHidScanner({ vendorId: 0x1eab, productId: 0x1310, loadHid });
    sources.push(scanner);
    await scanner.start();
    expect(scanner.status().state).toBe('unavailable');
  });

  it('makes listHidDevices reject with a DEVICE_ERROR instead of crashing', async () => {
    const error = await listHidDevices(() => Promise.reject(new Error('ABI mismatch'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect(error).toMatchObject({ code: 'DEVICE_ERROR' });
  });
});

describe('the real node-hid on this machine (no scanner attached)', () => {
  it('loads, lists devices, and reports the configured scanner as disconnected', async () => {
    const devices = await listHidDevices();
    expect(Array.isArray(devices)).toBe(true);
    const scanner = createHidScanner({ vendorId: 0x0c2e, productId: 0x0b81, retryMs: 60_000 });
    sources.push(scanner);
    await scanner.start();
    expect(scanner.status().state).toBe('disconnected');
    expect(scanner.status().message).toMatch(/^Scanner 0c2e:0b81 is not connected or cannot be opened/);
  });
});

/** A stand-in for one opened HID device: emits what a scanner would. */
class FakeDevice extends EventEmitter {
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
  }
  async getDeviceInfo() {
    return {
      vendorId: 0x0c2e,
      productId: 0x0b81,
      usagePage: 0x8c,
      usage: 0x02,
      path: '/dev/hidraw7',
      product: 'Voyager',
      release: 0,
      interface: 0,
    };
  }
}

describe('HID scanner lifecycle (injected device)', () => {
  it('decodes reports, survives an unplug, and reopens on the retry timer', async () => {
    const devices: FakeDevice[] = [];
    let opens = 0;
    const loadHid: HidLoader = async () => ({
      HIDAsync: {
        open: async () => {
          opens += 1;
          if (opens === 2) throw new Error('cannot open device with path /dev/hidraw7');
          const device = new FakeDevice();
          devices.push(device);
          return device;
        },
      },
      devicesAsync: async () => [],
      getHidapiVersion: () => '0.14.0',
    });
    const scanner = createHidScanner({ vendorId: 0x0c2e, productId: 0x0b81, loadHid, retryMs: 5 });
    sources.push(scanner);
    await scanner.start();
    expect(scanner.status()).toMatchObject({
      state: 'connected',
      device: { decoder: 'HID-POS (honeywell layout)', product: 'Voyager' },
    });

    const scanned = new Promise<[string, string | null]>((resolve) =>
      scanner.on('scan', (code, meta) => resolve([code, meta.aim])),
    );
    for (const packet of honeywellPacketsFor('0'.repeat(60), { aim: ']C0' })) devices[0].emit('data', packet);
    expect(await scanned).toEqual(['0'.repeat(60), ']C0']);

    const lost = waitForState(scanner, 'disconnected', /unplugged/);
    const back = lost.then(() => waitForState(scanner, 'connected'));
    devices[0].emit('error', new Error('could not read from HID device'));
    await lost;
    expect(devices[0].closed).toBe(true);
    await back;
    // One failed attempt in between, then the third open succeeded.
    expect(opens).toBe(3);
    expect(devices).toHaveLength(2);

    await scanner.stop();
    expect(devices[1].closed).toBe(true);
    expect(scanner.status().state).toBe('disconnected');
  });
});

describe('scanner-vendors', () => {
  it('classifies by usage page, and Newland by PID when the backend gives no usage page', () => {
    expect(classifyHidDevice({ vendorId: 0x0c2e, productId: 0x0b81, usagePage: 0x8c, usage: 2 })).toBe('hid-pos');
    expect(classifyHidDevice({ vendorId: 0x05e0, productId: 0x1200, usagePage: 1, usage: 6 })).toBe('keyboard');
    expect(classifyHidDevice({ vendorId: 0x1eab, productId: 0x1310 })).toBe('hid-pos');
    expect(classifyHidDevice({ vendorId: 0x1eab, productId: 0x1303 })).toBe('keyboard');
    expect(classifyHidDevice({ vendorId: 0x046d, productId: 0xc52b, usagePage: 0xff00 })).toBe('other');
    expect(defaultDecoderFor({ vendorId: 0x1eab, productId: 0x1310, usagePage: 0x8c })).toEqual({
      kind: 'hid-pos',
      vendor: 'newland',
    });
    expect(defaultDecoderFor({ vendorId: 0x05e0, productId: 0x1200, usagePage: 1, usage: 6 })).toEqual({
      kind: 'keyboard',
    });
  });
});

describe('demo scanner', () => {
  it('plays scans through real frames and decoders, only while started', async () => {
    for (const format of ['honeywell', 'keyboard'] as const) {
      const demo = createDemoScanner(format);
      sources.push(demo);
      const scans: [string, string | null][] = [];
      demo.on('scan', (code, meta) => scans.push([code, meta.aim]));
      demo.scan('ignored');
      await demo.start();
      expect(demo.status().state).toBe('connected');
      demo.scan('4006381333931');
      demo.scan(`W${'x'.repeat(70)}`, ']Q1');
      expect(scans).toEqual(
        format === 'honeywell'
          ? [
              ['4006381333931', ']E0'],
              [`W${'x'.repeat(70)}`, ']Q1'],
            ]
          : [
              ['4006381333931', null],
              [`W${'x'.repeat(70)}`, null],
            ],
      );
    }
  });
});
