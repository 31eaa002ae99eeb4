/** The simulators demo/training mode runs in-process, so `npm start` works with no credentials. */
import type { Logger } from '../core';

export interface DemoServices {
  close(): Promise<void>;
}

export async function startDemoServices(_deps: { log: Logger }): Promise<DemoServices> {
  return { close: async () => undefined };
}
