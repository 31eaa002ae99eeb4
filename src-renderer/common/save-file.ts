/**
 * Saves text the page holds as a file through the browser's own download (a Blob and an
 * <a download>): no Node, and the same in Electron and in any Chromium.
 */
export function saveTextFile(doc: Document, filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
