/**
 * The one interface the app core sees for a scanner (STYLE 8): real sources (node-hid,
 * a hidraw/FIFO report stream) and the demo feed all look like this.
 */
import { EventEmitter } from 'node:events';

export type ScannerState = 'connected' | 'disconnected' | 'unavailable' | 'error';

/** What the device panel shows about a scanner. */
export interface ScannerDeviceInfo {
  vendorId?: number;
  productId?: number;
  path?: string;
  product?: string;
  manufacturer?: string;
  /** How its reports are decoded. */
  decoder: string;
}

export interface ScannerStatus {
  state: ScannerState;
  /** A sentence for the device panel. */
  message: string;
  device?: ScannerDeviceInfo;
  /** ISO time of the last complete code. */
  lastScanAt?: string;
}

/** Where a code came from and what the scanner said about its symbology. */
export interface ScanMeta {
  source: 'hid-pos' | 'keyboard';
  /** AIM symbology identifier ("]E0" EAN/UPC, "]C0" Code 128…) when the scanner sent one. */
  aim: string | null;
  /** The vendor's own symbology/code ID when the scanner sent one. */
  vendorSymbology: string | null;
  at: string;
  device?: string;
}

export type ScanListener = (code: string, meta: ScanMeta) => void;
export type StatusListener = (status: ScannerStatus) => void;

export interface ScanSource {
  /** Begins reading. Never throws for a missing device or library: that is a status. */
  start(): Promise<void>;
  /** Stops reading and releases the device, timers and handles. */
  stop(): Promise<void>;
  status(): ScannerStatus;
  on(event: 'scan', listener: ScanListener): this;
  on(event: 'status', listener: StatusListener): this;
  off(event: 'scan', listener: ScanListener): this;
  off(event: 'status', listener: StatusListener): this;
}

/** Shared plumbing for sources: typed events and the current status. */
export abstract class ScanSourceBase implements ScanSource {
  readonly #events = new EventEmitter();
  #status: ScannerStatus;

  protected constructor(initial: ScannerStatus) {
    this.#status = initial;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  status(): ScannerStatus {
    return { ...this.#status };
  }

  on(event: 'scan', listener: ScanListener): this;
  on(event: 'status', listener: StatusListener): this;
  on(event: 'scan' | 'status', listener: ScanListener | StatusListener): this {
    this.#events.on(event, listener);
    return this;
  }

  off(event: 'scan', listener: ScanListener): this;
  off(event: 'status', listener: StatusListener): this;
  off(event: 'scan' | 'status', listener: ScanListener | StatusListener): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Replaces the status (keeping lastScanAt) and tells listeners when it changed. */
  protected setStatus(next: Omit<ScannerStatus, 'lastScanAt'>): void {
    const previous = this.#status;
    const status: ScannerStatus = { ...next, lastScanAt: previous.lastScanAt };
    if (status.lastScanAt === undefined) delete status.lastScanAt;
    if (status.device === undefined) delete status.device;
    this.#status = status;
    if (previous.state !== status.state || previous.message !== status.message)
      this.#events.emit('status', this.status());
  }

  protected emitScan(code: string, meta: Omit<ScanMeta, 'at'>): void {
    const at = new Date().toISOString();
    this.#status = { ...this.#status, lastScanAt: at };
    this.#events.emit('scan', code, { ...meta, at });
  }
}
