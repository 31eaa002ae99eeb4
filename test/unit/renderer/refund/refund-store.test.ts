import { describe, expect, it } from 'vitest';
import { PosError } from '../../../../src-shared/errors';
import type { Refundable, RefundView } from '../../../../src-shared/report';
import { createClient } from '../../../../src-renderer/api/client';
import {
  canRefundOnTerminal,
  createRefundStore,
  givenBackText,
  REFUND_KIND_TEXT,
  REFUND_STATUS_TEXT,
  refundProblem,
  refundRequest,
  refundShortfall,
  refundTendersText,
  type RefundDraft,
} from '../../../../src-renderer/refund/refund-store';
import { fakeTransport, requiresApproval, settle } from '../fake-transport';
import { attempt } from '../fixtures';

const approval = { managerId: 'demo-manager', pin: '987654' };

const refundable: Refundable = {
  total: 1465,
  tips: 0,
  reserved: 0,
  lines: [
    { lineId: 'L1', name: 'Sourdough loaf', qtyMilli: 2000, amount: 1100 },
    { lineId: 'L2', name: 'Chocolate', qtyMilli: 1000, amount: 366 },
  ],
  tenders: [
    {
      kind: 'cash',
      label: 'Cash',
      tenderId: 'T1',
      attemptId: null,
      refundable: 1465,
      tip: 0,
      viaProvider: false,
      partial: true,
    },
  ],
};

type RefundTender = RefundView['tenders'][number];

/** One part of a refund: cash from the drawer, done, unless told otherwise. */
function part(overrides: Partial<RefundTender> = {}): RefundTender {
  return {
    kind: 'cash',
    via: 'drawer',
    amount: 550,
    tip: 0,
    attemptId: null,
    originalTenderId: 'T1',
    status: 'done',
    state: 'done',
    ...overrides,
  };
}

function refund(overrides: Partial<RefundView> = {}): RefundView {
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
    lines: [{ lineId: 'L1', name: 'Sourdough loaf', qtyMilli: 1000, amount: 550 }],
    tenders: [part()],
    status: 'completed',
    ...overrides,
  };
}

function setup() {
  const made: RefundView[] = [];
  const transport = fakeTransport({
    'pos:refunds.refundable': () => refundable,
    'pos:refunds.forOrder': () => [...made],
  });
  const store = createRefundStore(createClient(transport));
  return { transport, store, made };
}

describe('refund store', () => {
  it('reads what the sale can still refund and its past refunds', async () => {
    const { store, made } = setup();
    made.push(refund());
    await store.getState().load('O1');
    expect(store.getState()).toMatchObject({ orderId: 'O1', refundable, loading: false, error: null });
    expect(store.getState().refunds.map((r) => r.number)).toEqual([1]);
  });

  it('a sale that cannot be refunded (not completed) shows nothing to refund, not an error', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:refunds.refundable'] = () => {
      throw new PosError('CONFLICT', 'Sale 7 is cancelled: only completed sales can be refunded.', 'orderId');
    };
    await store.getState().load('O1');
    expect(store.getState()).toMatchObject({ refundable: null, error: null });
  });

  it('creates a refund by lines with the approval, shows it and reads the lists again', async () => {
    const { transport, store, made } = setup();
    await store.getState().load('O1');
    transport.handlers['pos:refunds.create'] = requiresApproval(() => {
      made.push(refund());
      return refund();
    });
    const failure = await store
      .getState()
      .create({ lines: [{ lineId: 'L1', qtyMilli: 1000 }], to: 'cash', reason: 'Returned' }, approval);
    expect(failure).toBeNull();
    expect(transport.calls.findLast((c) => c.channel === 'pos:refunds.create')?.payload).toEqual({
      orderId: 'O1',
      lines: [{ lineId: 'L1', qtyMilli: 1000 }],
      to: 'cash',
      reason: 'Returned',
      approval,
    });
    expect(store.getState().last?.number).toBe(1);
    await settle();
    expect(store.getState().refunds.map((r) => r.id)).toEqual(['R1']);
  });

  it('by amount, as a manager (no approval sent); a refusal is the sentence for the dialog', async () => {
    const { transport, store } = setup();
    await store.getState().load('O1');
    transport.handlers['pos:refunds.create'] = () => {
      throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval');
    };
    expect(await store.getState().create({ amount: 500, to: 'original', reason: 'Goodwill' })).toBe(
      'Wrong manager PIN: the action was not done.',
    );
    expect(transport.calls.at(-1)?.payload).toEqual({ orderId: 'O1', amount: 500, to: 'original', reason: 'Goodwill' });
    expect(store.getState().last).toBeNull();
  });

  it('shows a refund receipt; another sale starts clean', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:refunds.receipt'] = ({ refundId, copy }) =>
      ({ title: `REFUND of ${refundId}`, copy }) as never;
    await store.getState().load('O1');
    await store.getState().showReceipt('R1');
    expect(store.getState().receipt).toMatchObject({ refundId: 'R1', receipt: { title: 'REFUND of R1', copy: false } });
    await store.getState().load('O2');
    expect(store.getState().receipt).toBeNull();
    expect(store.getState().last).toBeNull();
  });

  it('a provider refund of the sale moving on re-reads its refunds (pending → completed)', async () => {
    const { transport, store, made } = setup();
    made.push(
      refund({
        status: 'pending',
        givenBack: 0,
        tenders: [part({ kind: 'card', via: 'provider', attemptId: 'RA', status: 'in-flight', state: 'sending' })],
      }),
    );
    await store.getState().load('O1');
    made.splice(
      0,
      1,
      refund({
        tenders: [part({ kind: 'card', via: 'provider', attemptId: 'RA', status: 'done', state: 'approved' })],
      }),
    );
    transport.emit('pos:payment.changed', attempt({ id: 'RA', orderId: 'O2', kind: 'refund', state: 'approved' }));
    await settle();
    expect(store.getState().refunds[0].status).toBe('pending');
    transport.emit('pos:payment.changed', attempt({ id: 'RA', orderId: 'O1', kind: 'refund', state: 'approved' }));
    await settle();
    expect(store.getState().refunds[0].status).toBe('completed');
  });

  it('says where the money went', () => {
    expect(
      refundTendersText(
        refund({
          tenders: [
            part({ amount: 136 }),
            part({ kind: 'card', via: 'provider', amount: 400, attemptId: 'A', status: 'in-flight', state: 'sending' }),
          ],
        }),
        money,
      ),
    ).toBe('Cash $1.36 · Card $4.00 (sending)');
    expect(
      refundTendersText(
        refund({
          tenders: [
            part({ kind: 'card', via: 'outside', amount: 700, tip: 200 }),
            part({ kind: 'wallet', via: 'provider', amount: 300, status: 'failed', state: 'declined' }),
          ],
        }),
        money,
      ),
    ).toBe('Card $7.00 on the terminal · Wallet $3.00 (declined)');
  });

  it('names every kind of ledger record and status, and what went back of a partial one', () => {
    expect(REFUND_KIND_TEXT).toEqual({
      refund: 'Refund',
      void: 'Payment void',
      reversal: 'Reversal',
      outside: 'Refunded on terminal',
      accepted: 'Late approval accepted',
    });
    expect(REFUND_STATUS_TEXT.partial).toBe('Partly given back');
    expect(givenBackText(refund(), money)).toBe('$5.50');
    expect(givenBackText(refund({ amount: 1000, givenBack: 400, status: 'partial' }), money)).toBe('$4.00 of $10.00');
  });

  it('sends the tip given back, and a refund done on the terminal with its reference', async () => {
    const { transport, store } = setup();
    await store.getState().load('O1');
    transport.handlers['pos:refunds.create'] = requiresApproval((input) =>
      refund({
        kind: input.to === 'outside' ? 'outside' : 'refund',
        tip: input.tip ?? 0,
        evidence: input.evidence ?? null,
      }),
    );
    expect(
      await store.getState().create({ lines: [], tip: 300, to: 'original', reason: 'Tip charged twice' }, approval),
    ).toBeNull();
    expect(transport.calls.filter((c) => c.channel === 'pos:refunds.create').at(-1)?.payload).toEqual({
      orderId: 'O1',
      lines: [],
      tip: 300,
      to: 'original',
      reason: 'Tip charged twice',
      approval,
    });
    expect(
      await store
        .getState()
        .create({ amount: 1000, tip: 200, to: 'outside', evidence: 'PAX 004512', reason: 'Returned' }, approval),
    ).toBeNull();
    expect(transport.calls.filter((c) => c.channel === 'pos:refunds.create').at(-1)?.payload).toEqual({
      orderId: 'O1',
      amount: 1000,
      tip: 200,
      to: 'outside',
      evidence: 'PAX 004512',
      reason: 'Returned',
      approval,
    });
    expect(store.getState().last).toMatchObject({ kind: 'outside', evidence: 'PAX 004512', tip: 200 });
  });

  it('re-reads the ledger when a payment of the sale moves on (a late approval accepted or refunded on the terminal)', async () => {
    const { transport, store } = setup();
    await store.getState().load('O1');
    const reads = () => transport.calls.filter((c) => c.channel === 'pos:refunds.refundable').length;
    const before = reads();
    transport.emit(
      'pos:payment.changed',
      attempt({ id: 'LATE', orderId: 'O1', kind: 'sale', state: 'approved', needsAttention: null }),
    );
    await settle();
    expect(reads()).toBe(before + 1);
  });
});

const money = (minor: number) => `$${(minor / 100).toFixed(2)}`;

describe("the refund dialog's checks, against main's figures", () => {
  /** A sale paid $20.00 + $3.00 tip on an IOTPay PAX card (not refundable from the till) and $10.00 cash. */
  const mixed: Refundable = {
    total: 3000,
    tips: 300,
    reserved: 0,
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

  function draft(overrides: Partial<RefundDraft> = {}): RefundDraft {
    return { mode: 'amount', lines: [], amount: undefined, tip: 0, to: 'cash', evidence: '', ...overrides };
  }

  it('the tip is bounded by the tips still refundable; a typed tip that is no amount is refused', () => {
    expect(refundProblem(draft({ tip: 301 }), mixed, money)).toBe(
      'At most $3.00 of tip can still be refunded on this sale.',
    );
    expect(refundProblem(draft({ tip: null }), mixed, money)).toBe('Enter the tip to refund, for example 2.00.');
    expect(refundProblem(draft({ tip: 100 }), { ...refundable }, money)).toBe('No tip is left to refund on this sale.');
    // The tip alone is a refund (amount left empty, or no item chosen).
    expect(refundProblem(draft({ tip: 300 }), mixed, money)).toBeNull();
    expect(refundProblem(draft({ mode: 'items', tip: 300 }), mixed, money)).toBeNull();
    expect(refundRequest(draft({ tip: 300 }), 'Tip charged twice')).toEqual({
      lines: [],
      tip: 300,
      to: 'cash',
      reason: 'Tip charged twice',
    });
  });

  it('goods: something chosen, an amount within what is left', () => {
    expect(refundProblem(draft({ mode: 'items' }), mixed, money)).toBe(
      'Choose at least one item to refund, or the tip.',
    );
    expect(refundProblem(draft({ mode: 'items' }), refundable, money)).toBe('Choose at least one item to refund.');
    expect(refundProblem(draft(), mixed, money)).toBe('Enter the amount to refund, for example 5.00.');
    expect(refundProblem(draft({ amount: null, tip: 300 }), mixed, money)).toBe(
      'Enter the amount to refund, for example 5.00.',
    );
    expect(refundProblem(draft({ amount: 3001 }), mixed, money)).toBe(
      'At most $30.00 can still be refunded on this sale.',
    );
    expect(refundProblem(draft({ amount: 3000, tip: 300 }), mixed, money)).toBeNull();
    expect(
      refundRequest(draft({ mode: 'items', lines: [{ lineId: 'L1', qtyMilli: 1000, amount: 1500 }] }), 'Returned'),
    ).toEqual({ lines: [{ lineId: 'L1', qtyMilli: 1000 }], to: 'cash', reason: 'Returned' });
  });

  it('refunded on the terminal: offered for a card or wallet tender with something left; its reference is required', () => {
    expect(canRefundOnTerminal(mixed)).toBe(true);
    expect(canRefundOnTerminal(refundable)).toBe(false);
    const outside = draft({ to: 'outside', amount: 2000, tip: 300 });
    expect(refundProblem(outside, mixed, money)).toBe(
      "Enter the terminal refund reference (the number on the terminal's refund receipt).",
    );
    expect(refundProblem({ ...outside, evidence: '   ' }, mixed, money)).toMatch(
      /^Enter the terminal refund reference/,
    );
    expect(refundProblem({ ...outside, evidence: 'PAX 004512' }, mixed, money)).toBeNull();
    expect(refundRequest({ ...outside, evidence: ' PAX 004512 ' }, 'Returned')).toEqual({
      amount: 2000,
      tip: 300,
      to: 'outside',
      evidence: 'PAX 004512',
      reason: 'Returned',
    });
    // Only the card's part can be recorded as done on the terminal; the cash part goes back in cash.
    expect(refundProblem({ ...outside, amount: 2500, evidence: 'PAX 004512' }, mixed, money)).toBe(
      'Only card and wallet payments are refunded on the terminal (at most $23.00 here): refund the rest to cash.',
    );
    expect(refundProblem(draft({ to: 'outside', amount: 500, evidence: 'x' }), refundable, money)).toBe(
      'Nothing on this sale was paid by card or wallet: refund it to cash.',
    );
  });

  it('to the original payment: says before sending when a card the till cannot refund would have to take part of it', () => {
    const original = draft({ to: 'original' });
    // The cash tender covers $10.00; more needs the IOTPay card.
    expect(refundProblem({ ...original, amount: 1000 }, mixed, money)).toBeNull();
    const said =
      'IOTPay card cannot be refunded from the till: refund it on the terminal and record it, or refund to cash.';
    expect(refundProblem({ ...original, amount: 1500 }, mixed, money)).toBe(said);
    expect(refundProblem({ ...original, tip: 300 }, mixed, money)).toBe(said);
    expect(refundShortfall({ ...original, amount: 1500 }, mixed, money)).toBe(said);
    // Paid by that card alone: said as soon as "Original payment" is the destination.
    const cardOnly: Refundable = { ...mixed, total: 2000, tenders: [mixed.tenders[0]] };
    expect(refundShortfall(original, cardOnly, money)).toBe(said);
    // A provider that refunds from the till takes it.
    const viaTill: Refundable = {
      ...cardOnly,
      tenders: [{ ...mixed.tenders[0], label: 'CodePay', viaProvider: true }],
    };
    expect(refundShortfall({ ...original, amount: 2000, tip: 300 }, viaTill, money)).toBeNull();
    // To cash, every tender's part comes from the drawer.
    expect(refundShortfall(draft({ amount: 3000, tip: 300 }), mixed, money)).toBeNull();
  });
});
