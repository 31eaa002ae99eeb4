/**
 * The simulators demo/training mode runs in-process, so `npm start` works with no
 * credentials, and the "virtual terminal" through which the trainee plays the customer
 * (tap and approve, decline, walk away). Each payment provider module brings its own
 * simulator; this file adds the receipt printer and the scanner, and never names a provider.
 */
import { PosError } from '../../src-shared/errors';
import type { Logger } from '../logger';
import { PROVIDER_MODULES } from '../payments/provider-list';
import type {
  AnyProviderModule,
  DemoProvider,
  DemoProviders,
  VirtualTerminalAction,
  WaitingPayment,
} from '../payments/provider-module';
import { startPrinterSink, type PrinterSink } from './printer-sink';
import { createDemoScanner, type DemoScanner } from './scanner-feed';

export type { VirtualTerminalAction, WaitingPayment };

export interface DemoServices extends DemoProviders {
  /** The virtual receipt printer (ESC/POS over TCP) and a HID scanner fed from the virtual scanner panel. */
  printer: PrinterSink;
  scanner: DemoScanner;
  /** Sales the virtual terminals are showing to the (pretend) customer. */
  waiting(): WaitingPayment[];
  act(provider: string, key: string, action: VirtualTerminalAction): void;
  /** The demo terminal of a module (by key) asks the till's pairing server at `pairingUrl` to pair. */
  pairWith(moduleKey: string, pairingUrl: string): Promise<unknown>;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export async function startDemoServices(deps: {
  log: Logger;
  currency: string;
  /** Whose simulators run (default: the build's modules). */
  modules?: readonly AnyProviderModule[];
}): Promise<DemoServices> {
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const simulators = new Map<string, DemoProvider<unknown>>();
  for (const module of deps.modules ?? PROVIDER_MODULES) {
    if (module.demo)
      simulators.set(module.key, await module.demo.start({ log: deps.log, currency: deps.currency, notify }));
  }
  const printer = await startPrinterSink();
  const scanner = createDemoScanner('honeywell');
  return {
    printer,
    scanner,
    forModule: (key) => simulators.get(key),
    waiting: () => [...simulators.values()].flatMap((sim) => sim.waiting()),
    act(provider, key, action) {
      const done = [...simulators.values()].some((sim) => sim.act(provider, key, action));
      if (!done) throw new PosError('NOT_FOUND', 'That payment is no longer waiting on the virtual terminal.');
    },
    async pairWith(moduleKey, pairingUrl) {
      const sim = simulators.get(moduleKey);
      if (!sim?.pairWith) throw new PosError('NOT_FOUND', 'No demo terminal pairs with this till.');
      return sim.pairWith(pairingUrl);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await Promise.all([...[...simulators.values()].map((sim) => sim.close()), printer.close()]);
    },
  };
}
