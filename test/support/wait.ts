/** Waits until `check` holds, polling every few milliseconds on the monotonic clock; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what = 'the condition', timeoutMs = 15_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
