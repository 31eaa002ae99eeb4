/**
 * Refund planning arithmetic (issue 11): what the requested lines give back (the exact rest on the
 * last items, a pro-rata share before), the tax part of an amount, how goods and tip split over the
 * sale's tenders (providers that can refund first, then the drawer; to cash; or outside on the
 * terminal), and the rounding of cash handed back to the store's coin. Pure figures over a sale's
 * ledger (`refund-ledger.ts`): nothing here reads or writes the journal.
 */
import type { OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { mulDivRound, roundToStep } from '../../src-shared/money';
import type { NewPart } from '../journal/refund-repository';
import { lineTotal, viaProvider, type OrderLedger, type TenderLeft } from './refund-ledger';

/** A refund from history, as the manager asked for it. */
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

/** A planned part: how much of one tender goes back, and how. */
export interface PlannedPart {
  tender: TenderLeft;
  goods: number;
  tip: number;
  via: NewPart['via'];
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

/** The tax part of giving back `goods`: pro rata, and exactly what is left when the last goods go back. */
export function taxFor(order: OrderView, ledger: OrderLedger, goods: number): number {
  if (goods >= ledger.goodsLeft) return ledger.taxLeft;
  const base = order.total + order.cashRounding;
  return base > 0 ? Math.min(ledger.taxLeft, mulDivRound(order.addedTax + order.includedTax, goods, base)) : 0;
}

/** What each requested line gives back: the exact rest on the last items, a pro-rata share before. */
export function priceLines(order: OrderView, ledger: OrderLedger, request: RefundRequest) {
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
export function plan(ledger: OrderLedger, goods: number, tip: number, to: RefundRequest['to']): PlannedPart[] {
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

/** Where the store's cash rounding step comes from. */
export interface DrawerRoundingContext {
  /** The store's cash rounding step: cash handed back is a countable amount. */
  cashRoundingStep: number;
}

/**
 * Cash handed back is rounded to the store's cash step (nickel rounding), like cash taken, so
 * the drawer stays countable; rounded down when rounding up would give a tender back more than it took.
 */
export function roundDrawer(parts: PlannedPart[], deps: DrawerRoundingContext): PlannedPart[] {
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
