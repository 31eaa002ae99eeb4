/**
 * Which receipts print by themselves when a sale completes: none unless the till is set to
 * print on completion and has a printer; a sale paid (partly) by card prints the merchant's
 * copy first (kept in the drawer), then the customer's.
 */
import type { OrderView } from '../../src-shared/domain';
import { buildReceipt, type ReceiptStore } from '../../src-shared/receipt';
import type { PrinterService } from '../devices/printer/printer-service';
import type { Logger } from '../logger';

export type ReceiptAudience = 'merchant' | 'customer';

/** The copies a completed sale prints, in order. */
export function receiptAudiences(order: Pick<OrderView, 'tenders'>): readonly ReceiptAudience[] {
  return order.tenders.some((t) => t.card) ? ['merchant', 'customer'] : ['customer'];
}

/** Prints a completed sale's receipts (queued; a print failure is logged, never lost: the queue keeps it). */
export function createCompletionPrinting(deps: {
  autoPrint: boolean;
  printer: () => Pick<PrinterService, 'status' | 'printReceipt'>;
  store: ReceiptStore;
  demo: boolean;
  format: (amount: number, currency: string) => string;
  journalOpen: () => boolean;
  log: Logger;
}): (order: OrderView) => void {
  return (order) => {
    if (!deps.journalOpen() || !deps.autoPrint || deps.printer().status().state === 'not-configured') return;
    for (const audience of receiptAudiences(order)) {
      const receipt = buildReceipt(order, deps.store, { copy: false, demo: deps.demo, format: deps.format, audience });
      void deps
        .printer()
        .printReceipt(receipt)
        .catch((error) => deps.log.error(`Receipt for sale ${order.number} was not queued`, error));
    }
  };
}
