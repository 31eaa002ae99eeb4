/**
 * Handlers of the manager's channels: shifts and cash counts, X and Z reports, refunds,
 * and the audit check. Every protected one goes through permissions.authorize first.
 */
import { PosError } from '../../src-shared/errors';
import { countedTotal, type Report, type RefundView } from '../../src-shared/report';
import type { Receipt } from '../../src-shared/receipt';
import { verifyAuditChain, type AuditLog } from '../auth/audit-log';
import type { ChainVerdict } from '../integrity/chain-verify';
import type { Permissions } from '../auth/permissions';
import type { SessionManager } from '../auth/session-manager';
import type { AppConfig } from '../config/config-schema';
import type { DeviceHub } from '../devices/device-hub';
import { printJobView } from '../devices/printer/printer-service';
import { reportDocument } from '../devices/printer/report-document';
import type { AuditReader } from '../journal/audit-repository';
import type { JournalTransaction } from '../journal/open-journal';
import type { OrderReader } from '../journal/order-repository';
import type { ShiftReader, ShiftRow, ShiftWriter } from '../journal/shift-repository';
import type { Totals } from '../journal/totals-repository';
import type { Logger } from '../logger';
import type { PaymentEngine } from '../payments/engine/payment-engine';
import type { OrderView } from '../../src-shared/domain';
import type { RefundService } from '../sales/refund-service';
import { reportCsv } from '../sales/report-csv';
import { buildShiftReport, type ReportDeps } from '../sales/shift-report';
import type { ShiftService } from '../sales/shift-service';
import type { Handlers } from './dispatcher';

export type ManagerChannels =
  | 'pos:print.refundReceipt'
  | 'pos:shift.current'
  | 'pos:shift.open'
  | 'pos:shift.cashMove'
  | 'pos:shift.close'
  | 'pos:reports.x'
  | 'pos:reports.z'
  | 'pos:reports.list'
  | 'pos:reports.print'
  | 'pos:reports.csv'
  | 'pos:refunds.refundable'
  | 'pos:refunds.forOrder'
  | 'pos:refunds.create'
  | 'pos:refunds.receipt'
  | 'pos:audit.verify'
  | 'pos:journal.exportChain';

/** How a refund by amount is described on its slip, by the kind of ledger record. */
const REFUND_KIND_TEXT: Readonly<Record<RefundView['kind'], string>> = {
  refund: 'Refund by amount',
  void: 'Payment voided',
  reversal: 'Payment reversed',
  outside: 'Refunded on the terminal',
  accepted: 'Paid twice: given back',
};

export interface ManagerHandlerDeps {
  config: AppConfig;
  /** Closing a shift (close, Z report, audit entry) is one transaction. */
  journal: JournalTransaction;
  sessions: SessionManager;
  permissions: Permissions;
  audit: AuditLog;
  /** The stored audit trail, for `pos:audit.verify`. */
  auditRows: Pick<AuditReader, 'entries'>;
  shifts: ShiftService;
  shiftRows: ShiftReader & ShiftWriter;
  orders: Pick<OrderReader, 'partPaidInShift'>;
  refunds: RefundService;
  engine: PaymentEngine;
  devices: DeviceHub;
  reportDeps: ReportDeps;
  orderView(orderId: string): OrderView;
  /** Where a Z close says its running totals disagreed with the journal. */
  log?: Logger;
  format(amount: number, currency: string): string;
  /** The signed journal chain checked against its rows and anchor, and exported for an auditor. */
  journalChain: {
    verify(): ChainVerdict;
    export(): { json: string; links: number; head: string | null };
  };
  /** The journal chain's seal for a Z report: made inside the close's transaction, and read back for copies. */
  zSeal: {
    seal(zNumber: number): { seq: number; hash: string; keyId: string };
    of(zNumber: number): { seq: number; hash: string; keyId: string } | null;
  };
}

export function createManagerHandlers(deps: ManagerHandlerDeps): Pick<Handlers, ManagerChannels> {
  const { sessions, permissions, shifts, config } = deps;
  /** The store's time zone for printed and exported times (the machine's when the config names none). */
  const zone = config.store.timeZone ? { timeZone: config.store.timeZone } : {};

  const storedZ = (number: number, copy: boolean): Report => {
    const body = deps.shiftRows.zBody(number);
    if (!body) throw new PosError('NOT_FOUND', `There is no Z report ${number}.`, 'number');
    return { ...(JSON.parse(body) as Report), copy, journal: deps.zSeal.of(number) };
  };
  /** A refund's receipt: the same model as a sale's, titled, with where the money went back. */
  const refundReceipt = (refundId: string, copy: boolean): Receipt => {
    const refund = deps.refunds.view(refundId);
    const order = deps.orderView(refund.orderId);
    return {
      storeName: config.store.name,
      address: config.store.address,
      taxId: config.store.taxId,
      demo: config.demo,
      copy,
      ...zone,
      title: `REFUND ${refund.number} of sale ${refund.orderNumber}`,
      audience: refund.tenders.some((t) => t.kind !== 'cash') ? 'customer' : null,
      orderNumber: order.number,
      cashierName: refund.user,
      at: refund.createdAt,
      currency: order.currency,
      locale: config.store.locale,
      lines: [
        ...(refund.lines.length
          ? refund.lines.map((l) => ({
              name: l.name,
              detail: l.qtyMilli === 1000 ? '' : `${l.qtyMilli / 1000} ×`,
              amount: l.amount,
              discount: 0,
            }))
          : refund.amount > refund.tip
            ? [
                {
                  name: refund.reason,
                  detail: REFUND_KIND_TEXT[refund.kind],
                  amount: refund.amount - refund.tip,
                  discount: 0,
                },
              ]
            : []),
        ...(refund.tip > 0 ? [{ name: 'Tip refunded', detail: '', amount: refund.tip, discount: 0 }] : []),
      ],
      subtotal: refund.amount,
      discountTotal: 0,
      taxes: [{ label: 'Tax refunded', amount: refund.tax, inclusive: true }],
      total: refund.amount,
      cashRounding: 0,
      // Only what went back (or is on its way): a part the provider declined is not on the customer's slip.
      tenders: refund.tenders
        .filter((t) => t.status !== 'failed')
        .map((t) => {
          const attempt = t.attemptId ? deps.engine.attempt(t.attemptId) : null;
          const label =
            t.via === 'drawer'
              ? 'Refunded in cash'
              : t.via === 'outside'
                ? 'Refunded on the terminal'
                : `Refunded to ${attempt?.card?.brand ?? t.kind}`;
          return {
            label: t.status === 'in-flight' ? `${label} (waiting for the provider)` : label,
            amount: t.amount,
            tendered: t.amount,
            change: 0,
            tip: 0,
            card: attempt?.card ?? null,
          };
        }),
      footer: [
        `Approved by ${refund.approvedBy ?? refund.user}`,
        refund.reason,
        ...(refund.evidence ? [`Evidence: ${refund.evidence}`] : []),
      ],
    };
  };

  /** Expected cash from a recomputation of the shift's totals (float + cash taken − refunded + in − out). */
  const expectedFrom = (shift: ShiftRow, totals: Totals) =>
    shift.float_total +
    (totals.get('drawer.cashTaken') ?? 0) -
    (totals.get('drawer.cashRefunded') ?? 0) +
    (totals.get('cash.paidIn') ?? 0) -
    (totals.get('cash.paidOut') ?? 0);

  const xReport = (): Report =>
    buildShiftReport(deps.reportDeps, shifts.requireOpen(), { kind: 'X', number: null, copy: false });

  return {
    'pos:shift.current': () => {
      sessions.require();
      return shifts.current();
    },
    'pos:shift.open': ({ float }) => shifts.open(sessions.require().id, float),
    'pos:shift.cashMove': async ({ kind, amount, reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'cash.move',
        object: 'drawer',
        reason,
        amount,
        approval,
      });
      const shift = shifts.cashMove({ kind, amount, reason, userId: user.id, approvedBy: approvedBy.id });
      if (deps.devices.printer.status().state !== 'not-configured') {
        deps.audit.append({
          userId: user.id,
          action: 'drawer.open',
          object: 'drawer',
          detail: { reason: 'cash-move', note: `${kind}: ${reason}`, approvedBy: approvedBy.id },
        });
        void deps.devices.printer
          .openDrawer({ kind: 'no-sale', approvedBy: approvedBy.name, note: `cash ${kind}: ${reason}` })
          .catch(() => undefined);
      }
      return shift;
    },
    'pos:shift.close': async ({ counted, reason, approval }) => {
      const user = sessions.require();
      const shift = shifts.requireOpen();
      const busy = deps.orders.partPaidInShift(shift.id);
      if (busy) throw new PosError('CONFLICT', `Sale ${busy} is part-paid: finish it before closing the shift.`);
      const countedCash = countedTotal(counted);
      const variance = countedCash - shifts.expectedCash(shift);
      // Ask for the explanation before the manager's PIN is spent; a bare call without any approval is refused first.
      const mayClose = Boolean(approval) || user.role === 'manager';
      if (mayClose && Math.abs(variance) > config.security.varianceLimit && reason.length < 3) {
        throw new PosError(
          'INVALID_PAYLOAD',
          `The drawer is off by ${deps.format(variance, config.store.currency)}: say why before closing.`,
          'reason',
        );
      }
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'shift.close',
        object: `shift:${shift.id}`,
        reason: reason || 'end of shift',
        amount: variance,
        approval,
      });
      return deps.journal.transaction(() => {
        const zNumber = deps.shiftRows.nextZNumber();
        const at = new Date().toISOString();
        // The Z verifies its running totals against a recomputation from the journal. A disagreement (our
        // bug) never blocks the close: the Z prints the recomputed figures, says so, and the audit keeps both.
        const check = deps.reportDeps.report.verifyShift(shift.id);
        const recomputed = check.ok ? undefined : check.recomputed;
        const expected = recomputed ? expectedFrom(shift, recomputed) : countedCash - variance;
        deps.shiftRows.close(shift.id, {
          closedBy: user.id,
          approvedBy: approvedBy.id,
          counted,
          countedCash,
          expectedCash: expected,
          variance: countedCash - expected,
          zNumber,
        });
        if (!check.ok) {
          deps.audit.append({
            userId: user.id,
            action: 'report.totalsMismatch',
            object: `shift:${shift.id}`,
            detail: { z: zNumber, mismatches: check.mismatches },
          });
          deps.log?.error(
            `Z ${zNumber}: the running totals of shift ${shift.id} disagreed with the journal; printed from the recomputation`,
            JSON.stringify(check.mismatches),
          );
        }
        const report = buildShiftReport(deps.reportDeps, deps.shiftRows.byId(shift.id)!, {
          kind: 'Z',
          number: zNumber,
          copy: false,
          at,
          ...(recomputed ? { recomputed } : {}),
        });
        deps.shiftRows.insertZ(zNumber, shift.id, JSON.stringify(report));
        deps.audit.append({
          userId: user.id,
          action: 'shift.close',
          object: `shift:${shift.id}`,
          detail: {
            z: zNumber,
            counted: countedCash,
            variance: countedCash - expected,
            approvedBy: approvedBy.id,
            reason,
          },
        });
        // Sealed last, so the anchor on the paper covers the close itself.
        return { ...report, journal: deps.zSeal.seal(zNumber) };
      });
    },

    'pos:reports.x': () => {
      sessions.require();
      return xReport();
    },
    'pos:reports.z': ({ number, copy }) => {
      sessions.require();
      return storedZ(number, copy);
    },
    'pos:reports.list': () => {
      sessions.require();
      return deps.shiftRows.zBodies().map(({ number, body }) => {
        const report = JSON.parse(body) as Report;
        return {
          number,
          closedAt: report.shift.closedAt ?? report.generatedAt,
          closedBy: report.shift.closedBy ?? '',
          net: report.sales.net,
        };
      });
    },
    'pos:reports.print': async ({ number, copy }) => {
      const user = sessions.require();
      const report = number === null ? xReport() : storedZ(number, copy);
      if (number !== null && copy)
        deps.audit.append({ userId: user.id, action: 'report.reprint', object: `z:${number}`, detail: {} });
      const job = await deps.devices.printer.printReport(
        reportDocument(report, config.store.locale, zone),
        number === null ? 'X report' : `Z report ${number}${copy ? ' (copy)' : ''}`,
      );
      return printJobView(job);
    },
    'pos:reports.csv': ({ number }) => {
      const user = sessions.require();
      const report = number === null ? xReport() : storedZ(number, false);
      deps.audit.append({
        userId: user.id,
        action: 'report.export',
        object: number === null ? 'x' : `z:${number}`,
        detail: {},
      });
      return {
        filename: number === null ? `x-report-${report.generatedAt.slice(0, 10)}.csv` : `z-report-${number}.csv`,
        csv: reportCsv(report, zone),
      };
    },

    'pos:refunds.refundable': ({ orderId }) => {
      sessions.require();
      return deps.refunds.refundable(orderId);
    },
    'pos:refunds.forOrder': ({ orderId }) => {
      sessions.require();
      deps.orderView(orderId);
      return deps.refunds.forOrder(orderId);
    },
    'pos:refunds.create': async ({ orderId, lines, amount, tip, to, evidence, reason, approval }) => {
      const user = sessions.require();
      // An unknown sale or line is refused before any manager approves refunding it.
      const sale = deps.orderView(orderId);
      const unknownLine = lines.find((l) => !sale.lines.some((line) => line.id === l.lineId));
      if (unknownLine)
        throw new PosError('NOT_FOUND', `Sale ${sale.number} has no line ${unknownLine.lineId}.`, 'lines');
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'refund',
        object: `order:${orderId}`,
        reason,
        ...(amount !== undefined ? { amount: amount + tip } : {}),
        approval,
      });
      return deps.refunds.create({
        orderId,
        lines,
        ...(amount !== undefined ? { amount } : {}),
        tip,
        to,
        ...(evidence !== undefined ? { evidence } : {}),
        reason,
        userId: user.id,
        approvedBy: approvedBy.id,
      });
    },
    'pos:refunds.receipt': ({ refundId, copy }) => {
      sessions.require();
      return refundReceipt(refundId, copy);
    },
    'pos:print.refundReceipt': async ({ refundId, copy }) => {
      const user = sessions.require();
      const receipt = refundReceipt(refundId, copy);
      if (copy)
        deps.audit.append({
          userId: user.id,
          action: 'receipt.reprint',
          object: `refund:${refundId}`,
          detail: { printed: true },
        });
      const job = await deps.devices.printer.printReceipt(receipt);
      return printJobView(job);
    },

    'pos:audit.verify': () => {
      sessions.require();
      const verdict = verifyAuditChain(deps.auditRows);
      const checked = deps.journalChain.verify();
      const chain = {
        ok: checked.ok,
        links: checked.links,
        seals: checked.seals,
        head: checked.head ? `${checked.head.seq}:${checked.head.hash.slice(0, 16)}` : null,
        keys: checked.keys.map((k) => k.id),
        problems: checked.problems.slice(0, 20).map((p) => p.text),
        problemCount: checked.problemCount,
      };
      return verdict.ok
        ? { ok: chain.ok, entries: verdict.entries, brokenAt: null, reason: chain.problems[0] ?? null, chain }
        : { ok: false, entries: verdict.entries, brokenAt: verdict.brokenAt, reason: verdict.reason, chain };
    },
    'pos:journal.exportChain': () => {
      const user = sessions.require();
      if (user.role !== 'manager') throw new PosError('FORBIDDEN', 'Only a manager can export the journal chain.');
      const exported = deps.journalChain.export();
      deps.audit.append({
        userId: user.id,
        action: 'journal.export',
        object: null,
        detail: { links: exported.links, head: exported.head },
      });
      return {
        filename: `countertop-journal-chain-${new Date().toISOString().slice(0, 10)}.json`,
        json: exported.json,
      };
    },
  };
}
