import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../../../src-main/sales/report-csv';
import { fullReport } from '../../shared/report-fixture';

/** Parses the CSV (quoted cells, "" escapes, CRLF) into rows keyed by header. */
function parse(csv: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const find = (rows: Record<string, string>[], section: string, what: string, kind?: string) =>
  rows.find((r) => r.section === section && r.what === what && (kind === undefined || r.kind === kind));

describe('reportCsv', () => {
  it('writes amounts as decimal currency: two decimals for EUR, none for JPY, no symbol or separator', () => {
    const eur = parse(reportCsv(fullReport(), { timeZone: 'Europe/Paris' }));
    expect(find(eur, 'sales', 'gross')?.amount).toBe('1234.56');
    expect(find(eur, 'sales', 'net (before tax, after refunds)')?.amount).toBe('1004.56');
    expect(find(eur, 'tender', 'Visa', 'taken')).toMatchObject({ count: '22', amount: '789.53' });
    expect(find(eur, 'cash', 'float')?.amount).toBe('100.00');

    const jpy = parse(reportCsv(fullReport({ currency: 'JPY' }), { timeZone: 'Asia/Tokyo' }));
    expect(find(jpy, 'sales', 'gross')?.amount).toBe('123456');
    expect(find(jpy, 'cash', 'variance')?.amount).toBe('-50');
    expect(find(jpy, 'refund', 'refund 3 of sale 1040')).toMatchObject({ amount: '1600', tip: '200' });
  });

  it('writes negative amounts as numbers, without the text guard', () => {
    const csv = reportCsv(fullReport(), { timeZone: 'Europe/Paris' });
    expect(csv).toContain('\r\ncash,,,variance,,,-0.50,');
    expect(csv).toContain('\r\nsales,,,cash rounding,,,-0.03,');
    expect(csv).not.toContain("'-0.");
  });

  it('guards text cells that a spreadsheet would run as a formula', () => {
    const report = fullReport();
    report.noSales[0].reason = '+cmd|calc';
    report.cashMoves[0].reason = '-2+3';
    report.overrides[0].product = '@SUM(A1)';
    const rows = parse(reportCsv(report, { timeZone: 'Europe/Paris' }));
    expect(find(rows, 'refund', 'refund 4 of sale 1041')?.detail).toBe('\'=HYPERLINK("http://evil")');
    expect(find(rows, 'no-sale', 'drawer opened')?.detail).toBe("'+cmd|calc");
    expect(find(rows, 'cash move', 'paid in')?.detail).toBe("'-2+3");
    expect(find(rows, 'price override', "'@SUM(A1)")?.amount).toBe('5.99');
  });

  it("writes times in the store's zone with their UTC offset, and names the zone first", () => {
    const paris = parse(reportCsv(fullReport(), { timeZone: 'Europe/Paris' }));
    expect(paris[0]).toMatchObject({ section: 'report', what: 'time zone', detail: 'Europe/Paris' });
    expect(find(paris, 'report', 'Z 7')).toMatchObject({ when: '2026-12-06 14:05:09', 'utc offset': 'UTC+01:00' });
    expect(find(paris, 'refund', 'refund 3 of sale 1040')).toMatchObject({
      when: '2026-12-06 11:15:30',
      'utc offset': 'UTC+01:00',
    });

    const toronto = parse(reportCsv(fullReport(), { timeZone: 'America/Toronto' }));
    expect(toronto[0].detail).toBe('America/Toronto');
    expect(find(toronto, 'report', 'Z 7')).toMatchObject({ when: '2026-12-06 08:05:09', 'utc offset': 'UTC-05:00' });
    expect(find(toronto, 'shift', 'shift 12 opened')).toMatchObject({
      when: '2026-12-06 02:00:00',
      amount: '100.00',
      user: 'Ann',
    });
    expect(find(toronto, 'late approval', 'iotpay-pax sale 1043')).toMatchObject({
      when: '2026-12-06 07:00:00',
      status: 'reversed',
    });
  });

  it('writes no UTC timestamp anywhere', () => {
    for (const timeZone of ['Europe/Paris', 'America/Toronto', undefined]) {
      const csv = reportCsv(fullReport(), { timeZone });
      expect(csv).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
      expect(csv).not.toMatch(/\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
    }
  });

  it('has every section and every new field of a report with all of them filled', () => {
    const rows = parse(reportCsv(fullReport(), { timeZone: 'Europe/Paris' }));
    const sections = new Set(rows.map((r) => r.section));
    for (const section of [
      'report',
      'shift',
      'sales',
      'tax',
      'tender',
      'cash',
      'cash move',
      'refund',
      'late approval',
      'provider',
      'void',
      'no-sale',
      'price override',
      'discounts',
      'unresolved',
    ]) {
      expect(sections).toContain(section);
    }
    const sales = Object.fromEntries(
      rows.filter((r) => r.section === 'sales').map((r) => [r.what, r.amount || r.count]),
    );
    expect(sales).toEqual({
      sales: '42',
      gross: '1234.56',
      discounts: '10.00',
      tax: '200.00',
      refunds: '24.00',
      'refunded tax': '4.00',
      'net (before tax, after refunds)': '1004.56',
      tips: '15.00',
      'tips refunded': '2.00',
      'cash back': '40.00',
      'cash rounding': '-0.03',
    });
    const visa = Object.fromEntries(
      rows.filter((r) => r.section === 'tender' && r.what === 'Visa').map((r) => [r.kind, r.amount]),
    );
    expect(visa).toEqual({
      taken: '789.53',
      'of which tips': '15.00',
      'of which cash back': '40.00',
      refunded: '16.00',
      net: '773.53',
    });
    const cash = Object.fromEntries(rows.filter((r) => r.section === 'cash').map((r) => [r.what, r.amount]));
    expect(cash).toEqual({
      float: '100.00',
      sales: '500.00',
      'cash back': '40.00',
      refunds: '10.00',
      'paid in': '5.00',
      'paid out': '20.00',
      expected: '535.00',
      counted: '534.50',
      variance: '-0.50',
    });
    expect(find(rows, 'refund', 'refund 3 of sale 1040')).toMatchObject({
      kind: 'refund',
      amount: '16.00',
      tip: '2.00',
      user: 'Ann',
      'approved by': 'Morgan',
      status: 'completed',
      detail: '1 × Bread; damaged',
    });
    expect(find(rows, 'refund', 'refund 4 of sale 1041')).toMatchObject({ kind: 'outside', status: 'pending' });
    expect(find(rows, 'late approval', 'codepay sale 1044')).toMatchObject({
      amount: '12.00',
      status: 'accepted',
      detail: 'att-late-2',
    });
    const provider = Object.fromEntries(
      rows.filter((r) => r.section === 'provider').map((r) => [r.kind, [r.count, r.amount]]),
    );
    expect(provider).toEqual({
      confirmed: ['24', '826.53'],
      'as tenders': ['22', '789.53'],
      'late approvals': ['2', '37.00'],
      'given back': ['', '41.00'],
      net: ['', '785.53'],
    });
    expect(find(rows, 'unresolved', 'iotpay-wallet sale 1045')).toMatchObject({ amount: '8.00', status: 'unknown' });
    expect(find(rows, 'discounts', 'discounts given')).toMatchObject({ count: '3', amount: '10.00' });
  });

  it('keeps who did it next to who approved it', () => {
    expect(reportCsv(fullReport(), { timeZone: 'Europe/Paris' })).toContain(',Ann,Morgan,');
  });
});
