/**
 * Collects a catalogue CSV sent in chunks (`pos:catalog.importChunk`, see
 * src-shared/catalog-upload.ts) until `pos:catalog.import` {uploadId} takes it. One upload
 * at a time, bounded in size, forgotten after a few idle minutes so a manager who walks
 * away does not leave 64 MiB in memory. A file on the till's own disk is better imported by
 * its path (`pos:catalog.importFile`); both end in the same worker (import-runner.ts).
 */
import { CSV_UPLOAD_MAX_CHARS } from '../../src-shared/catalog-upload';
import { PosError } from '../../src-shared/errors';

export interface ImportUploads {
  /**
   * Adds chunk `index` of `uploadId` and answers the characters received so far. Index 0
   * starts the upload and drops any other; every later chunk must follow the one before.
   */
  append(uploadId: string, index: number, text: string): number;
  /** The whole CSV of `uploadId`, forgotten here as it is handed over. */
  take(uploadId: string): string;
  /** Drops any upload in progress and its idle timer. */
  dispose(): void;
}

export interface ImportUploadOptions {
  maxChars?: number;
  /** An upload that receives nothing for this long is dropped. */
  idleMs?: number;
}

const NOT_FOUND = 'The catalogue upload was not found: it was replaced or took too long. Start the import again.';

export function createImportUploads(options: ImportUploadOptions = {}): ImportUploads {
  const maxChars = options.maxChars ?? CSV_UPLOAD_MAX_CHARS;
  const idleMs = options.idleMs ?? 5 * 60_000;
  let current: { id: string; chunks: string[]; chars: number; timer: ReturnType<typeof setTimeout> } | null = null;

  const drop = () => {
    if (current) clearTimeout(current.timer);
    current = null;
  };
  const idleTimer = () => {
    const timer = setTimeout(drop, idleMs);
    timer.unref?.();
    return timer;
  };

  return {
    append(uploadId, index, text) {
      if (index === 0) {
        drop();
        current = { id: uploadId, chunks: [], chars: 0, timer: idleTimer() };
      }
      if (!current || current.id !== uploadId) throw new PosError('NOT_FOUND', NOT_FOUND, 'uploadId');
      if (index !== current.chunks.length) {
        drop();
        throw new PosError('CONFLICT', 'A piece of the catalogue file went missing. Start the import again.', 'index');
      }
      if (current.chars + text.length > maxChars) {
        drop();
        throw new PosError(
          'INVALID_PAYLOAD',
          `The catalogue file is too large: at most ${Math.floor(maxChars / (1024 * 1024))} MB can be imported at once.`,
          'text',
        );
      }
      current.chunks.push(text);
      current.chars += text.length;
      clearTimeout(current.timer);
      current.timer = idleTimer();
      return current.chars;
    },

    take(uploadId) {
      if (!current || current.id !== uploadId) throw new PosError('NOT_FOUND', NOT_FOUND, 'uploadId');
      const csv = current.chunks.join('');
      drop();
      return csv;
    },

    dispose: drop,
  };
}
