/**
 * The refund ledger (issue 11): every movement of money back to a customer — a refund from
 * history or from a payment's screen, a void, the engine's reversal of an approval the sale
 * did not need, a refund done on the terminal and recorded by a manager, the cash handed
 * back when a manager keeps a late approval — is one `refunds` record with its parts, each
 * bound to the order and to the tender (or approval) it gives back. What is still
 * refundable per line, per tender and per order comes from this ledger alone: done parts
 * count, parts in flight are reserved, declined and cancelled ones release what they held.
 * A record and its provider attempts commit in one transaction before anything is sent.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { mulDivRound, roundToStep } from '../../src-shared/money';
import type { Refundable, RefundView } from '../../src-shared/report';
import type { AuditLog } from '../auth/audit-log';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository';
import type { JournalTransaction } from '../journal/open-journal';
import type { OrderRepository } from '../journal/order-repository';
import type {
  LedgerPart,
  NewPart,
  RefundKind,
  RefundLineRow,
  RefundRepository,
  RefundRow,
} from '../journal/refund-repository';
import { cashbackOf, isPreauth, type PaymentEngine, type Staged } from '../payments/payment-engine';
import type { PaymentProvider } from '../payments/provider';

export interface RefundRequest {
  orderId: string;
  lines: { lineId: string; qtyMilli: number }[];
  /** Goods to give back by amount (tax included), instead of lines. */
  amount?: number;
  /** Tip to give back too. */
  tip?: number;
  to: 'original' | 'cash' | 'outside';
  /** Outside the till: what proves it (the terminal's refund receipt number…). */
  evidence?: string;
  reason: string;
  userId: string;
  approvedBy: string;
}

/** A payment's own refund or void, from its screen (a tender of the sale, or an approval it did not need). */
export interface PaymentRefundRequest {
  attemptId: string;
  reason: string;
  userId: string;
  approvedBy: string;
  options?: Record<string, string | number | boolean>;
}

type Method = 'cash' | 'card' | 'wallet';

/** One tender of the order and what is still refundable on it. */
interface TenderLeft {
  tenderId: string;
  attemptId: string | null;
  kind: Method;
  label: string;
  goods: number;
  tip: number;
  provider: PaymentProvider | null;
}

/** A planned part: how much of one tender goes back, and how. */
interface PlannedPart {
  tender: TenderLeft;
  goods: number;
  tip: number;
  via: NewPart['via'];
}

/** What the ledger holds on one order. */
interface OrderLedger {
  tenders: TenderLeft[];
  goodsLeft: number;
  tipsLeft: number;
  taxLeft: number;
  reserved: number;
  /** Per order line: quantity, amount and tax held by refunds that did not fail. */
  lines: Map<string, { qty: number; amount: number; tax: number }>;
}

/** A line costs the customer its net plus the taxes added on top; inclusive taxes are inside the net. */
function lineTotal(line: OrderView['lines'][number]): { amount: number; tax: number } {
  return {
    amount: line.net + line.taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0),
    tax: line.taxes.reduce((s, t) => s + t.amount, 0),
  };
}

/**
 * What refunding `qtyMilli` of a line gives back: a pro-rata share of the line's total,
 * except that the last items get exactly what is left, so partial refunds of a line
 * always add up to the line's total, never a cent more or less.
 */
export function lineRefundAmount(
  line: { total: number; qtyMilli: number },
  left: { amount: number; qtyMilli: number },
  qtyMilli: number,
): number {
  if (qtyMilli === left.qtyMilli) return left.amount;
  return Math.min(left.amount, mulDivRound(line.total, qtyMilli, line.qtyMilli));
}

/** A record's status from its parts: nothing went back, all of it, some of it, or still waiting. */
export function recordStatus(parts: readonly Pick<LedgerPart, 'status'>[]): RefundView['status'] {
  if (parts.length === 0 || parts.every((p) => p.status === 'failed')) return 'failed';
  if (parts.some((p) => p.status === 'in-flight')) return 'pending';
  return parts.every((p) => p.status === 'done') ? 'completed' : 'partial';
}

const counts = (part: Pick<LedgerPart, 'status'>): boolean => part.status !== 'failed';

export function createRefundService(deps: {
  journal: JournalTransaction;
  refunds: RefundRepository;
  attempts: AttemptRepository;
  orders: Pick<OrderRepository, 'byId'>;
  engine: PaymentEngine;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  tillId: number;
  orderView(orderId: string): OrderView;
  /** The open shift (opened for this user when none is; null where the till keeps no shifts). */
  shiftId(userId: string): number | null;
  /** The open shift, if any (the engine's own reversals do not open one). */
  currentShiftId(): number | null;
  userName(id: string): string;
  /** Cash handed back from the drawer (after the commit): the drawer opens. */
  cashRefunded(order: OrderView, amount: number): void;
  /** The store's cash rounding step: cash handed back is a countable amount. */
  cashRoundingStep: number;
  /** A record was written for this sale (after the commit): the screens reload it. */
  changed?(orderId: string): void;
}) {
  const { refunds, journal } = deps;

  function orderOf(orderId: string): OrderView {
    return deps.orderView(orderId);
  }

  function completedOrder(orderId: string): OrderView {
    const order = orderOf(orderId);
    if (order.status !== 'completed')
      throw new PosError(
        'CONFLICT',
        `Sale ${order.number} is ${order.status}: only completed sales can be refunded.`,
        'orderId',
      );
    return order;
  }

  /** Per-record goods and tax that still count (parts that did not fail), for the order's tax left. */
  function countedTax(record: RefundRow, parts: readonly LedgerPart[]): number {
    const own = parts.filter((p) => p.refund_id === record.id && counts(p));
    const goods = own.reduce((s, p) => s + p.amount - p.tip, 0);
    const planned = record.amount - record.tip;
    return planned > 0 ? mulDivRound(record.tax, Math.min(goods, planned), planned) : 0;
  }

  function ledgerOf(order: OrderView): OrderLedger {
    const parts = refunds.partsOfOrder(order.id);
    const records = refunds.byOrder(order.id);
    const tenders: TenderLeft[] = order.tenders
      .filter((t) => t.amount > 0)
      .map((t) => {
        const attempt = t.attemptId ? deps.attempts.byId(t.attemptId) : null;
        const given = parts.filter((p) => p.original_tender_id === t.id && counts(p));
        const goods = t.amount - t.cashback - given.reduce((s, p) => s + p.amount - p.tip, 0);
        const tip = t.tip - given.reduce((s, p) => s + p.tip, 0);
        return {
          tenderId: t.id,
          attemptId: t.attemptId,
          kind: t.kind,
          label: t.label,
          goods: Math.max(0, goods),
          tip: Math.max(0, tip),
          provider: attempt ? (deps.providers.get(attempt.provider) ?? null) : null,
        };
      });
    const failed = new Set(
      records.filter((r) => recordStatus(parts.filter((p) => p.refund_id === r.id)) === 'failed').map((r) => r.id),
    );
    const lines = new Map<string, { qty: number; amount: number; tax: number }>();
    for (const line of refunds.linesOfOrder(order.id)) {
      if (failed.has(line.refund_id)) continue;
      const held = lines.get(line.line_id) ?? { qty: 0, amount: 0, tax: 0 };
      lines.set(line.line_id, {
        qty: held.qty + line.qty_milli,
        amount: held.amount + line.amount,
        tax: held.tax + line.tax,
      });
    }
    const taxHeld = records.reduce((s, r) => s + countedTax(r, parts), 0);
    return {
      tenders,
      goodsLeft: tenders.reduce((s, t) => s + t.goods, 0),
      tipsLeft: tenders.reduce((s, t) => s + t.tip, 0),
      taxLeft: Math.max(0, order.addedTax + order.includedTax - taxHeld),
      reserved: parts
        .filter((p) => p.status === 'in-flight' && p.original_tender_id !== null)
        .reduce((s, p) => s + p.amount, 0),
      lines,
    };
  }

  const viaProvider = (t: TenderLeft): boolean => t.kind !== 'cash' && Boolean(t.provider?.capabilities.refund);

  function refundable(order: OrderView): Refundable {
    const ledger = ledgerOf(order);
    return {
      total: ledger.goodsLeft,
      tips: ledger.tipsLeft,
      reserved: ledger.reserved,
      // A line can give back at most what the sale still can (refunds by amount or of a payment name no line).
      lines: order.lines.map((line) => {
        const held = ledger.lines.get(line.id);
        const amount = Math.min(ledger.goodsLeft, Math.max(0, lineTotal(line).amount - (held?.amount ?? 0)));
        return {
          lineId: line.id,
          name: line.name,
          qtyMilli: ledger.goodsLeft === 0 ? 0 : line.qtyMilli - (held?.qty ?? 0),
          amount,
        };
      }),
      tenders: ledger.tenders
        .filter((t) => t.goods + t.tip > 0)
        .map((t) => ({
          kind: t.kind,
          label: t.label,
          tenderId: t.tenderId,
          attemptId: t.attemptId,
          refundable: t.goods + t.tip,
          tip: t.tip,
          viaProvider: viaProvider(t),
          partial: t.kind === 'cash' || Boolean(t.provider?.capabilities.partialRefund),
        })),
    };
  }

  /** The tax part of giving back `goods`: pro rata, and exactly what is left when the last goods go back. */
  function taxFor(order: OrderView, ledger: OrderLedger, goods: number): number {
    if (goods >= ledger.goodsLeft) return ledger.taxLeft;
    const base = order.total + order.cashRounding;
    return base > 0 ? Math.min(ledger.taxLeft, mulDivRound(order.addedTax + order.includedTax, goods, base)) : 0;
  }

  /** What each requested line gives back: the exact rest on the last items, a pro-rata share before. */
  function priceLines(order: OrderView, ledger: OrderLedger, request: RefundRequest) {
    const seen = new Set<string>();
    return request.lines.map(({ lineId, qtyMilli }) => {
      if (seen.has(lineId)) throw new PosError('INVALID_PAYLOAD', 'A line is listed twice.', 'lines');
      seen.add(lineId);
      const line = order.lines.find((l) => l.id === lineId);
      if (!line) throw new PosError('NOT_FOUND', 'That line is not on this sale.', 'lines');
      const held = ledger.lines.get(lineId) ?? { qty: 0, amount: 0, tax: 0 };
      const full = lineTotal(line);
      const rest = { qtyMilli: line.qtyMilli - held.qty, amount: Math.max(0, full.amount - held.amount) };
      if (qtyMilli > rest.qtyMilli)
        throw new PosError(
          'INVALID_PAYLOAD',
          `Only ${rest.qtyMilli / 1000} of ${line.name} can still be refunded.`,
          'lines',
        );
      const amount = lineRefundAmount({ total: full.amount, qtyMilli: line.qtyMilli }, rest, qtyMilli);
      const taxRest = Math.max(0, full.tax - held.tax);
      const tax =
        qtyMilli === rest.qtyMilli
          ? taxRest
          : Math.min(taxRest, full.amount ? mulDivRound(full.tax, amount, full.amount) : 0);
      return { lineId, qtyMilli, amount, tax, name: line.name };
    });
  }

  /**
   * Splits goods and tip over the order's tenders. To the original tenders: providers that can
   * refund first (one that refunds only in full is used only for all of what is left on it), then
   * the drawer for cash tenders. To cash: every tender, handed back from the drawer. Outside: card
   * and wallet tenders, given back on the terminal.
   */
  function plan(ledger: OrderLedger, goods: number, tip: number, to: RefundRequest['to']): PlannedPart[] {
    const usable = (t: TenderLeft): boolean =>
      to === 'outside' ? t.kind !== 'cash' : to === 'cash' || t.kind === 'cash' || viaProvider(t);
    const rank = (t: TenderLeft): number =>
      to === 'cash' ? Number(t.kind !== 'cash') : to === 'original' ? Number(!viaProvider(t)) : 0;
    const order = ledger.tenders.filter(usable).sort((a, b) => rank(a) - rank(b));
    const viaOf = (t: TenderLeft): NewPart['via'] =>
      to === 'outside' ? 'outside' : to === 'cash' || t.kind === 'cash' ? 'drawer' : 'provider';
    const parts: PlannedPart[] = [];
    let goodsRest = goods;
    let tipRest = tip;
    for (const tender of order) {
      const via = viaOf(tender);
      if (via === 'provider' && !tender.provider?.capabilities.partialRefund) {
        // A provider that refunds only in full takes all of what is left on the tender, or nothing.
        if (tender.goods + tender.tip > 0 && goodsRest >= tender.goods && tipRest >= tender.tip) {
          parts.push({ tender, goods: tender.goods, tip: tender.tip, via });
          goodsRest -= tender.goods;
          tipRest -= tender.tip;
        }
        continue;
      }
      const part = { tender, goods: Math.min(goodsRest, tender.goods), tip: Math.min(tipRest, tender.tip), via };
      if (part.goods + part.tip === 0) continue;
      parts.push(part);
      goodsRest -= part.goods;
      tipRest -= part.tip;
    }
    if (tipRest > 0 || goodsRest > 0) {
      const elsewhere = ledger.tenders.filter((t) => !usable(t) && t.goods + t.tip > 0).map((t) => t.label);
      throw new PosError(
        'CONFLICT',
        to === 'original' && elsewhere.length
          ? `${elsewhere.join(', ')} cannot be refunded from the till: refund that part on the terminal and record it, or refund to cash.`
          : to === 'outside'
            ? 'Only card and wallet payments are refunded on a terminal; the rest goes back in cash.'
            : 'The tenders of this sale cannot take this refund back; refund to cash.',
        'to',
      );
    }
    return parts;
  }

  /**
   * Cash handed back is rounded to the store's cash step (nickel rounding), like cash taken, so
   * the drawer stays countable; rounded down when rounding up would give a tender back more than it took.
   */
  function roundDrawer(parts: PlannedPart[]): PlannedPart[] {
    const step = deps.cashRoundingStep;
    const drawer = parts.filter((p) => p.via === 'drawer');
    const exact = drawer.reduce((s, p) => s + p.goods + p.tip, 0);
    if (step <= 1 || exact === 0) return parts;
    let delta = roundToStep(exact, step) - exact;
    if (delta > 0) {
      const roomy = drawer.find((p) => p.tender.goods - p.goods >= delta);
      if (roomy) roomy.goods += delta;
      else delta -= step;
    }
    for (const part of [...drawer].reverse()) {
      if (delta >= 0) break;
      const cut = Math.min(part.goods, -delta);
      part.goods -= cut;
      delta += cut;
    }
    return parts.filter((p) => p.goods + p.tip > 0);
  }

  function view(row: RefundRow): RefundView {
    const order = orderOf(row.order_id);
    const names = new Map(order.lines.map((l) => [l.id, l.name]));
    const parts = refunds.parts(row.id);
    return {
      id: row.id,
      number: row.number,
      orderId: row.order_id,
      orderNumber: order.number,
      kind: row.kind,
      amount: row.amount,
      tip: row.tip,
      tax: row.tax,
      givenBack: parts.filter((p) => p.status === 'done').reduce((s, p) => s + p.amount, 0),
      reason: row.reason,
      evidence: row.evidence,
      user: deps.userName(row.user_id),
      approvedBy: row.approved_by ? deps.userName(row.approved_by) : null,
      createdAt: row.created_at,
      lines: refunds.lines(row.id).map((l: RefundLineRow) => ({
        lineId: l.line_id,
        name: names.get(l.line_id) ?? '',
        qtyMilli: l.qty_milli,
        amount: l.amount,
      })),
      tenders: parts.map((p) => ({
        kind: p.kind,
        via: p.via,
        amount: p.amount,
        tip: p.tip,
        attemptId: p.attempt_id,
        originalTenderId: p.original_tender_id,
        status: p.status,
        state: p.attempt_state ?? 'done',
      })),
      status: recordStatus(parts),
    };
  }

  /**
   * Writes a record and its parts, staging a provider attempt for each provider part, in one
   * transaction; the attempts are sent only after it commits. A refusal anywhere leaves nothing.
   */
  function commit(record: {
    order: OrderView;
    kind: RefundKind;
    tax: number;
    reason: string;
    evidence: string | null;
    userId: string;
    approvedBy: string | null;
    shiftId: number | null;
    lines: { lineId: string; qtyMilli: number; amount: number; tax: number }[];
    parts: {
      kind: Method;
      via: NewPart['via'];
      goods: number;
      tip: number;
      tenderId: string | null;
      originalAttemptId: string | null;
      stage?: () => Staged;
    }[];
    audit: Record<string, unknown>;
  }): RefundRow {
    const launches: Staged[] = [];
    const amount = record.parts.reduce((s, p) => s + p.goods + p.tip, 0);
    const row = journal.transaction(() => {
      const created = refunds.create({
        orderId: record.order.id,
        shiftId: record.shiftId,
        kind: record.kind,
        amount,
        tip: record.parts.reduce((s, p) => s + p.tip, 0),
        tax: record.tax,
        reason: record.reason,
        evidence: record.evidence,
        userId: record.userId,
        approvedBy: record.approvedBy,
        tillId: deps.tillId,
        lines: record.lines,
      });
      for (const part of record.parts) {
        const staged = part.stage?.();
        if (staged) launches.push(staged);
        refunds.addPart(created.id, {
          kind: part.kind,
          via: part.via,
          amount: part.goods + part.tip,
          tip: part.tip,
          attemptId: staged?.attempt.id ?? null,
          originalAttemptId: part.originalAttemptId,
          originalTenderId: part.tenderId,
        });
      }
      deps.audit.append({
        userId: record.userId,
        action: record.kind === 'refund' ? 'refund' : `refund.${record.kind}`,
        object: `order:${record.order.id}`,
        detail: {
          refund: created.number,
          kind: record.kind,
          amount,
          tip: created.tip,
          approvedBy: record.approvedBy,
          reason: record.reason,
          ...(record.evidence ? { evidence: record.evidence } : {}),
          ...record.audit,
        },
      });
      return created;
    });
    // Committed: now the provider requests may leave (rule 1), and the drawer open for cash.
    for (const staged of launches) staged.launch();
    const cash = record.parts.filter((p) => p.via === 'drawer').reduce((s, p) => s + p.goods + p.tip, 0);
    if (cash > 0) deps.cashRefunded(record.order, cash);
    deps.changed?.(record.order.id);
    return row;
  }

  const toPart = (p: PlannedPart, stage?: () => Staged) => ({
    kind: p.via === 'drawer' ? ('cash' as const) : p.tender.kind,
    via: p.via,
    goods: p.goods,
    tip: p.tip,
    tenderId: p.tender.tenderId,
    originalAttemptId: p.tender.attemptId,
    ...(stage ? { stage } : {}),
  });

  /** Where an approval stands in the ledger: charged (goods + tip) and given back (done or in flight). */
  function approvalLeft(row: AttemptRow): { goods: number; tip: number } {
    const given = refunds.partsOfAttempt(row.id).filter(counts);
    return {
      goods: Math.max(
        0,
        (row.approved_amount ?? row.amount) + cashbackOf(row) - given.reduce((s, p) => s + p.amount - p.tip, 0),
      ),
      tip: Math.max(0, row.tip - given.reduce((s, p) => s + p.tip, 0)),
    };
  }

  /** A payment-screen refund or void: of a tender of the sale, or of an approval the sale did not need. */
  function paymentAction(kind: 'refund' | 'void', request: PaymentRefundRequest & { amount?: number }): AttemptView {
    const row = deps.attempts.byId(request.attemptId);
    if (!row || row.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
    const order = orderOf(row.order_id);
    const tender = order.tenders.find((t) => t.attemptId === row.id && t.amount > 0);
    const stage = (amount: number): Staged =>
      kind === 'void'
        ? deps.engine.stageVoid({
            attemptId: row.id,
            userId: request.approvedBy,
            ...(request.options ? { options: request.options } : {}),
          })
        : deps.engine.stageRefund({
            attemptId: row.id,
            amount,
            userId: request.approvedBy,
            ...(request.options ? { options: request.options } : {}),
          });
    let staged: Staged | undefined;
    const keep = (s: Staged): Staged => {
      staged = s;
      return s;
    };
    if (kind === 'void' && isPreauth(row)) {
      // A held pre-authorisation took no money: cancelling it releases the hold and gives nothing back.
      const held = journal.transaction(() => stage(0));
      held.launch();
      return deps.engine.attempt(held.attempt.id)!;
    }
    if (tender) {
      // A tender of the sale: bound to it, so history's refund and this one never both give it back.
      if (order.status !== 'completed')
        throw new PosError(
          'CONFLICT',
          `Sale ${order.number} is ${order.status}: finish it, then refund the payment from its receipt.`,
          'attemptId',
        );
      const ledger = ledgerOf(order);
      const left = ledger.tenders.find((t) => t.tenderId === tender.id)!;
      if (kind === 'void' && (left.goods !== tender.amount - tender.cashback || left.tip !== tender.tip)) {
        throw new PosError(
          'CONFLICT',
          'Part of this payment was already given back: refund the rest instead of voiding it.',
        );
      }
      const amount = kind === 'void' ? left.goods + left.tip : request.amount!;
      if (left.goods + left.tip === 0)
        throw new PosError('CONFLICT', 'All of this payment has gone back, or is on its way back.', 'attemptId');
      if (amount > left.goods + left.tip)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${left.goods + left.tip} can still be refunded on this payment.`,
          'amount',
        );
      const tip = Math.max(0, amount - left.goods);
      const goods = amount - tip;
      commit({
        order,
        kind,
        tax: taxFor(order, ledger, goods),
        reason: request.reason,
        evidence: null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: [],
        parts: [toPart({ tender: left, goods, tip, via: 'provider' }, () => keep(stage(amount)))],
        audit: { attemptId: row.id, provider: row.provider, orderNumber: order.number },
      });
    } else {
      // An approval the sale never took (needs reversal): its own money goes back, no goods.
      if (row.state !== 'needs_reversal' && row.needs_attention !== 'needs-reversal') {
        throw new PosError(
          'CONFLICT',
          `That payment is ${row.state} and is no tender of sale ${order.number}: there is nothing of it to give back.`,
          'attemptId',
        );
      }
      const left = approvalLeft(row);
      const amount = kind === 'void' ? left.goods + left.tip : request.amount!;
      if (left.goods + left.tip === 0)
        throw new PosError('CONFLICT', 'All of this payment has gone back, or is on its way back.', 'attemptId');
      if (amount > left.goods + left.tip)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${left.goods + left.tip} can still be given back on this payment.`,
          'amount',
        );
      const tip = Math.max(0, amount - left.goods);
      commit({
        order,
        kind: 'reversal',
        tax: 0,
        reason: request.reason,
        evidence: null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: [],
        parts: [
          {
            kind: row.method,
            via: 'provider',
            goods: amount - tip,
            tip,
            tenderId: null,
            originalAttemptId: row.id,
            stage: () => keep(stage(amount)),
          },
        ],
        audit: { attemptId: row.id, provider: row.provider, orderNumber: order.number, by: kind },
      });
    }
    return deps.engine.attempt(staged!.attempt.id)!;
  }

  return {
    refundable: (orderId: string) => refundable(completedOrder(orderId)),
    forOrder: (orderId: string) => refunds.byOrder(orderId).map(view),
    view: (refundId: string) => {
      const row = refunds.byId(refundId);
      if (!row) throw new PosError('NOT_FOUND', 'That refund does not exist.', 'refundId');
      return view(row);
    },
    /**
     * The sale's payments with what each can still give back as the ledger says (refunds made any
     * way count). A sale with no refund record is returned as it is: nothing narrows its figures.
     */
    withLedgerRefundable(order: OrderView): OrderView {
      if (!order.attempts.some((a) => a.refundable > 0) || !refunds.anyForOrder(order.id)) return order;
      const ledger = ledgerOf(order);
      const refundableOn = (attempt: AttemptView): number => {
        if (attempt.kind !== 'sale' || attempt.refundable === 0) return attempt.refundable;
        const tender = order.tenders.find((t) => t.attemptId === attempt.id && t.amount > 0);
        const row = tender ? null : deps.attempts.byId(attempt.id);
        const left = tender
          ? (ledger.tenders.find((t) => t.tenderId === tender.id) ?? { goods: 0, tip: 0 })
          : row
            ? approvalLeft(row)
            : { goods: 0, tip: 0 };
        return Math.min(attempt.refundable, left.goods + left.tip);
      };
      return { ...order, attempts: order.attempts.map((a) => ({ ...a, refundable: refundableOn(a) })) };
    },
    /** What went back on a sale attempt so far, by any way (done or in flight). */
    givenBackOn: (saleAttemptId: string) =>
      refunds
        .partsOfAttempt(saleAttemptId)
        .filter(counts)
        .reduce((s, p) => s + p.amount, 0),

    /** A refund from history: by lines or by amount, plus tip, to the original tenders, to cash, or recorded as done outside the till. */
    create(request: RefundRequest): RefundView {
      const order = completedOrder(request.orderId);
      const ledger = ledgerOf(order);
      const tip = request.tip ?? 0;
      if (request.lines.length && request.amount !== undefined)
        throw new PosError('INVALID_PAYLOAD', 'Refund either lines or an amount, not both.', 'amount');
      if (!request.lines.length && request.amount === undefined && tip === 0)
        throw new PosError('INVALID_PAYLOAD', 'Choose the lines to refund, an amount, or the tip.', 'lines');
      if (request.to === 'outside' && !request.evidence)
        throw new PosError(
          'INVALID_PAYLOAD',
          'Say what proves the refund done on the terminal (its receipt or reference number).',
          'evidence',
        );
      const lines = priceLines(order, ledger, request);
      const goods = request.amount ?? lines.reduce((s, l) => s + l.amount, 0);
      if (goods + tip <= 0) throw new PosError('INVALID_PAYLOAD', 'Nothing to refund.', 'lines');
      if (goods > ledger.goodsLeft)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${ledger.goodsLeft} can still be refunded on this sale.`,
          'amount',
        );
      if (tip > ledger.tipsLeft)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${ledger.tipsLeft} of tip can still be refunded on this sale.`,
          'tip',
        );
      // Lines and amounts above are exact; only the cash handed back is rounded.
      const tax = request.amount !== undefined ? taxFor(order, ledger, goods) : lines.reduce((s, l) => s + l.tax, 0);
      const parts = roundDrawer(plan(ledger, goods, tip, request.to));
      if (parts.length === 0)
        throw new PosError(
          'INVALID_PAYLOAD',
          'That is less than the smallest coin: nothing can be handed back in cash.',
          'amount',
        );
      const row = commit({
        order,
        kind: request.to === 'outside' ? 'outside' : 'refund',
        tax,
        reason: request.reason,
        evidence: request.evidence ?? null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: lines.map(({ lineId, qtyMilli, amount, tax: lineTax }) => ({ lineId, qtyMilli, amount, tax: lineTax })),
        parts: parts.map((p) =>
          toPart(
            p,
            p.via === 'provider'
              ? () =>
                  deps.engine.stageRefund({
                    attemptId: p.tender.attemptId!,
                    amount: p.goods + p.tip,
                    userId: request.approvedBy,
                  })
              : undefined,
          ),
        ),
        audit: { to: request.to },
      });
      return view(row);
    },

    /** A refund of one payment from its screen (`pos:payments.refund`). */
    refundPayment: (request: PaymentRefundRequest & { amount: number }) => paymentAction('refund', request),
    /** A void of one payment from its screen (`pos:payments.void`): all of it, tip included. */
    voidPayment: (request: PaymentRefundRequest) => paymentAction('void', request),

    /**
     * A manager closes an approval the sale did not need: refunded outside the till (recorded in
     * the ledger), accepted as the sale's tender (what the sale took another way for it goes back
     * from the drawer, in the ledger), or a flag looked into.
     */
    resolvePayment(request: {
      attemptId: string;
      resolution: 'refunded-elsewhere' | 'accepted' | 'acknowledged';
      evidence: string;
      reason: string;
      managerId: string;
      userId: string;
    }): AttemptView {
      let cash: { order: OrderView; amount: number } | null = null;
      const result = deps.engine.resolve({
        ...request,
        record: (row, amount) => {
          const order = orderOf(row.order_id);
          const shiftId = deps.shiftId(request.userId);
          if (request.resolution === 'refunded-elsewhere') {
            const tip = Math.min(row.tip, amount);
            const created = refunds.create({
              orderId: order.id,
              shiftId,
              kind: 'outside',
              amount,
              tip,
              tax: 0,
              reason: request.reason,
              evidence: request.evidence,
              userId: request.userId,
              approvedBy: request.managerId,
              tillId: deps.tillId,
              lines: [],
            });
            refunds.addPart(created.id, {
              kind: row.method,
              via: 'outside',
              amount,
              tip,
              attemptId: null,
              originalAttemptId: row.id,
              originalTenderId: null,
            });
            return;
          }
          // Accepted: the approval is now a tender; the same goods go back from what the sale took another way, in cash.
          const ledger = ledgerOf(order);
          const others: OrderLedger = { ...ledger, tenders: ledger.tenders.filter((t) => t.attemptId !== row.id) };
          // What the other tenders took for these goods: the approval's amount, or a little less when their
          // cash was rounded down to the coin (11.95 paid for 11.97). When part of it was refunded already,
          // accepting would charge the customer for goods they gave back: the approval is refunded instead.
          const held = others.tenders.reduce((sum, t) => sum + t.goods, 0);
          if (held < amount + Math.min(0, order.cashRounding)) {
            throw new PosError(
              'CONFLICT',
              `Sale ${order.number} was partly refunded: refund this approval instead of accepting it.`,
              'resolution',
            );
          }
          const covered = Math.min(amount, held);
          const parts = covered > 0 ? roundDrawer(plan(others, covered, 0, 'cash')) : [];
          if (parts.length === 0) return;
          const created = refunds.create({
            orderId: order.id,
            shiftId,
            kind: 'accepted',
            amount: parts.reduce((s, p) => s + p.goods, 0),
            tip: 0,
            tax: 0,
            reason: request.reason,
            evidence: request.evidence,
            userId: request.userId,
            approvedBy: request.managerId,
            tillId: deps.tillId,
            lines: [],
          });
          for (const p of parts) {
            refunds.addPart(created.id, {
              kind: 'cash',
              via: 'drawer',
              amount: p.goods,
              tip: 0,
              attemptId: null,
              originalAttemptId: p.tender.attemptId,
              originalTenderId: p.tender.tenderId,
            });
          }
          cash = { order, amount: created.amount };
        },
      });
      const handed = cash as { order: OrderView; amount: number } | null;
      if (handed && handed.amount > 0) deps.cashRefunded(handed.order, handed.amount);
      deps.changed?.(result.orderId);
      return result;
    },

    /** The engine reversed an approval on its own: its ledger record, in the engine's transaction. */
    reversalJournaled(reversal: AttemptRow, original: AttemptRow): void {
      const order = deps.orders.byId(original.order_id);
      if (!order) throw new Error(`Attempt ${original.id} belongs to no sale`);
      // A void gives back the whole charge: goods, tip and any cash back (never handed out: the sale did not take it).
      const tip = reversal.kind === 'void' ? reversal.tip : Math.min(original.tip, reversal.amount);
      const amount = reversal.kind === 'void' ? reversal.amount + reversal.tip + cashbackOf(original) : reversal.amount;
      const created = refunds.create({
        orderId: order.id,
        shiftId: deps.currentShiftId(),
        kind: 'reversal',
        amount,
        tip,
        tax: 0,
        reason: 'automatic reversal of an approval the sale did not need',
        evidence: null,
        userId: order.cashier_id,
        approvedBy: null,
        tillId: deps.tillId,
        lines: [],
      });
      refunds.addPart(created.id, {
        kind: reversal.method,
        via: 'provider',
        amount,
        tip,
        attemptId: reversal.id,
        originalAttemptId: original.id,
        originalTenderId: null,
      });
    },
  };
}

export type RefundService = ReturnType<typeof createRefundService>;
