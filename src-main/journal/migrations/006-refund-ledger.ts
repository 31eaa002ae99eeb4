import type { Migration } from './migration';

/**
 * One ledger for money going back (issue 11): every refund, void, reversal and refund done
 * outside the till is a `refunds` record whose `refund_tenders` say where each part went
 * (the drawer, the provider through an attempt, or outside the till on a manager's evidence)
 * and which tender or approval of the order it gives back. Cash back is a tender line of its
 * own; each order keeps the tax rounding rule it was priced with.
 */
export const refundLedger: Migration = {
  version: 6,
  name: 'refund-ledger',
  // New columns with defaults and the UPDATE / INSERT…SELECT below change existing rows of these.
  rewrites: ['refunds', 'refund_tenders', 'tenders', 'orders'],
  sql: `
-- What kind of movement a record is: a refund (any screen), a void of a payment, the reversal of
-- an approval the sale did not need, a refund done outside the till, or money handed back when a
-- manager accepted a late approval as the sale's tender.
ALTER TABLE refunds ADD COLUMN kind TEXT NOT NULL DEFAULT 'refund' CHECK (kind IN ('refund', 'void', 'reversal', 'outside', 'accepted'));
-- The part of the amount that is tip (not a sale, not taxed).
ALTER TABLE refunds ADD COLUMN tip INTEGER NOT NULL DEFAULT 0;
-- What the manager saw (terminal receipt number…) for a refund done outside the till.
ALTER TABLE refunds ADD COLUMN evidence TEXT;
ALTER TABLE refunds ADD COLUMN till_id INTEGER;

-- drawer: cash handed back; provider: through attempt_id; outside: done on the terminal or elsewhere.
ALTER TABLE refund_tenders ADD COLUMN via TEXT NOT NULL DEFAULT 'drawer' CHECK (via IN ('drawer', 'provider', 'outside'));
ALTER TABLE refund_tenders ADD COLUMN tip INTEGER NOT NULL DEFAULT 0;
-- The order's tender this part gives back (null for an approval that never became a tender).
ALTER TABLE refund_tenders ADD COLUMN original_tender_id TEXT REFERENCES tenders (id);
UPDATE refund_tenders SET via = 'provider' WHERE attempt_id IS NOT NULL;
UPDATE refund_tenders SET original_tender_id = (SELECT t.id FROM tenders t WHERE t.attempt_id = refund_tenders.original_attempt_id)
  WHERE original_attempt_id IS NOT NULL;
-- Cash handed back before this version named no tender: it gives back the sale's cash first, else its first tender.
UPDATE refund_tenders SET original_tender_id = (
    SELECT t.id FROM tenders t JOIN refunds r ON r.order_id = t.order_id
     WHERE r.id = refund_tenders.refund_id AND t.amount > 0 ORDER BY t.kind = 'cash' DESC, t.created_at, t.rowid LIMIT 1)
  WHERE original_tender_id IS NULL AND attempt_id IS NULL;
CREATE INDEX refunds_order ON refunds (order_id);
CREATE INDEX refunds_shift ON refunds (shift_id);
CREATE INDEX refund_tenders_refund ON refund_tenders (refund_id);
CREATE INDEX refund_tenders_attempt ON refund_tenders (attempt_id) WHERE attempt_id IS NOT NULL;
CREATE INDEX refund_tenders_tender ON refund_tenders (original_tender_id) WHERE original_tender_id IS NOT NULL;

-- Voids and refunds made from the payment screens before this version wrote no refund record:
-- each becomes one, so every movement back is in the ledger.
INSERT INTO refunds (id, number, order_id, shift_id, amount, tax, reason, user_id, approved_by, created_at, kind, tip)
  SELECT 'payment-' || a.id,
         (SELECT COALESCE(MAX(number), 0) FROM refunds) + ROW_NUMBER() OVER (ORDER BY a.created_at, a.rowid),
         a.order_id, o.shift_id, a.amount + CASE WHEN a.kind = 'void' THEN a.tip ELSE 0 END, 0,
         'payment ' || a.kind || ' (recorded before the refund ledger)', o.cashier_id, NULL, a.created_at,
         CASE WHEN a.kind = 'void' THEN 'void' ELSE 'refund' END, CASE WHEN a.kind = 'void' THEN a.tip ELSE 0 END
    FROM payment_attempts a JOIN orders o ON o.id = a.order_id
   WHERE a.kind IN ('void', 'refund') AND NOT EXISTS (SELECT 1 FROM refund_tenders rt WHERE rt.attempt_id = a.id);
INSERT INTO refund_tenders (refund_id, kind, amount, attempt_id, original_attempt_id, via, tip, original_tender_id)
  SELECT r.id, a.method, r.amount, a.id, a.original_attempt_id, 'provider', r.tip,
         (SELECT t.id FROM tenders t WHERE t.attempt_id = a.original_attempt_id)
    FROM refunds r JOIN payment_attempts a ON r.id = 'payment-' || a.id;

-- Cash back handed out from the drawer on a card sale (the card tender's amount includes it).
ALTER TABLE tenders ADD COLUMN cashback INTEGER NOT NULL DEFAULT 0;

-- How this order's taxes were rounded: per line, or once per order and tax.
ALTER TABLE orders ADD COLUMN tax_rounding TEXT NOT NULL DEFAULT 'line' CHECK (tax_rounding IN ('line', 'order'));
`,
};
