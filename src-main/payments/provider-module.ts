/**
 * A payment provider as one module: its config block, the store checks that block needs, how
 * it builds its providers, and its demo simulator. `provider-list.ts` names every module; the
 * config schema, the registry and demo mode iterate that list and never name a provider.
 * What a provider can do (lanes, cash back, on-screen tip, …) is its `capabilities`, which
 * handlers, the contract and the screens read instead of a provider id.
 */
import type { z } from 'zod';
import type { TerminalsView } from '../../src-shared/domain';
import type { SettingsRepository } from '../journal/settings-repository';
import type { Logger } from '../logger';
import type { PaymentProvider, ProviderEvents } from './provider';

/** What a module learns about the till when it builds its providers. */
export interface ProviderContext<T> {
  /** The store's ISO 4217 currency. */
  currency: string;
  log: Logger;
  /** The module's own timing overrides (tests shrink them); undefined in production. */
  timings: T | undefined;
  /** What a provider may tell the engine on its own; looked up when a hook fires (the engine is built after). */
  events(providerId: string): ProviderEvents;
}

/** What a module that pairs terminals at the till needs to run its pairing server. */
export interface PairingContext {
  /** Where paired terminals are kept across restarts. */
  settings: SettingsRepository;
  /** This till's name as terminals list it. */
  posName: string;
  log: Logger;
  /** Demo / training mode: no multicast, any free port (the demo terminal dials it on loopback). */
  demo: boolean;
  changed(view: TerminalsView): void;
}

/** A running terminal-pairing service (the manager's Devices screen and its audit). */
export interface TerminalPairing {
  /** Prefix of the audit objects for its changes (`<key>.pairing`, `<key>.terminal`): the module's key. */
  readonly key: string;
  view(): TerminalsView;
  /** The manager's answer to a terminal on its pairing screen. */
  decide(requestId: string, accept: boolean, name: string | null): TerminalsView;
  addManual(name: string, url: string): TerminalsView;
  remove(name: string): Promise<TerminalsView>;
  close(): Promise<void>;
}

/** What a module built for this till. */
export interface ProviderBundle {
  /** Offered at the till, in this order; empty when the config offers nothing (e.g. no terminal yet). */
  providers: PaymentProvider[];
  /** The lanes of a provider with the `lanes` capability, each offered as its own tender. */
  lanes?(providerId: string): string[];
  /** Present when the module pairs terminals with the till (a pairing server the terminals dial). */
  pairing?: { start(ctx: PairingContext): Promise<TerminalPairing> };
}

/** A payment waiting on a demo simulator's virtual terminal, for the trainee to play the customer. */
export interface WaitingPayment {
  /** The provider's id, as on the tender. */
  provider: string;
  /** The simulator's key for the sale (e.g. the gateway's order number or trade id). */
  key: string;
  /** Minor units, tip included. */
  amount: number;
  currency: string;
}

/** What the trainee does on a virtual terminal (the contract's `pos:demo.act`). */
export type VirtualTerminalAction = 'approve' | 'approve-with-tip' | 'decline' | 'walk-away';

/** A module's simulator running in demo / training mode. */
export interface DemoProvider<C> {
  /** Where the simulator listens (its base or ws:// URL). */
  readonly url: string;
  /** The config block pointing at the simulator, or null where the module does not apply (the store's currency). */
  config(): C | null;
  waiting(): WaitingPayment[];
  /** Plays the customer's part; false when the payment is not one of this simulator's, or no longer waiting. */
  act(providerId: string, key: string, action: VirtualTerminalAction): boolean;
  /** A demo terminal that asks the till's pairing server (`TerminalPairing`) to pair. */
  pairWith?(pairingUrl: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The demo simulators of the modules, by module key (what the registry reads in demo mode). */
export interface DemoProviders {
  forModule(key: string): DemoProvider<unknown> | undefined;
}

/**
 * One payment provider module. `K` is its key under `providers` in the config file, `S` the
 * zod schema of that block, `T` its timing overrides.
 */
export interface ProviderModule<K extends string = string, S extends z.ZodType = z.ZodType, T = unknown> {
  /** Key under `providers.<key>` in the config file, e.g. 'iotpay'. */
  readonly key: K;
  /** The strict schema of its config block (unknown keys refused, defaults filled). */
  readonly configSchema: S;
  /** Its config block holds gateway keys (the config file must not be readable by others). */
  readonly secrets: boolean;
  /** Refusals of the config that depend on the store, each reported against `store.currency` at load. */
  check?(config: z.output<S>, store: { currency: string }): string[];
  /** Builds its providers (one module may offer several, e.g. a card terminal and a wallet). */
  create(config: z.output<S>, ctx: ProviderContext<T>): ProviderBundle;
  /** Demo / training mode: starts its simulator (started for every module; `config()` says whether it applies). */
  readonly demo?: { start(ctx: { log: Logger; currency: string; notify(): void }): Promise<DemoProvider<z.output<S>>> };
}

/** Any module, as a list holds them (each module's timings type is its own). */
export type AnyProviderModule = ProviderModule<string, z.ZodType, any>;

/** A module's timing overrides type. */
export type TimingsOf<M> = M extends ProviderModule<string, z.ZodType, infer T> ? T : never;

/** The `providers` block of the config for a list of modules: each key optional, typed by its schema. */
export type ProvidersConfig<Ms extends readonly AnyProviderModule[]> = {
  [M in Ms[number] as M['key']]?: z.output<M['configSchema']>;
};

/** Timing overrides for a list of modules, by module key. */
export type ProviderTimingsFor<Ms extends readonly AnyProviderModule[]> = {
  [M in Ms[number] as M['key']]?: TimingsOf<M>;
};

/** Declares a module, keeping its literal key and schema type (for the typed config). */
export function defineProviderModule<const K extends string, S extends z.ZodType, T>(
  module: ProviderModule<K, S, T>,
): ProviderModule<K, S, T> {
  return module;
}
