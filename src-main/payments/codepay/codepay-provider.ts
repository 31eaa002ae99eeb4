/**
 * The CodePay ECR Hub provider: card payments on CodePay terminals over the shop's LAN
 * (PAYMENTS.md §2). One provider manages every configured terminal, one link each; the
 * engine picks a terminal by `attempt.terminal` (its name).
 *
 * start(): sale (1, or 4 pre-auth with options.preauth, 11 with options.cashback), void (2),
 * refund (3); extra operations: pre-auth cancel (5), completion (6), tip adjustment,
 * batch close. The provider sends each order once; lost answers are queried.
 *
 * Amounts: attempt.amount is the goods amount (order_amount) and attempt.tip a tip the POS
 * already knows (tip_amount); an approval reports approvedAmount = order_amount and tip =
 * the tip_amount the terminal returned (e.g. chosen on screen), both in minor units.
 *
 * Keys: merchant_order_no is the engine's attempt.reference and the order's request_id its
 * attempt.requestId; queries, closes and tip adjustments derive theirs from it. A frame
 * reaches an attempt only by those keys; a stranger's is reported through onForeignAnswer.
 */
import { randomBytes } from 'node:crypto';
import { PosError } from '../../../src-shared/errors';
import { toDecimalString } from '../../../src-shared/money';
import type { MonotonicClock } from '../polling';
import type { PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome } from '../provider';
import { CodepayConnection, DEFAULT_LINK_TIMING, type CodepayLinkTiming, type LinkState } from './codepay-connection';
import {
  CODEPAY_TOPICS,
  buildCodepayRequest,
  describeCodepayMessage,
  isSuccessCode,
  type CodepayMessage,
} from './codepay-envelope';
import {
  DEFAULT_FLOW_TIMING,
  closeCodepayOrder,
  derivedRequestId,
  queryCodepayOrder,
  runCodepayOrder,
  type CodepayFlowContext,
  type CodepayFlowTiming,
  type CodepayOrderKeys,
} from './codepay-order-flow';
import {
  buildCodepayOrder,
  orderKindOf,
  type CodepayOrderKind,
  type CodepayOrderSettings,
} from './codepay-order-request';
import { interpretCodepayReply, replyDetail, replyText } from './codepay-outcome';

export interface CodepayTerminalConfig {
  /** The name the engine and the cashier use (attempt.terminal), e.g. "Lane 1". */
  name: string;
  /** `ws://<ip>:35779` (a path such as `/mac_address=<POS MAC>` is kept as given). */
  url: string;
}

export interface CodepayConfig {
  appId: string;
  terminals: CodepayTerminalConfig[];
  /** ISO 4217 code the terminals are set up for. */
  currency: string;
  /** Envelope `version`: "1.0" per the vendor page, "2.0" in newer sources (§2.4 Gap). */
  version?: string;
  /** Voids and refunds ask the terminal's own manager unless the request says otherwise (default true). */
  terminalAuthentication?: boolean;
  /** How the terminals take orders (confirmation on the terminal, signature, receipts…); none by default. */
  order?: CodepayOrderSettings;
}

/**
 * Every timing knob; production defaults follow PAYMENTS.md §2.2/§2.5. Tests shrink them,
 * and may pass the monotonic `clock` every deadline runs on.
 */
export type CodepayTiming = CodepayLinkTiming & CodepayFlowTiming & { clock?: MonotonicClock };
export const DEFAULT_CODEPAY_TIMING: CodepayTiming = { ...DEFAULT_LINK_TIMING, ...DEFAULT_FLOW_TIMING };

export interface CodepayLateResult {
  terminal: string;
  merchantOrderNo: string;
  outcome: ProviderOutcome;
}

export interface CodepayProviderHooks {
  /** Log lines (already masked: no PAN). */
  log?: (line: string) => void;
  /**
   * A final result pushed for an order nobody is waiting on any more (the cashier stopped
   * waiting, or it came after a restart). Called once per result; never dropped silently
   * (DESIGN §6 rule 6).
   */
  onLateResult?: (result: CodepayLateResult) => void;
  /** A frame whose keys are not ours (ProviderEvents.foreignAnswer): kept for the manager, never applied. */
  onForeignAnswer?: (report: { terminal: string | null; reason: string; detail: Record<string, unknown> }) => void;
  /**
   * A terminal's link is up (again, or for the first time after a slow start): the engine
   * queries its unresolved attempts now; query() already works when this is called.
   */
  onLinkRestored?: (terminal: string) => void;
}

export interface CodepayTerminalStatus {
  name: string;
  url: string;
  state: LinkState;
  /** ISO time of the last frame or pong from the terminal. */
  lastSeen: string | null;
  /** merchant_order_no the terminal is busy with. */
  inFlight: string | null;
}

export interface CodepayBatchCloseResult {
  ok: boolean;
  message: string;
  detail?: Record<string, unknown>;
}

/** The PaymentProvider plus CodePay-only operations and terminal management. */
export interface CodepayProvider extends PaymentProvider {
  /** Pre-auth cancel (trans_type 5); attempt.original = the pre-auth; attempt.reference = new order no. */
  preauthCancel(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (message: string) => void,
  ): Promise<ProviderOutcome>;
  /** Pre-auth completion (trans_type 6) for attempt.amount (+ attempt.tip); attempt.original = the pre-auth. */
  completion(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (message: string) => void,
  ): Promise<ProviderOutcome>;
  /** Set the tip (minor units) on an approved, unsettled sale (`ecrhub.pay.tip.adjustment`). */
  tipAdjust(sale: ProviderAttempt, tip: number): Promise<ProviderOutcome>;
  /** End-of-day settlement on one terminal (`ecrhub.pay.batch.close`). */
  batchClose(terminal: string): Promise<CodepayBatchCloseResult>;
  /** Add a terminal or move it to a new address (pairing / mDNS re-announce / manual entry). */
  setTerminal(name: string, url: string): void;
  removeTerminal(name: string): Promise<void>;
  terminals(): CodepayTerminalStatus[];
  /**
   * Free a terminal held by an attempt that will never resolve on its own (e.g. a manager
   * settled it with evidence). Normal results release it by themselves.
   */
  releaseTerminal(name: string): void;
}

/** What the CodePay terminal can do (ECR Hub: cancel, void, refund, tip on screen, pre-auth, cash back, lanes). */
export const CODEPAY_CAPABILITIES: Readonly<ProviderCapabilities> = {
  cancel: true,
  void: true,
  refund: true,
  partialRefund: true,
  tip: true,
  preauth: true,
  cashback: true,
  onScreenTip: true,
  lanes: true,
  pushResults: true,
  hostedForm: false,
  terminalAuthentication: true,
};

/** Create the provider; links open at once and stay up (reconnecting) until close(). */
export function createCodepayProvider(
  config: CodepayConfig,
  timing: Partial<CodepayTiming> = {},
  hooks: CodepayProviderHooks = {},
): CodepayProvider {
  if (!config.appId) throw new PosError('INVALID_PAYLOAD', 'CodePay needs an app id', 'providers.codepay.appId');
  toDecimalString(0, config.currency); // throws early on an unsupported currency
  const fullTiming: CodepayTiming = { ...DEFAULT_CODEPAY_TIMING, ...timing };
  const log = hooks.log ?? (() => undefined);
  const links = new Map<string, CodepayConnection>();
  let closed = false;

  const contextFor = (link: CodepayConnection): CodepayFlowContext => ({
    link,
    appId: config.appId,
    version: config.version ?? '1.0',
    currency: config.currency,
    timing: fullTiming,
    ...(fullTiming.clock ? { clock: fullTiming.clock } : {}),
  });
  const keysOf = (attempt: ProviderAttempt): CodepayOrderKeys => ({
    merchantOrderNo: attempt.reference,
    requestIdBase: attempt.requestId || attempt.reference,
  });

  const lateResult = (name: string, message: CodepayMessage): void => {
    const merchantOrderNo = message.biz_data?.merchant_order_no ?? '';
    const answer = interpretCodepayReply(message, config.currency);
    const outcome: ProviderOutcome =
      answer.kind === 'final' || answer.kind === 'pending'
        ? answer.outcome
        : { state: 'unknown', message: answer.message, detail: answer.detail };
    log(`codepay ${name}: late result for ${merchantOrderNo}: ${outcome.state}`);
    hooks.onLateResult?.({ terminal: name, merchantOrderNo, outcome });
  };

  const foreignAnswer = (name: string, message: CodepayMessage, reason: string): void => {
    const detail = {
      ...replyDetail(message),
      request_id: message.request_id ?? null,
      summary: describeCodepayMessage(message),
    };
    hooks.onForeignAnswer?.({ terminal: name, reason, detail });
  };

  const addLink = (name: string, url: string): void => {
    const link = new CodepayConnection({
      name,
      url,
      timing: fullTiming,
      log,
      onUnclaimedResult: (message) => lateResult(name, message),
      onForeignAnswer: (message, reason) => foreignAnswer(name, message, reason),
      ...(fullTiming.clock ? { clock: fullTiming.clock } : {}),
    });
    links.set(name, link);
    link.onState((state) => {
      if (state !== 'open' || !hooks.onLinkRestored) return;
      try {
        hooks.onLinkRestored(name);
      } catch (error) {
        log(`codepay ${name}: link-restored handler failed: ${(error as Error).message}`);
      }
    });
    link.start();
  };

  for (const terminal of config.terminals) {
    if (links.has(terminal.name)) throw new PosError('CONFLICT', `Two CodePay terminals are named ${terminal.name}`);
    addLink(terminal.name, terminal.url);
  }

  const linkFor = (terminal: string | null): CodepayConnection => {
    if (closed) throw new PosError('DEVICE_ERROR', 'The CodePay provider is closed');
    if (terminal === null) {
      if (links.size === 1) return [...links.values()][0];
      throw new PosError('INVALID_PAYLOAD', 'Choose a CodePay terminal', 'terminal');
    }
    const link = links.get(terminal);
    if (!link) throw new PosError('NOT_FOUND', `No CodePay terminal named ${terminal}`, 'terminal');
    return link;
  };

  const runKind = (
    attempt: ProviderAttempt,
    kind: CodepayOrderKind,
    signal: AbortSignal,
    progress: (message: string) => void,
  ): Promise<ProviderOutcome> => {
    const order = buildCodepayOrder(attempt, kind, config.currency, config.order);
    return runCodepayOrder(contextFor(linkFor(attempt.terminal)), order, signal, progress);
  };

  return {
    id: 'codepay',
    label: 'Card (CodePay terminal)',
    method: 'card',
    capabilities: CODEPAY_CAPABILITIES,
    defaults: { terminalAuthentication: config.terminalAuthentication ?? true },

    async start(attempt, signal, progress) {
      return runKind(attempt, orderKindOf(attempt), signal, progress);
    },

    async query(attempt) {
      let link: CodepayConnection;
      try {
        link = linkFor(attempt.terminal);
      } catch (error) {
        return { state: 'unknown', message: (error as Error).message };
      }
      return queryCodepayOrder(contextFor(link), keysOf(attempt));
    },

    async cancel(attempt) {
      return closeCodepayOrder(contextFor(linkFor(attempt.terminal)), keysOf(attempt));
    },

    async preauthCancel(attempt, signal, progress) {
      return runKind(attempt, 'preauth-cancel', signal, progress);
    },

    async completion(attempt, signal, progress) {
      return runKind(attempt, 'completion', signal, progress);
    },

    adjustTip(sale, tip) {
      return this.tipAdjust(sale, tip);
    },

    async tipAdjust(sale, tip) {
      const ctx = contextFor(linkFor(sale.terminal));
      if (!(await ctx.link.whenOpen(fullTiming.connectWaitMs))) {
        throw new PosError('DEVICE_ERROR', `CodePay terminal ${ctx.link.name} is not connected`);
      }
      const request = buildCodepayRequest({
        topic: CODEPAY_TOPICS.tipAdjustment,
        appId: config.appId,
        version: ctx.version,
        requestId: derivedRequestId(keysOf(sale).requestIdBase, 't'),
        // As the 2025 SDK sends it: the original sale's order number + tip_adjustment_amount.
        bizData: { merchant_order_no: sale.reference, tip_adjustment_amount: toDecimalString(tip, config.currency) },
      });
      const reply = await ctx.link.request(request, fullTiming.requestTimeoutMs);
      if (!reply) return { state: 'unknown', message: 'No answer to the tip adjustment; check the terminal' };
      if (!isSuccessCode(reply.response_code)) {
        return {
          state: 'declined',
          message: replyText(reply, 'The terminal refused the tip adjustment'),
          detail: replyDetail(reply),
        };
      }
      return { state: 'approved', message: 'Tip adjusted', tip, detail: replyDetail(reply) };
    },

    async batchClose(terminal) {
      const ctx = contextFor(linkFor(terminal));
      if (!(await ctx.link.whenOpen(fullTiming.connectWaitMs))) {
        return { ok: false, message: `CodePay terminal ${terminal} is not connected` };
      }
      // A settlement is no attempt of the engine's: its keys are random, never the wall clock.
      const batchNo = `B${randomBytes(12).toString('hex')}`;
      const request = buildCodepayRequest({
        topic: CODEPAY_TOPICS.batchClose,
        appId: config.appId,
        version: ctx.version,
        requestId: `${batchNo}b`,
        bizData: { merchant_order_no: batchNo },
      });
      const reply = await ctx.link.request(request, fullTiming.requestTimeoutMs);
      if (!reply) return { ok: false, message: 'No answer to the batch close; check the terminal before retrying' };
      if (!isSuccessCode(reply.response_code))
        return { ok: false, message: replyText(reply, 'Batch close refused'), detail: replyDetail(reply) };
      // A terminal that reports the batch's net (sales, tips and cash back less refunds and voids) has it
      // said, to compare with the Z report; one that does not (no documented field) just closes.
      const biz = reply.biz_data ?? {};
      const said = (value: unknown): string | null =>
        typeof value === 'string' || typeof value === 'number' ? String(value) : null;
      const total = said(biz.total_amount);
      const count = said(biz.trans_count);
      const figures =
        total !== null && /^-?\d+(\.\d+)?$/.test(total)
          ? `: ${count !== null && /^\d+$/.test(count) ? `${count} transaction${count === '1' ? '' : 's'}, ` : ''}net ${total} ${config.currency}`
          : '';
      return { ok: true, message: `Batch closed${figures}`, detail: replyDetail(reply) };
    },

    setTerminal(name, url) {
      const link = links.get(name);
      if (link) link.setUrl(url);
      else if (!closed) addLink(name, url);
    },

    async removeTerminal(name) {
      const link = links.get(name);
      links.delete(name);
      await link?.close();
    },

    terminals() {
      return [...links.values()].map((link) => ({
        name: link.name,
        url: link.url,
        state: link.state,
        lastSeen: link.lastSeen === null ? null : new Date(link.lastSeen).toISOString(),
        inFlight: link.inFlight,
      }));
    },

    releaseTerminal(name) {
      links.get(name)?.release();
    },

    async close() {
      closed = true;
      const all = [...links.values()];
      links.clear();
      await Promise.all(all.map((link) => link.close()));
    },
  };
}
