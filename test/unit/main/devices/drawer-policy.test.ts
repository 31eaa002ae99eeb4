import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../../../src-shared/domain';
import type { AuditLog } from '../../../../src-main/auth/audit-log';
import { createDrawerPolicy } from '../../../../src-main/devices/drawer-policy';
import type { DrawerOpenReason, PrinterServiceState } from '../../../../src-main/devices/printer/printer-service';
import type { PrintJob } from '../../../../src-main/devices/printer/print-queue';
import { receiptAudiences } from '../../../../src-main/sales/receipt-policy';

const order = { id: 'o-1', number: 7 } as OrderView;

function fixture(options: { state?: PrinterServiceState; open?: boolean; kickFails?: boolean } = {}) {
  const events: string[] = [];
  const errors: string[] = [];
  const audit = {
    append: (entry) => {
      events.push(`audit ${entry.action} ${JSON.stringify(entry.detail)}`);
      return 1;
    },
  } as AuditLog;
  const printer = {
    status: () => ({
      state: options.state ?? 'ready',
      message: '',
      transport: null,
      queued: 0,
      flags: null,
      checkedAt: null,
    }),
    openDrawer: async (reason: DrawerOpenReason) => {
      events.push(`kick ${reason.kind}`);
      if (options.kickFails) throw new Error('printer offline');
      return {} as PrintJob;
    },
  };
  const policy = createDrawerPolicy({
    printer: () => printer,
    audit,
    userId: () => 'u-1',
    journalOpen: () => options.open ?? true,
    log: { info: () => undefined, error: (message) => errors.push(message) },
  });
  return { policy, events, errors };
}

describe('the drawer policy', () => {
  it('opens for cash taken after the reply, audited before the kick', async () => {
    const { policy, events } = fixture();
    policy.cashTaken(order, 0);
    expect(events).toEqual([]);
    await nextTurn();
    expect(events).toEqual(['audit drawer.open {"reason":"cash-tender","number":7}', 'kick cash-tender']);
  });

  it('names change when change is due, cash back and refunds with their amounts', async () => {
    const { policy, events } = fixture();
    policy.cashTaken(order, 150);
    await nextTurn();
    policy.cashBackGiven(order, 2000);
    policy.cashRefunded(order, 500);
    expect(events).toEqual([
      'audit drawer.open {"reason":"change","number":7}',
      'kick change',
      'audit drawer.open {"reason":"cashback","number":7,"amount":2000}',
      'kick change',
      'audit drawer.open {"reason":"refund","amount":500}',
      'kick change',
    ]);
  });

  it('does nothing without a printer or once the journal is closed', async () => {
    for (const f of [fixture({ state: 'not-configured' }), fixture({ open: false })]) {
      f.policy.cashTaken(order, 100);
      f.policy.cashBackGiven(order, 100);
      f.policy.cashRefunded(order, 100);
      await nextTurn();
      expect(f.events).toEqual([]);
    }
  });

  it('logs a failed kick instead of throwing', async () => {
    const { policy, events, errors } = fixture({ kickFails: true });
    policy.cashRefunded(order, 500);
    await nextTurn();
    expect(events).toEqual(['audit drawer.open {"reason":"refund","amount":500}', 'kick change']);
    expect(errors).toEqual(['Drawer kick failed']);
  });
});

describe('receipts on completion', () => {
  it('a card sale prints the merchant copy first, a cash sale only the customer copy', () => {
    expect(receiptAudiences({ tenders: [{ card: { brand: 'VISA' } }] } as unknown as OrderView)).toEqual([
      'merchant',
      'customer',
    ]);
    expect(receiptAudiences({ tenders: [{ card: null }] } as unknown as OrderView)).toEqual(['customer']);
  });
});
