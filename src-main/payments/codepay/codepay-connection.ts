/**
 * One POS → terminal link to `ws://<terminal>:35779` (PAYMENTS.md §2.2), kept alive with
 * WebSocket pings and re-opened with back-off after any drop.
 *
 * Traps handled here:
 * - The terminal answers the upgrade with `HTTP/1.1 101 Web Socket Protocol Handshake`.
 *   Node's `ws` only checks the status code and `Sec-WebSocket-Accept`, so it accepts
 *   that line as-is (proved in test/integration/codepay-handshake.test.ts).
 * - A frame reaches a caller only by that caller's own keys (codepay-routing.ts); a
 *   payment frame with neither key of ours is a stranger's answer: logged, reported, never applied.
 * - After a reconnect the terminal re-delivers a finished result (§2.5), possibly more
 *   than once: a pushed result is applied once per merchant_order_no + trans_type +
 *   trans_status, and a result already learned by query is not applied again.
 * - One transaction in flight per terminal (DESIGN §6 rule 5): `claim` / `release`.
 */
import { WebSocket } from 'ws';
import { maskPansIn } from '../../../src-shared/pan-mask';
import { monotonicClock, type MonotonicClock } from '../polling';
import { isTimeoutReply } from './codepay-outcome';
import { SentRequests, foreignReason, routeFrame, type Waiter } from './codepay-routing';
import {
  CODEPAY_TOPICS,
  describeCodepayMessage,
  isFinalStatus,
  isSuccessCode,
  parseCodepayFrame,
  type CodepayMessage,
  type CodepayRequest,
} from './codepay-envelope';

export interface CodepayLinkTiming {
  /** How often a WebSocket ping is sent. */
  pingIntervalMs: number;
  /** Nothing heard (pong or frame) for this long ⇒ the link is dead (Android SDK: 15 s). */
  lostTimeoutMs: number;
  /** First reconnect delay after a drop (Android SDK: 1 s), doubled up to reconnectMaxMs. */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /**
   * While the terminal holds one of our payments the delay never grows past this: its
   * answer waits on the link, and the lane must not stay busy long after the terminal is back.
   */
  reconnectBusyMaxMs: number;
  /** Upgrade handshake timeout. */
  connectTimeoutMs: number;
}

export const DEFAULT_LINK_TIMING: CodepayLinkTiming = {
  pingIntervalMs: 5_000,
  lostTimeoutMs: 15_000,
  reconnectInitialMs: 1_000,
  reconnectMaxMs: 30_000,
  reconnectBusyMaxMs: 2_000,
  connectTimeoutMs: 10_000,
};

export type LinkState = 'connecting' | 'open' | 'closed';

export interface CodepayConnectionOptions {
  /** The terminal's name as the engine knows it (attempt.terminal). */
  name: string;
  url: string;
  timing?: Partial<CodepayLinkTiming>;
  log?: (line: string) => void;
  /** A pushed order result nobody is waiting for (late, or for an abandoned attempt). Called once per result. */
  onUnclaimedResult?: (message: CodepayMessage) => void;
  /** A payment frame whose keys are not ours (no or another order number, a request id we never sent). */
  onForeignAnswer?: (message: CodepayMessage, reason: string) => void;
  /** Lost-link detection runs on this clock (never the wall clock). */
  clock?: MonotonicClock;
}

/** Remember this many applied results; re-deliveries come within seconds (§2.5). */
const SEEN_RESULTS_LIMIT = 2_000;
/** A terminal link with liveness, reconnect, reply routing and result de-duplication. */
export class CodepayConnection {
  readonly name: string;
  private currentUrl: string;
  private readonly timing: CodepayLinkTiming;
  private readonly log: (line: string) => void;
  private readonly onUnclaimedResult: ((message: CodepayMessage) => void) | undefined;
  private readonly onForeignAnswer: ((message: CodepayMessage, reason: string) => void) | undefined;
  private readonly clock: MonotonicClock;
  private socket: WebSocket | null = null;
  private linkState: LinkState = 'closed';
  private started = false;
  private stopped = false;
  private reconnectDelay: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private lastSeenAt: number | null = null;
  private readonly waiters = new Set<Waiter>();
  private readonly stateListeners = new Set<(state: LinkState, reason: string) => void>();
  private readonly seenResults = new Set<string>();
  private readonly sentRequests = new SentRequests();
  private inFlightOrder: string | null = null;
  private duplicates = 0;

  constructor(options: CodepayConnectionOptions) {
    this.name = options.name;
    this.currentUrl = options.url;
    this.timing = { ...DEFAULT_LINK_TIMING, ...options.timing };
    this.log = options.log ?? (() => undefined);
    this.onUnclaimedResult = options.onUnclaimedResult;
    this.onForeignAnswer = options.onForeignAnswer;
    this.clock = options.clock ?? monotonicClock;
    this.reconnectDelay = this.timing.reconnectInitialMs;
  }

  get state(): LinkState {
    return this.linkState;
  }

  get url(): string {
    return this.currentUrl;
  }

  /** Epoch ms of the last frame or pong from the terminal, or null. */
  get lastSeen(): number | null {
    return this.lastSeenAt;
  }

  /** merchant_order_no of the transaction the terminal is busy with, if any. */
  get inFlight(): string | null {
    return this.inFlightOrder;
  }

  /** How many re-delivered results were dropped as already applied. */
  get duplicateResults(): number {
    return this.duplicates;
  }

  /** Open the link; it then stays open (reconnecting) until close(). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connect();
  }

  /** Point the link at a new address (terminal re-announced a new IP) and reconnect now. */
  setUrl(url: string): void {
    if (url === this.currentUrl) return;
    this.currentUrl = url;
    this.log(`codepay ${this.name}: address changed to ${url}`);
    if (!this.started || this.stopped) return;
    this.reconnectDelay = this.timing.reconnectInitialMs;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.connect();
    } else {
      this.socket?.terminate();
    }
  }

  /** Take the terminal for one transaction; false when another one is in flight. */
  claim(merchantOrderNo: string): boolean {
    if (this.inFlightOrder !== null && this.inFlightOrder !== merchantOrderNo) return false;
    this.inFlightOrder = merchantOrderNo;
    return true;
  }

  /** Free the terminal (only if `merchantOrderNo` holds it, when given). */
  release(merchantOrderNo?: string): void {
    if (merchantOrderNo === undefined || this.inFlightOrder === merchantOrderNo) this.inFlightOrder = null;
  }

  /** Resolve true once the link is open, false after timeoutMs. */
  whenOpen(timeoutMs: number): Promise<boolean> {
    if (this.linkState === 'open') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(false);
      }, timeoutMs);
      const unsubscribe = this.onState((state) => {
        if (state !== 'open') return;
        clearTimeout(timer);
        unsubscribe();
        resolve(true);
      });
    });
  }

  /** Listen to link state changes; returns the unsubscribe function. */
  onState(listener: (state: LinkState, reason: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Receive replies for `topic` about `merchantOrderNo` (or, when the terminal omits the
   * order number, carrying `requestId`, a request id this link sends). Register BEFORE
   * sending so no reply can slip past.
   */
  watch(
    topic: string,
    merchantOrderNo: string | undefined,
    requestId: string | undefined,
    deliver: (message: CodepayMessage) => void,
  ): () => void {
    const waiter: Waiter = { topic, merchantOrderNo, requestId, deliver };
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  /** Send a request on the open link. Throws (nothing sent) if the link is not open. */
  send(request: CodepayRequest): void {
    const socket = this.socket;
    if (!socket || this.linkState !== 'open' || socket.readyState !== WebSocket.OPEN) {
      throw new Error(`CodePay terminal ${this.name} is not connected`);
    }
    this.log(`codepay ${this.name} → ${describeCodepayMessage(request)}`);
    this.sentRequests.remember(request);
    socket.send(JSON.stringify(request));
  }

  /**
   * Send one request and wait for its reply (matched by topic + merchant_order_no).
   * Resolves null when no reply came within timeoutMs, the link dropped first, or `signal`
   * aborted (the request may still have reached the terminal).
   */
  async request(request: CodepayRequest, timeoutMs: number, signal?: AbortSignal): Promise<CodepayMessage | null> {
    if (signal?.aborted) return null;
    const merchantOrderNo =
      typeof request.biz_data.merchant_order_no === 'string' ? request.biz_data.merchant_order_no : undefined;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (value: CodepayMessage | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch();
        unState();
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = (): void => finish(null);
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => finish(null), timeoutMs);
      const unwatch = this.watch(request.topic, merchantOrderNo, request.request_id, (message) => finish(message));
      const unState = this.onState((state) => {
        if (state !== 'open') finish(null);
      });
      try {
        this.send(request);
      } catch {
        finish(null);
      }
    });
  }

  /** Stop for good: no reconnect, timers cleared, socket closed. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
    this.setState('closed', 'closed by the POS');
    this.waiters.clear();
    this.stateListeners.clear();
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState('connecting', `connecting to ${this.currentUrl}`);
    const socket = new WebSocket(this.currentUrl, { handshakeTimeout: this.timing.connectTimeoutMs });
    this.socket = socket;
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.reconnectDelay = this.timing.reconnectInitialMs;
      this.heard();
      this.startPing(socket);
      this.setState('open', 'connected');
    });
    socket.on('message', (data) => {
      if (this.socket !== socket) return;
      this.heard();
      this.handleFrame(data as Buffer | ArrayBuffer | Buffer[]);
    });
    socket.on('pong', () => this.heard());
    socket.on('ping', () => this.heard());
    socket.on('error', (error) => this.log(`codepay ${this.name}: ${error.message}`));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      this.setState('closed', 'connection lost');
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay =
      this.inFlightOrder === null ? this.reconnectDelay : Math.min(this.reconnectDelay, this.timing.reconnectBusyMaxMs);
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.timing.reconnectMaxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private startPing(socket: WebSocket): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (this.clock.now() - this.lastHeard > this.timing.lostTimeoutMs) {
        // No pong within the lost-connection timeout: the terminal (or the path) is gone.
        this.log(`codepay ${this.name}: no answer for ${this.timing.lostTimeoutMs} ms, reconnecting`);
        socket.terminate();
        return;
      }
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, this.timing.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private heard(): void {
    this.lastHeard = this.clock.now();
    this.lastSeenAt = Date.now(); // shown to people, so wall-clock time
  }

  private setState(state: LinkState, reason: string): void {
    if (this.linkState === state) return;
    this.linkState = state;
    this.log(`codepay ${this.name}: ${state} (${reason})`);
    for (const listener of [...this.stateListeners]) listener(state, reason);
  }

  private handleFrame(data: Buffer | ArrayBuffer | Buffer[]): void {
    const parsed = parseCodepayFrame(data);
    if (!parsed.ok) {
      this.log(`codepay ${this.name}: ignored frame: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.topic === CODEPAY_TOPICS.heartbeat) return;
    this.log(`codepay ${this.name} ← ${describeCodepayMessage(message)}`);
    const biz = message.biz_data;
    const merchantOrderNo = biz?.merchant_order_no;
    const status = biz?.trans_status;

    if (merchantOrderNo !== undefined && isFinalStatus(status)) {
      const key = `${merchantOrderNo}|${biz?.trans_type ?? ''}|${status}`;
      if (message.topic === CODEPAY_TOPICS.order && this.seenResults.has(key)) {
        this.duplicates += 1;
        this.log(`codepay ${this.name}: result for ${merchantOrderNo} already applied, ignored`);
        return;
      }
      this.remember(key);
      this.release(merchantOrderNo);
    } else if (
      message.topic === CODEPAY_TOPICS.order &&
      merchantOrderNo !== undefined &&
      status === undefined &&
      !isSuccessCode(message.response_code) &&
      !isTimeoutReply(message)
    ) {
      // The terminal refused the order outright: it is not working on it. A timeout (112 /
      // 109) is no refusal: the card may still go through, so the lane stays held until a
      // query (or the result) says how it ended (DESIGN §6 rule 5).
      this.release(merchantOrderNo);
    }

    const targets = routeFrame(message, this.waiters, this.sentRequests);
    if (targets.length > 0) {
      for (const waiter of targets) waiter.deliver(message);
      return;
    }
    const unmasked = foreignReason(message, this.sentRequests);
    if (unmasked !== null) {
      // A stranger's keys are the terminal's text, not ours: mask them like any free text.
      const foreign = maskPansIn(unmasked);
      this.log(
        `codepay ${this.name}: a stranger's answer, not applied (${foreign}): ${describeCodepayMessage(message)}`,
      );
      this.onForeignAnswer?.(message, foreign);
    } else if (message.topic === CODEPAY_TOPICS.order && merchantOrderNo !== undefined && isFinalStatus(status)) {
      // Named by its order number: the engine finds the attempt by that key (it may predate a restart).
      this.onUnclaimedResult?.(message);
    } else {
      this.log(`codepay ${this.name}: no one waits for ${describeCodepayMessage(message)}`);
    }
  }

  private remember(key: string): void {
    this.seenResults.add(key);
    if (this.seenResults.size > SEEN_RESULTS_LIMIT) {
      const oldest = this.seenResults.values().next().value;
      if (oldest !== undefined) this.seenResults.delete(oldest);
    }
  }
}
