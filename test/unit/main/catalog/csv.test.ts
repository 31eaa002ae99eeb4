import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, estimateDataRows, parseCsv, readCsv } from '../../../../src-main/catalog/csv';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes and line breaks inside quotes', () => {
    const records = parseCsv('sku,name\r\nA1,"Soap, ""lavender"""\r\nA2,"two\nlines"\r\n');
    expect(records).toEqual([
      { row: 1, fields: ['sku', 'name'] },
      { row: 2, fields: ['A1', 'Soap, "lavender"'] },
      { row: 3, fields: ['A2', 'two\nlines'] },
    ]);
  });

  it('strips a byte-order mark, skips blank lines but keeps spreadsheet row numbers', () => {
    expect(parseCsv('\uFEFFsku\n\nA1\n')).toEqual([
      { row: 1, fields: ['sku'] },
      { row: 3, fields: ['A1'] },
    ]);
  });

  it('reads semicolon and tab files from their header', () => {
    expect(parseCsv('sku;price\nA;1,50\n')[1].fields).toEqual(['A', '1,50']);
    expect(parseCsv('sku\tprice\nA\t1.50')[1].fields).toEqual(['A', '1.50']);
  });

  it('keeps empty trailing fields and a last line without newline', () => {
    expect(parseCsv('a,b,c\n1,,')[1].fields).toEqual(['1', '', '']);
  });

  it('reports an unclosed quote with its row', () => {
    expect(() => parseCsv('sku,name\nA,"open\n')).toThrow(CsvSyntaxError);
    try {
      parseCsv('sku,name\nA,"open\n');
    } catch (error) {
      expect((error as CsvSyntaxError).row).toBe(2);
    }
  });

  it('refuses text after a closing quote', () => {
    expect(() => parseCsv('a\n"x"y\n')).toThrow(/after a closing quote/);
  });

  it('keeps a stray quote inside an unquoted field as text', () => {
    expect(parseCsv('a,b\n12" pizza,x\n')[1].fields).toEqual(['12" pizza', 'x']);
  });

  it('yields the records before a syntax error', () => {
    const records = readCsv('sku\nA\nB\n"C\n');
    expect(records.next().value).toMatchObject({ row: 1 });
    expect(records.next().value).toMatchObject({ row: 2, fields: ['A'] });
    expect(records.next().value).toMatchObject({ row: 3, fields: ['B'] });
    expect(() => records.next()).toThrow(/Row 4/);
  });

  it('handles empty input and a lone byte-order mark', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});

describe('estimateDataRows', () => {
  it('counts the lines after the header', () => {
    expect(estimateDataRows('h\na\nb')).toBe(2);
    expect(estimateDataRows('h\na\nb\n')).toBe(2);
    expect(estimateDataRows('h')).toBe(0);
    expect(estimateDataRows('')).toBe(0);
  });
});
