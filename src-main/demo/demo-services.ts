/**
 * The simulators demo/training mode runs in-process, so `npm start` works with no
 * credentials, and the "virtual terminal" through which the trainee plays the customer
 * (tap and approve, decline, walk away).
 */
import { PosError } from '../../src-shared/errors';
import type { Logger } from '../logger';
import { startCodepayTerminalSimulator, type CodepayTerminalSimulator } from './codepay-terminal-simulator';
import { startIotpaySimulator, type IotpaySimulator } from './iotpay-simulator';
import { startPrinterSink, type PrinterSink } from './printer-sink';
import { createDemoScanner, type DemoScanner } from './scanner-feed';
import { startYabandpaySimulator, type YabandpaySimulator } from './yabandpay-simulator';

export const DEMO_IOTPAY = { mchId: '10000576', loginName: 'demo', key: 'demo-merchant-key', device: 'DEMO-PAX' };
export const DEMO_CODEPAY = { appId: 'demo-ecr-app', terminal: 'Lane 1' };
export const DEMO_YABANDPAY = { user: 'T125119061', secretKey: 'demo-yabandpay-secret', notifyUrl: 'https://demo.invalid/notify' };

export type VirtualTerminalAction = 'approve' | 'approve-with-tip' | 'decline' | 'walk-away';

export interface WaitingPayment {
  provider: string;
  /** The simulator's key for the sale (mchOrderNo / trade_id). */
  key: string;
  amount: number;
  currency: string;
}

export interface DemoServices {
  iotpay: IotpaySimulator;
  yabandpay: YabandpaySimulator;
  codepay: CodepayTerminalSimulator;
  /** The virtual receipt printer (ESC/POS over TCP) and a HID scanner fed from the virtual scanner panel. */
  printer: PrinterSink;
  scanner: DemoScanner;
  /** Sales the virtual terminals are showing to the (pretend) customer. */
  waiting(): WaitingPayment[];
  act(provider: string, key: string, action: VirtualTerminalAction): void;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export async function startDemoServices(deps: { log: Logger; currency: string }): Promise<DemoServices> {
  const listeners = new Set<() => void>();
  const notify = () => { for (const listener of listeners) listener(); };
  const iotpay = await startIotpaySimulator({ interactive: true, mchId: DEMO_IOTPAY.mchId, key: DEMO_IOTPAY.key });
  const yabandpay = await startYabandpaySimulator({ secretKey: DEMO_YABANDPAY.secretKey, outcome: 'interactive' });
  const printer = await startPrinterSink();
  const scanner = createDemoScanner('honeywell');
  const codepay = await startCodepayTerminalSimulator({ interactive: true, appId: DEMO_CODEPAY.appId, currency: deps.currency, onEvent: notify });
  const unsubscribe = [iotpay.onChange(notify), yabandpay.onChange(notify)];
  return {
    iotpay,
    yabandpay,
    codepay,
    printer,
    scanner,
    waiting: () => [
      ...codepay.pending().map((o) => ({ provider: 'codepay', key: o.merchantOrderNo, amount: o.amount + o.tip, currency: o.currency })),
      ...iotpay.pendingCardSales().map((s) => ({ provider: 'iotpay-pax', key: s.mchOrderNo, amount: s.amount, currency: s.currency })),
      ...yabandpay.waitingOrders().filter((o) => o.outcome === 'interactive').map((o) => ({ provider: 'yabandpay', key: o.tradeId, amount: o.amount + o.tip, currency: o.currency })),
    ],
    act(provider, key, action) {
      const simple = action === 'approve-with-tip' ? 'approve' : action;
      const done = provider === 'iotpay-pax' ? iotpay.act(key, simple === 'approve' ? 'tap-approve' : simple)
        : provider === 'yabandpay' ? yabandpay.act(key, simple)
          : provider === 'codepay' ? codepay.act(key, action === 'walk-away' ? 'cancel' : action)
            : false;
      if (!done) throw new PosError('NOT_FOUND', 'That payment is no longer waiting on the virtual terminal.');
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      for (const off of unsubscribe) off();
      await Promise.all([iotpay.close(), yabandpay.close(), codepay.close(), printer.close()]);
    },
  };
}
