/**
 * The refund ledger's screens rendered to static markup (react-dom/server: no DOM library is
 * installed): which controls are offered, under which names, from main's figures. Their
 * behaviour in a browser is the E2E tests'.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { PaymentActionDialog } from '../../../../src-renderer/payment/payment-action-dialogs';
import { TenderScreen } from '../../../../src-renderer/payment/tender-screen';
import { OrderRefunds } from '../../../../src-renderer/refund/order-refunds';
import { RefundDialog } from '../../../../src-renderer/refund/refund-dialog';
import { createAppStores, type AppStores } from '../../../../src-renderer/shell/app-stores';
import { StoresContext } from '../../../../src-renderer/common/use-stores';
import type { AppInfo } from '../../../../src-shared/domain';
import type { Refundable, RefundView } from '../../../../src-shared/report';
import { CAPABILITY_SETS } from '../../../support/scripted-provider';
import { fakeTransport } from '../fake-transport';
import { attempt, line, order } from '../fixtures';

const info: AppInfo = {
  version: '0.1.0',
  demo: true,
  store: { name: 'Demo Grocer', address: [], taxId: '', currency: 'CAD', locale: 'en-CA' },
  demoPins: [],
  quickCash: [],
  cashRoundingStep: 5,
  discountLimitBasisPoints: 1000,
  varianceLimit: 500,
  autoPrint: false,
  journalKey: { protection: 'file', where: '/data/signing.key' },
  tenders: [
    {
      provider: 'codepay',
      label: 'Card (CodePay terminal) – Lane 1',
      method: 'card',
      terminal: 'Lane 1',
      capabilities: CAPABILITY_SETS.codepay,
    },
    {
      provider: 'iotpay-pax',
      label: 'Card (IOTPay terminal)',
      method: 'card',
      terminal: null,
      capabilities: CAPABILITY_SETS.iotpayPax,
    },
  ],
};

/** Server rendering reads each store's initial state: here it reads the state the test set. */
function stores(): AppStores {
  const built = createAppStores(createClient(fakeTransport()));
  for (const store of [built.appInfo, built.cart, built.payment, built.refunds] as const) {
    (store as { getInitialState(): unknown }).getInitialState = store.getState;
  }
  built.appInfo.setState({ info });
  return built;
}

function html(with_: AppStores, node: ReactNode): string {
  return renderToStaticMarkup(<StoresContext.Provider value={with_}>{node}</StoresContext.Provider>);
}

/** Paid $20.00 + $3.00 tip on an IOTPay PAX card (not refundable from the till) and $10.00 cash; $5.00 of a refund waits for a terminal. */
const mixed: Refundable = {
  total: 3000,
  tips: 300,
  reserved: 500,
  lines: [{ lineId: 'L1', name: 'Dinner', qtyMilli: 2000, amount: 3000 }],
  tenders: [
    {
      kind: 'card',
      label: 'IOTPay card',
      tenderId: 'T1',
      attemptId: 'A1',
      refundable: 2300,
      tip: 300,
      viaProvider: false,
      partial: false,
    },
    {
      kind: 'cash',
      label: 'Cash',
      tenderId: 'T2',
      attemptId: null,
      refundable: 1000,
      tip: 0,
      viaProvider: false,
      partial: true,
    },
  ],
};
const sale = order({
  id: 'O1',
  number: 7,
  status: 'completed',
  lines: [line({ id: 'L1', name: 'Dinner', qtyMilli: 2000 })],
});

describe('refund dialog', () => {
  it('shows goods and tips left and what waits for a terminal; offers the tip and "Refunded on the terminal" for a card tender', () => {
    const markup = html(stores(), <RefundDialog order={sale} refundable={mixed} onClose={() => undefined} />);
    expect(markup).toContain('Refund sale #7');
    expect(markup).toMatch(/Still refundable on this sale: <strong>\$30\.00<\/strong>.*tips <strong>\$3\.00<\/strong>/);
    expect(markup).toContain('$5.00 is being refunded, waiting for the terminal.');
    expect(markup).toMatch(/<input type="checkbox"[^>]*\/> Refund the tip<\/label>/);
    expect(markup).toMatch(/<input type="radio" name="to"[^>]*\/> Original payment<\/label>/);
    expect(markup).toMatch(/<input type="radio" name="to"[^>]*\/> Cash<\/label>/);
    expect(markup).toMatch(/<input type="radio" name="to"[^>]*\/> Refunded on the terminal<\/label>/);
    expect(markup).toContain('aria-label="Quantity to refund: Dinner"');
    expect(markup).toContain('aria-label="One fewer: Dinner"');
    // The reference field shows once "Refunded on the terminal" is chosen.
    expect(markup).not.toContain('Terminal refund reference');
  });

  it('a sale paid only by a card the till cannot refund says so before anything is sent', () => {
    const cardOnly: Refundable = { ...mixed, reserved: 0, tenders: [mixed.tenders[0]] };
    const markup = html(stores(), <RefundDialog order={sale} refundable={cardOnly} onClose={() => undefined} />);
    expect(markup).toContain(
      'IOTPay card cannot be refunded from the till: refund it on the terminal and record it, or refund to cash.',
    );
  });

  it('a cash sale without tips offers neither the tip nor the terminal', () => {
    const cash: Refundable = { ...mixed, tips: 0, reserved: 0, tenders: [{ ...mixed.tenders[1], refundable: 3000 }] };
    const markup = html(stores(), <RefundDialog order={sale} refundable={cash} onClose={() => undefined} />);
    expect(markup).not.toContain('Refund the tip');
    expect(markup).not.toContain('Refunded on the terminal');
    expect(markup).not.toContain('waiting for the terminal');
  });
});

describe("a sale's refund ledger", () => {
  function record(overrides: Partial<RefundView>): RefundView {
    return {
      id: 'R1',
      number: 1,
      orderId: 'O1',
      orderNumber: 7,
      kind: 'refund',
      amount: 550,
      tip: 0,
      tax: 0,
      givenBack: 550,
      reason: 'Returned',
      evidence: null,
      user: 'Casey Cashier',
      approvedBy: 'Morgan Manager',
      createdAt: '2025-01-01T11:00:00Z',
      lines: [],
      tenders: [
        {
          kind: 'cash',
          via: 'drawer',
          amount: 550,
          tip: 0,
          attemptId: null,
          originalTenderId: 'T2',
          status: 'done',
          state: 'done',
        },
      ],
      status: 'completed',
      ...overrides,
    };
  }

  it("lists each record's kind, what went back of it, its tip, status and evidence", () => {
    const built = stores();
    built.refunds.setState({
      orderId: 'O1',
      refundable: { ...mixed, total: 0, tips: 0, reserved: 0 },
      refunds: [
        record({
          id: 'R1',
          number: 1,
          kind: 'outside',
          amount: 2300,
          tip: 300,
          givenBack: 2300,
          evidence: 'PAX 004512',
        }),
        record({ id: 'R2', number: 2, kind: 'accepted', amount: 1000, givenBack: 1000 }),
        record({ id: 'R3', number: 3, kind: 'void', amount: 1500, givenBack: 500, status: 'partial' }),
      ],
    });
    const markup = html(built, <OrderRefunds order={sale} />);
    expect(markup).toContain('Refunded on terminal');
    expect(markup).toContain('Evidence: PAX 004512');
    expect(markup).toContain('tip $3.00');
    expect(markup).toContain('Late approval accepted');
    expect(markup).toContain('Payment void');
    expect(markup).toContain('$5.00 of $15.00');
    expect(markup).toContain('Partly given back');
    expect(markup).toContain('Everything paid on this sale has been refunded.');
  });

  it('offers "Refund…" while only a tip is left', () => {
    const built = stores();
    built.refunds.setState({ orderId: 'O1', refundable: { ...mixed, total: 0, tips: 300, reserved: 0 }, refunds: [] });
    expect(html(built, <OrderRefunds order={sale} />)).toContain('>Refund…</button>');
  });
});

describe('resolving a flagged payment', () => {
  it("a late approval: refunded on the terminal, or accepted as the sale's payment", () => {
    const late = attempt({
      id: 'LATE',
      state: 'needs_reversal',
      needsAttention: 'needs-reversal',
      amount: 1735,
      refundable: 1735,
    });
    const markup = html(stores(), <PaymentActionDialog action="resolve" attempt={late} onClose={() => undefined} />);
    expect(markup).toMatch(/<input type="radio" name="resolution"[^>]*\/> Refunded on the terminal<\/label>/);
    expect(markup).toContain('Accept as the sale&#x27;s payment (give the other payment back in cash)</label>');
    expect(markup).not.toContain('Looked into');
  });

  it('any other flag: looked into', () => {
    const odd = attempt({ id: 'ODD', state: 'approved', needsAttention: 'contradiction' });
    const markup = html(stores(), <PaymentActionDialog action="resolve" attempt={odd} onClose={() => undefined} />);
    expect(markup).toMatch(/<input type="radio" name="resolution"[^>]*checked=""[^>]*\/> Looked into<\/label>/);
    expect(markup).not.toContain('Refunded on the terminal');
  });
});

describe('tender screen', () => {
  it('offers cash back beside the on-screen tip; the approval dialog asks for it; cash back to hand over is said', () => {
    const built = stores();
    const open = order({
      id: 'O2',
      number: 8,
      status: 'open',
      lines: [line()],
      total: 1735,
      due: 0,
      cashDue: 0,
      tenders: [
        {
          id: 'T1',
          kind: 'card',
          label: 'Visa',
          amount: 9735,
          tendered: 9735,
          change: 0,
          tip: 0,
          cashback: 8000,
          attemptId: 'CB1',
          card: null,
          createdAt: '2025-01-01T10:01:00Z',
        },
      ],
    });
    built.cart.setState({ order: open });
    built.payment.setState({
      approvalAsk: {
        id: 1,
        message: 'A manager must approve: give cash back above the limit.',
        orderId: 'O2',
        amount: 1735,
        cashback: 8000,
      },
    });
    const markup = html(built, <TenderScreen />);
    expect(markup).toContain('Customer adds tip on terminal');
    expect(markup).toMatch(/<label>Cash back<input [^>]*name="cashback"/);
    expect(markup).toContain('Approve cash back');
    expect(markup).toContain('A manager must approve: give cash back above the limit.');
    expect(markup).toContain('Cash back $80.00 — give it from the drawer');
  });
});
