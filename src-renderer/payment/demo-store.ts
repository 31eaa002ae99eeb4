/**
 * Demo / training mode only: the virtual terminal (payments a simulated terminal or
 * gateway is showing the pretend customer) and the virtual scanner. The trainee plays the
 * customer; main's simulators do the rest, exactly as real devices would.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput, ChannelOutput } from '../../src-shared/contract';
import type { PosClient } from '../api/client';
import { latest } from '../common/latest';
import { showFailure } from '../common/shown-error';

export type WaitingPayment = ChannelOutput<'pos:demo.terminal'>[number];
export type TerminalAction = ChannelInput<'pos:demo.act'>['action'];

export interface DemoState {
  /** False until the first read; the panel says "checking" meanwhile. */
  loaded: boolean;
  waiting: WaitingPayment[];
  /** "provider:key" of the payment an action was just sent for. */
  acting: string | null;
  scanning: boolean;
  error: string | null;
  load(): Promise<void>;
  act(payment: Pick<WaitingPayment, 'provider' | 'key'>, action: TerminalAction): Promise<boolean>;
  /** Sends a code through the simulated HID-POS scanner; the result arrives as `pos:scan.received`. */
  scan(code: string): Promise<boolean>;
  clearError(): void;
}

export type DemoStore = StoreApi<DemoState>;

export const waitingKey = (payment: Pick<WaitingPayment, 'provider' | 'key'>): string =>
  `${payment.provider}:${payment.key}`;

export function createDemoStore(client: PosClient): DemoStore {
  // A slower, older list must not replace a newer one.
  const lists = latest();
  const store = createStore<DemoState>()((set, get) => {
    function failed(error: unknown): false {
      showFailure(set, error);
      return false;
    }

    return {
      loaded: false,
      waiting: [],
      acting: null,
      scanning: false,
      error: null,

      load: () =>
        lists(
          () => client.invoke('pos:demo.terminal', {}),
          (waiting) => set({ waiting, loaded: true }),
          failed,
        ),

      async act(payment, action) {
        set({ acting: waitingKey(payment), error: null });
        try {
          await client.invoke('pos:demo.act', { provider: payment.provider, key: payment.key, action });
          return true;
        } catch (error) {
          return failed(error);
        } finally {
          set({ acting: null });
          // The simulator usually says so itself (pos:demo.changed); read anyway in case it did not.
          void get().load();
        }
      },

      async scan(code) {
        const trimmed = code.trim();
        if (!trimmed) {
          set({ error: 'Type a code to scan.' });
          return false;
        }
        set({ scanning: true, error: null });
        try {
          await client.invoke('pos:demo.scan', { code: trimmed });
          return true;
        } catch (error) {
          return failed(error);
        } finally {
          set({ scanning: false });
        }
      },

      clearError: () => set({ error: null }),
    };
  });

  client.on('pos:demo.changed', () => void store.getState().load());

  return store;
}
