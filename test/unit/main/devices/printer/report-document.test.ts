import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../../../../src-main/devices/printer/escpos';
import { decodeEscPos } from '../../../../../src-main/devices/printer/escpos-text-decoder';
import { reportDocument } from '../../../../../src-main/devices/printer/report-document';
import { TOTALS_RECOMPUTED, type Report } from '../../../../../src-shared/report';
import { fullReport } from '../../../shared/report-fixture';

function printed(report: Report, cpl: 32 | 42 | 48 = 42, timeZone = 'Europe/Paris'): { lines: string[]; text: string } {
  return decodeEscPos(renderEscPos(reportDocument(report, 'en-CA', { timeZone }), { cpl, encoding: 'cp858' }));
}

describe('reportDocument', () => {
  it("prints the sections in a bookkeeper's order", () => {
    const { lines } = printed(fullReport());
    const titles = [
      'Sales (42)',
      'Tips (not sales)',
      'Tenders',
      'Cash',
      'Cash in / out',
      'Refunds',
      'Late approvals',
      'Providers',
      'Voids',
      'No sales',
      'Price overrides',
      'Unresolved payments (carried forward)',
    ];
    const at = titles.map((t) => lines.findIndex((l) => l.trim() === t));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('prints sales from gross down to net before tax, after refunds', () => {
    const { lines } = printed(fullReport());
    const value = (label: string) =>
      lines
        .find((l) => l.startsWith(label))
        ?.slice(label.length)
        .trim();
    expect(value('Gross')).toBe('€1,234.56');
    expect(value('Discounts (3)')).toBe('-€10.00');
    expect(value('Tax ')).toBe('-€200.00');
    expect(value('  of which VAT 20%')).toBe('€200.00');
    expect(value('Refunds ')).toBe('-€24.00');
    expect(value('Tax refunded')).toBe('€4.00');
    expect(value('Net before tax')).toBe('€1,004.56');
    expect(value('Tips taken')).toBe('€15.00');
    expect(value('Tips refunded')).toBe('-€2.00');
  });

  it('prints tenders with tips, cash back, refunded and net, and the cash drawer with cash back', () => {
    const { lines } = printed(fullReport());
    const visa = lines.findIndex((l) => l.startsWith('Visa (22)'));
    expect(lines[visa]).toMatch(/€789\.53$/);
    expect(lines.slice(visa + 1, visa + 5)).toEqual([
      expect.stringMatching(/^ {2}of which tips\s+€15\.00$/),
      expect.stringMatching(/^ {2}of which cash back\s+€40\.00$/),
      expect.stringMatching(/^ {2}refunded\s+-€16\.00$/),
      expect.stringMatching(/^ {2}net\s+€773\.53$/),
    ]);
    expect(lines.find((l) => l.startsWith('Cash back '))).toMatch(/-€40\.00$/);
    expect(lines.find((l) => l.startsWith('Expected cash'))).toMatch(/€535\.00$/);
    expect(lines.find((l) => l.startsWith('Variance'))).toMatch(/-€0\.50$/);
  });

  it('prints refunds with kind and status, late approvals with status, and providers', () => {
    const { lines, text } = printed(fullReport());
    expect(lines.find((l) => l.startsWith('#3 of sale 1040'))).toMatch(/-€16\.00$/);
    expect(text).toContain('  refund, completed, 2026-12-06 11:15');
    expect(text).toContain('  outside, pending, 2026-12-06 12:00');
    expect(lines.find((l) => l.startsWith('Sale 1043 iotpay-pax'))).toMatch(/€25\.00$/);
    expect(text).toContain('  reversed, 2026-12-06 13:00');
    expect(text).toContain('  accepted, 2026-12-06 13:30');
    const visa = lines.findIndex((l) => l.startsWith('Visa confirmed (24)'));
    expect(lines[visa]).toMatch(/€826\.53$/);
    expect(lines.slice(visa + 1, visa + 5)).toEqual([
      expect.stringMatching(/^ {2}as tenders \(22\)\s+€789\.53$/),
      expect.stringMatching(/^ {2}late approvals \(2\)\s+€37\.00$/),
      expect.stringMatching(/^ {2}given back\s+-€41\.00$/),
      expect.stringMatching(/^ {2}net\s+€785\.53$/),
    ]);
  });

  it('says so at the top when the running totals disagreed and the figures were recomputed, and only then', () => {
    // The printer wraps the sentence across lines: compare without the spacing.
    const said = (report: Report) => printed(report, 48).text.replace(/\s+/g, '');
    const sentence = TOTALS_RECOMPUTED.replace(/\s+/g, '');
    expect(said({ ...fullReport(), totalsRecomputed: true })).toContain(sentence);
    expect(said(fullReport())).not.toContain(sentence);
  });

  it('prints every time in the store zone, and names the zone', () => {
    const paris = printed(fullReport()).text;
    expect(paris).toMatch(/Shift opened\s+2026-12-06 08:00 Ann/);
    expect(paris).toMatch(/Printed\s+2026-12-06 14:05/);
    expect(paris).toMatch(/Times in\s+Europe\/Paris/);
    const toronto = printed(fullReport(), 42, 'America/Toronto').text;
    expect(toronto).toMatch(/Shift opened\s+2026-12-06 02:00 Ann/);
    expect(toronto).toContain('  refund, completed, 2026-12-06 05:15');
    expect(`${paris}${toronto}`).not.toMatch(/\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
  });

  it('leaves out sections with nothing in them and fits 32 columns', () => {
    const { lines } = printed(
      fullReport({
        refunds: [],
        lateApprovals: [],
        providers: [],
        voids: [],
        noSales: [],
        overrides: [],
        unresolved: [],
        cashMoves: [],
      }),
      32,
    );
    expect(lines.some((l) => l.trim() === 'Late approvals')).toBe(false);
    expect(lines.some((l) => l.trim() === 'Providers')).toBe(false);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32);
  });
});
