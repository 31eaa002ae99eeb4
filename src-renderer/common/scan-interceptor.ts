/**
 * While a manager-approval prompt is open, a scan is the manager's badge, not an item:
 * the prompt takes the next scan instead of the cart. One prompt at a time.
 */
type Interceptor = (code: string) => void;

let current: Interceptor | null = null;

/** Claims the next scans; returns the release function. */
export function interceptScans(handler: Interceptor): () => void {
  current = handler;
  return () => {
    if (current === handler) current = null;
  };
}

/** Gives a scan to the open prompt, if any; true when it was taken. */
export function offerScan(code: string): boolean {
  if (!current) return false;
  current(code);
  return true;
}
