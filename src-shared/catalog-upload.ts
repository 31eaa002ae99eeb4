/**
 * How a catalogue CSV crosses the boundary: the headless host refuses WebSocket frames of
 * more than a few MiB (issue 12), so a file larger than one chunk is sent as numbered
 * `pos:catalog.importChunk` calls, then imported with `pos:catalog.import` {uploadId}.
 * A file of at most one chunk goes in one `pos:catalog.import` {csv} call.
 */

/** Characters per chunk. JSON can escape one UTF-16 unit to 6 bytes (`\u0000`): ≤ 3 MiB on the wire. */
export const CSV_CHUNK_CHARS = 512 * 1024;

/** Largest CSV a store may import, in characters. */
export const CSV_UPLOAD_MAX_CHARS = 64 * 1024 * 1024;

/** Enough chunk numbers for the largest CSV, with room for chunks shortened by splitCsvForUpload. */
export const CSV_UPLOAD_MAX_CHUNKS = 256;

/**
 * Splits a CSV into chunks of at most `chunkChars` characters without cutting a surrogate
 * pair in two (each chunk stays well-formed text); joined again they give back `csv`.
 */
export function splitCsvForUpload(csv: string, chunkChars = CSV_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < csv.length) {
    let end = Math.min(start + chunkChars, csv.length);
    const last = csv.charCodeAt(end - 1);
    // A high surrogate as the last unit: its pair starts the next chunk with it.
    if (end < csv.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end -= 1;
    chunks.push(csv.slice(start, end));
    start = end;
  }
  return chunks;
}

/** Largest catalogue file `pos:catalog.importFile` reads (bytes): a 1M-product CSV is about 80 MB. */
export const CATALOG_FILE_MAX_BYTES = 256 * 1024 * 1024;
