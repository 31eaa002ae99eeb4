/**
 * RFC 4180 CSV as spreadsheets write it: quoted fields with doubled quotes and embedded
 * line breaks, CRLF or LF, a UTF-8 byte-order mark. The delimiter is read from the
 * header line: comma, or semicolon / tab when the header has those and no comma
 * (European Excel exports use semicolons).
 */

export interface CsvRecord {
  /** 1-based record number, the row number a spreadsheet shows (the header is row 1). */
  row: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly row: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes(';')) return ';';
  if (firstLine.includes('\t')) return '\t';
  return ',';
}

/** Parses the whole text; blank lines are skipped (they still count as rows). */
export function parseCsv(input: string, delimiter = detectDelimiter(input.replace(/^\uFEFF/, ''))): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ row, fields });
    fields = [];
    field = '';
    row += 1;
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      // Quoted field: runs to the closing quote, "" is a literal quote.
      const startRow = row;
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) throw new CsvSyntaxError(startRow, `Row ${startRow}: a quoted field is never closed.`);
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') { field += '"'; i += 1; continue; }
        break;
      }
      const next = text[i];
      if (i < text.length && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(startRow, `Row ${startRow}: unexpected text after a closing quote.`);
      }
      continue;
    }
    if (ch === delimiter) { fields.push(field); field = ''; i += 1; continue; }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    // Plain run up to the next special character.
    let end = i + 1;
    while (end < text.length && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end += 1;
    field += text.slice(i, end);
    i = end;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
