/** Transport over the Electron preload bridge (`window.countertop`). */
import type { CountertopBridge } from '../../src-shared/bridge';
import type { Reply } from '../../src-shared/errors';
import type { Transport } from './transport';

type Invoker = (payload: unknown) => Promise<Reply<unknown>>;
type Subscriber = (listener: (payload: unknown) => void) => () => void;

export function createBridgeTransport(bridge: CountertopBridge): Transport {
  return {
    invoke(channel, payload) {
      const invoke = bridge.invoke[channel] as Invoker | undefined;
      if (typeof invoke !== 'function') {
        return Promise.resolve({
          ok: false,
          error: { code: 'UNKNOWN_CHANNEL', message: `This app version has no ${channel}.` },
        });
      }
      return invoke(payload);
    },
    subscribe(event, listener) {
      const subscribe = bridge.on[event] as Subscriber | undefined;
      return typeof subscribe === 'function' ? subscribe(listener) : () => {};
    },
    // IPC has no connection to lose.
    onStatus: () => () => {},
  };
}
