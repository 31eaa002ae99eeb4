import { afterEach, describe, expect, it } from 'vitest';
import { createImportUploads, type ImportUploads } from '../../../../src-main/catalog/import-upload';
import { CSV_CHUNK_CHARS, splitCsvForUpload } from '../../../../src-shared/catalog-upload';

describe('splitting a CSV for upload', () => {
  it('gives chunks of at most the chunk size that join back to the file', () => {
    const csv = 'sku,name,price\n' + Array.from({ length: 40_000 }, (_, i) => `S${i},Item ${i},1.00`).join('\n');
    const chunks = splitCsvForUpload(csv);
    expect(chunks.length).toBe(Math.ceil(csv.length / CSV_CHUNK_CHARS));
    expect(chunks.every((chunk) => chunk.length > 0 && chunk.length <= CSV_CHUNK_CHARS)).toBe(true);
    expect(chunks.join('')).toBe(csv);
    expect(splitCsvForUpload('')).toEqual([]);
  });

  it('never cuts a surrogate pair in two', () => {
    const csv = 'ab\u{1F34E}c\u{1F34E}\u{1F34E}d';
    const chunks = splitCsvForUpload(csv, 3);
    expect(chunks.join('')).toBe(csv);
    // No chunk ends in a high surrogate or starts with a low one.
    for (const chunk of chunks) expect(chunk, JSON.stringify(chunk)).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    expect(chunks).toEqual(['ab', '\u{1F34E}c', '\u{1F34E}', '\u{1F34E}d']);
  });
});

describe('collecting an upload', () => {
  let uploads: ImportUploads;
  afterEach(() => uploads.dispose());

  it('hands over the chunks in order, once', () => {
    uploads = createImportUploads();
    expect(uploads.append('upload-1', 0, 'sku,')).toBe(4);
    expect(uploads.append('upload-1', 1, 'price\n')).toBe(10);
    expect(uploads.take('upload-1')).toBe('sku,price\n');
    expect(() => uploads.take('upload-1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('keeps one upload at a time: a new first chunk drops the other', () => {
    uploads = createImportUploads();
    uploads.append('upload-1', 0, 'a');
    uploads.append('upload-2', 0, 'b');
    expect(() => uploads.append('upload-1', 1, 'c')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(uploads.take('upload-2')).toBe('b');
  });

  it('drops an upload that skips or repeats a chunk', () => {
    uploads = createImportUploads();
    uploads.append('upload-1', 0, 'a');
    expect(() => uploads.append('upload-1', 2, 'c')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => uploads.take('upload-1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses and drops an upload over the size limit', () => {
    uploads = createImportUploads({ maxChars: 5 });
    uploads.append('upload-1', 0, 'abc');
    expect(() => uploads.append('upload-1', 1, 'def')).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD', field: 'text' }),
    );
    expect(() => uploads.take('upload-1')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('forgets an upload left idle', async () => {
    uploads = createImportUploads({ idleMs: 30 });
    uploads.append('upload-1', 0, 'a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    uploads.append('upload-1', 1, 'b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uploads.take('upload-1')).toBe('ab');
    uploads.append('upload-2', 0, 'c');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(() => uploads.take('upload-2')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
