/**
 * The one log every part of main writes to. The shells choose where it goes (stderr by
 * default); nothing here may log a card number or a key (callers mask first).
 */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.error(`[countertop] ${message}`),
  error: (message, error) =>
    console.error(`[countertop] ${message}`, error instanceof Error ? (error.stack ?? error.message) : (error ?? '')),
};
