import { describe, expect, it } from 'vitest';
import { cardBlockRows } from '../../../src-shared/card-block-rows';
import type { CardBlock } from '../../../src-shared/domain';
import { buildReceipt } from '../../../src-shared/receipt';
import { STORE, cardSale, format } from './receipt-fixture';

describe('buildReceipt', () => {
  it('gives a card tender with a tip and cash back its total charged: amount + tip', () => {
    const receipt = buildReceipt(cardSale({ tip: 300, cashback: 4000 }), STORE, { copy: false, demo: false, format });
    expect(receipt.tenders[0]).toMatchObject({ amount: 6000, tip: 300, cashback: 4000, charged: 6300 });
  });

  it('gives a total charged for a tip alone and for cash back alone', () => {
    expect(buildReceipt(cardSale({ tip: 300 }), STORE, { copy: false, demo: false, format }).tenders[0]).toMatchObject({
      amount: 2000,
      charged: 2300,
    });
    expect(
      buildReceipt(cardSale({ cashback: 4000 }), STORE, { copy: false, demo: false, format }).tenders[0],
    ).toMatchObject({ amount: 6000, cashback: 4000, charged: 6000 });
  });

  it('gives no total charged to a plain card sale or to cash', () => {
    expect(buildReceipt(cardSale(), STORE, { copy: false, demo: false, format }).tenders[0].charged).toBeUndefined();
    expect(
      buildReceipt(cardSale({ kind: 'cash', card: null }), STORE, { copy: false, demo: false, format }).tenders[0]
        .charged,
    ).toBeUndefined();
  });

  it("carries the store's time zone, or the machine's when the store names none", () => {
    expect(buildReceipt(cardSale(), STORE, { copy: false, demo: false, format }).timeZone).toBe('America/Toronto');
    const { timeZone: _zone, ...noZone } = STORE;
    expect(buildReceipt(cardSale(), noZone, { copy: false, demo: false, format }).timeZone).toBe(
      Intl.DateTimeFormat().resolvedOptions().timeZone,
    );
  });
});

describe('cardBlockRows', () => {
  it("shows a wallet's UTC time in the store's local format", () => {
    const wallet: CardBlock = {
      provider: 'iotpay-wallet',
      method: 'wallet',
      brand: 'WeChat Pay',
      transactionTime: '2026-12-06T15:04:57.123Z',
    };
    const time = cardBlockRows(wallet, { timeZone: 'America/Toronto', locale: 'en-CA' }).rows.find(
      (r) => r.label === 'Time',
    );
    expect(time?.value).toBe('2026-12-06 10:04');
  });

  it("shows a terminal's own local time as the terminal sent it", () => {
    const card: CardBlock = {
      provider: 'iotpay-pax',
      method: 'card',
      transactionTime: '2026-12-06 10:04:57',
      language: 'fr',
    };
    expect(cardBlockRows(card, { timeZone: 'Europe/Paris' }).rows).toContainEqual({
      label: 'Heure',
      value: '2026-12-06 10:04:57',
    });
  });
});
