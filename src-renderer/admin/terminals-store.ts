/**
 * CodePay terminals on the LAN (`pos:terminals.*`, then `pos:terminals.changed`): each
 * with its status and when it was last seen, and the terminals waiting on their pairing
 * screen for a manager to accept (under a name) or reject. A manager may also add a
 * terminal by its address or remove one. In demo mode the simulated terminal can be
 * asked to pair. Every change of the list tells `changed`, as the tenders follow it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TerminalsView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { latest } from '../common/latest';
import { showFailure } from '../common/shown-error';

export interface TerminalsState {
  view: TerminalsView | null;
  /** Which action is running ('decide:<id>', 'add', 'remove:<name>', 'pair'), if any. */
  busy: string | null;
  error: string | null;
  notice: string | null;
  load(): Promise<void>;
  /** Manager: accept a waiting terminal under a name, or reject it. Resolves with null when done, else the sentence. */
  decide(requestId: string, accept: boolean, name?: string): Promise<string | null>;
  /** decide(…, false) with a failure shown as the panel's error. */
  reject(requestId: string): Promise<boolean>;
  add(name: string, url: string): Promise<string | null>;
  remove(name: string): Promise<boolean>;
  /** Demo: the simulated terminal asks to pair, as a real one does from its screen. */
  demoPair(): Promise<boolean>;
}

export type TerminalsStore = StoreApi<TerminalsState>;

export function createTerminalsStore(
  client: PosClient,
  hooks: { changed(view: TerminalsView): void } = { changed: () => {} },
): TerminalsStore {
  /** Every answer carrying the list: reads, and the replies of changes. */
  const views = latest();

  const store = createStore<TerminalsState>()((set, get) => {
    /**
     * Runs one call under a busy tag; resolves with null when done, else main's sentence.
     * Main tells `pos:terminals.changed` while it works (a pairing decided), which can
     * reach us before the reply: a reply older than an event is not shown over it.
     */
    async function act(tag: string, call: () => Promise<TerminalsView | null>, notice: string): Promise<string | null> {
      set({ busy: tag, error: null, notice: null });
      try {
        // No failure handler: a refused change is said whatever came meanwhile.
        await views(call, (view) => {
          if (!view) return;
          set({ view });
          hooks.changed(view);
        });
        set({ notice });
        return null;
      } catch (error) {
        return toClientError(error).message;
      } finally {
        set({ busy: null });
      }
    }

    function shown(failure: string | null): boolean {
      if (failure) set({ error: failure });
      return failure === null;
    }

    return {
      view: null,
      busy: null,
      error: null,
      notice: null,

      load: () =>
        views(
          () => client.invoke('pos:terminals.list', {}),
          (view) => set({ view }),
          (failure) => showFailure(set, failure),
        ),

      decide(requestId, accept, name) {
        const as = accept ? name?.trim() || null : null;
        return act(
          `decide:${requestId}`,
          () => client.invoke('pos:terminals.decide', { requestId, accept, name: as }),
          !accept ? 'Pairing rejected.' : as ? `Terminal paired as ${as}.` : 'Terminal paired.',
        );
      },

      async reject(requestId) {
        return shown(await get().decide(requestId, false));
      },

      add: (name, url) =>
        act(
          'add',
          () => client.invoke('pos:terminals.add', { name: name.trim(), url: url.trim() }),
          `Terminal ${name.trim()} added.`,
        ),

      async remove(name) {
        return shown(
          await act(
            `remove:${name}`,
            () => client.invoke('pos:terminals.remove', { name }),
            `Terminal ${name} removed.`,
          ),
        );
      },

      async demoPair() {
        const failure = await act(
          'pair',
          async () => {
            await client.invoke('pos:demo.pairTerminal', {});
            return null;
          },
          'The demo terminal asks to pair: accept or reject it below.',
        );
        return shown(failure);
      },
    };
  });

  client.on('pos:terminals.changed', (view) => {
    views.supersede();
    store.setState({ view });
    hooks.changed(view);
  });

  return store;
}
