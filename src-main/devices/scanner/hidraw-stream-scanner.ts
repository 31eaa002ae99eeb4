/**
 * A scanner read as a stream of fixed-size raw reports from a path: a Linux
 * /dev/hidrawN (keyboard-mode scanners on Linux, §1.2/§1.5), or a FIFO that the demo
 * feed and the integration tests write realistic report frames into. The same
 * decoders as the node-hid source turn reports into codes.
 *
 * FIFOs are opened non-blocking and read through a pipe handle, so stop() never
 * leaves a thread blocked in open()/read(). A character device is read with a plain
 * read stream (libuv cannot poll it); a read then in flight finishes on the next
 * report or on unplug, which is harmless for a device the app owns until it quits.
 */
import { constants, createReadStream, open as openCallback } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createReportDecoder, type ReportDecoder, type ReportDecoderSpec } from './report-decoder';
import { ScanSourceBase } from './scanner-source';

const openFd = promisify(openCallback);

export interface HidrawStreamScannerOptions {
  path: string;
  /** Bytes per report: 8 or 9 for boot keyboards, 64 (63 without report ID) for HID-POS. */
  reportSize: number;
  decoder: ReportDecoderSpec;
  /** Pause before reopening a missing or failed device (default 2000 ms). */
  retryMs?: number;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

class HidrawStreamScanner extends ScanSourceBase {
  readonly #options: HidrawStreamScannerOptions;
  readonly #decoder: ReportDecoder;
  #stream: Readable | null = null;
  #pending: Buffer = Buffer.alloc(0);
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #generation = 0;

  constructor(options: HidrawStreamScannerOptions) {
    super({ state: 'disconnected', message: `Scanner stream ${options.path} not started.` });
    if (!Number.isInteger(options.reportSize) || options.reportSize < 1)
      throw new RangeError('reportSize must be a positive integer');
    this.#options = options;
    this.#decoder = createReportDecoder(options.decoder, (reason) => {
      this.setStatus({
        state: 'connected',
        message: `Reading ${options.path}; ignored a report: ${reason}`,
        device: this.#device(),
      });
    });
  }

  #device() {
    return { path: this.#options.path, decoder: this.#decoder.description };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#open(this.#generation);
  }

  async stop(): Promise<void> {
    this.#generation += 1;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const stream = this.#stream;
    this.#stream = null;
    if (stream && !stream.destroyed) {
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      stream.destroy();
      // A char-device read in flight delays 'close' until it returns; do not wait for it.
      if (stream instanceof Socket) await closed;
    }
    this.#reset();
    this.setStatus({
      state: 'disconnected',
      message: `Scanner stream ${this.#options.path} stopped.`,
      device: this.#device(),
    });
  }

  #reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#decoder.reset();
  }

  async #open(generation: number): Promise<void> {
    const { path } = this.#options;
    let stream: Readable;
    let fifo: boolean;
    try {
      const info = await stat(path);
      if (info.isFile() || info.isDirectory()) {
        throw Object.assign(new Error(`${path} is not a device or FIFO`), { code: 'EINVAL' });
      }
      fifo = info.isFIFO();
      if (fifo) {
        const fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK);
        if (generation !== this.#generation) {
          new Socket({ fd, readable: true, writable: false }).destroy();
          return;
        }
        stream = new Socket({ fd, readable: true, writable: false });
      } else {
        stream = createReadStream(path, { highWaterMark: Math.max(this.#options.reportSize, 64) });
        await new Promise<void>((resolve, reject) => {
          stream.once('open', () => resolve());
          stream.once('error', reject);
        });
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      const code = errnoOf(error);
      const missing = code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO';
      this.setStatus({
        state: missing ? 'disconnected' : 'error',
        message: missing
          ? `Scanner ${path} is not connected; retrying.`
          : code === 'EACCES' || code === 'EPERM'
            ? `No permission to read ${path}; add a udev rule giving your user access to the scanner's hidraw node.`
            : `Cannot read ${path}: ${(error as Error).message}`,
        device: this.#device(),
      });
      this.#scheduleRetry(generation, this.#options.retryMs ?? 2000);
      return;
    }
    if (generation !== this.#generation) {
      stream.destroy();
      return;
    }
    this.#attach(stream, fifo, generation);
    this.setStatus({
      state: 'connected',
      message: `Reading scanner reports from ${path} (${this.#decoder.description}).`,
      device: this.#device(),
    });
  }

  #attach(stream: Readable, fifo: boolean, generation: number): void {
    this.#stream = stream;
    let received = false;
    let failure: unknown = null;
    stream.on('data', (chunk: Buffer) => {
      received = true;
      this.#frame(chunk);
    });
    stream.on('error', (error) => {
      failure = error;
    });
    stream.on('close', () => {
      if (generation !== this.#generation || this.#stream !== stream) return;
      this.#stream = null;
      this.#reset();
      const retryMs = this.#options.retryMs ?? 2000;
      if (failure) {
        // EIO/ENODEV: the hidraw node went away with the scanner; reopen when it is back.
        this.setStatus({
          state: 'disconnected',
          message: `Scanner ${this.#options.path} was lost (${errnoOf(failure) ?? (failure as Error).message}); reconnecting.`,
          device: this.#device(),
        });
        this.#scheduleRetry(generation, retryMs);
      } else if (fifo) {
        // The writer closed its end: wait for the next one. Reopen at once unless the
        // pipe ended without data, which would otherwise spin.
        this.#scheduleRetry(generation, received ? 0 : retryMs);
      } else {
        this.setStatus({
          state: 'disconnected',
          message: `Scanner ${this.#options.path} ended; reconnecting.`,
          device: this.#device(),
        });
        this.#scheduleRetry(generation, retryMs);
      }
    });
  }

  /** Cuts the byte stream into reports; a FIFO may deliver several (or half) per chunk. */
  #frame(chunk: Buffer): void {
    const size = this.#options.reportSize;
    let buffer = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (buffer.length >= size) {
      const report = new Uint8Array(buffer.subarray(0, size));
      buffer = buffer.subarray(size);
      for (const { code, meta } of this.#decoder.push(report))
        this.emitScan(code, { ...meta, device: this.#options.path });
    }
    this.#pending = Buffer.from(buffer);
  }

  #scheduleRetry(generation: number, delayMs: number): void {
    if (!this.#running || this.#timer || generation !== this.#generation) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#open(generation);
    }, delayMs);
    this.#timer.unref();
  }
}

/** A ScanSource reading fixed-size reports from a hidraw node or FIFO; reopens on ENOENT/EIO. */
export function createHidrawStreamScanner(options: HidrawStreamScannerOptions): ScanSourceBase {
  return new HidrawStreamScanner(options);
}
