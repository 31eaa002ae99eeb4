/**
 * Builds the configured payment providers from the module list. In demo mode, a module the
 * config does not set is pointed at its simulator; the engine cannot tell the difference.
 */
import type { Logger } from '../logger';
import type { PaymentProvider, ProviderEvents } from './provider';
import { PROVIDER_MODULES, type BuiltInProviderModules } from './provider-list';
import type {
  AnyProviderModule,
  DemoProviders,
  PairingContext,
  ProviderBundle,
  ProvidersConfig,
  ProviderTimingsFor,
  TerminalPairing,
} from './provider-module';

/** Provider timing overrides by module key: production uses the vendors' figures; tests shrink them. */
export type ProviderTimings = ProviderTimingsFor<BuiltInProviderModules>;

export interface ProviderSet {
  providers: Map<string, PaymentProvider>;
  /** The lanes of a provider with the `lanes` capability; [] otherwise. */
  lanes(providerId: string): string[];
  /** Starts the pairing service of every module that pairs terminals with the till (failures logged, skipped). */
  startPairing(ctx: PairingContext): Promise<TerminalPairing[]>;
}

export function createProviders<Ms extends readonly AnyProviderModule[] = BuiltInProviderModules>(deps: {
  /** The modules to offer, in order (default: the build's list). */
  modules?: Ms;
  config: { store: { currency: string }; providers: ProvidersConfig<Ms> };
  /** Demo mode's simulators; null outside demo mode. */
  demo: DemoProviders | null;
  log: Logger;
  timings?: ProviderTimingsFor<Ms>;
  /** What each provider may tell the engine on its own (late results, strangers' answers, links back). */
  events(providerId: string): ProviderEvents;
}): ProviderSet {
  const modules: readonly AnyProviderModule[] = deps.modules ?? PROVIDER_MODULES;
  const configured = deps.config.providers as Readonly<Record<string, unknown>>;
  const timings = (deps.timings ?? {}) as Readonly<Record<string, unknown>>;
  const providers = new Map<string, PaymentProvider>();
  const bundles: { key: string; bundle: ProviderBundle }[] = [];

  for (const module of modules) {
    const config = configured[module.key] ?? deps.demo?.forModule(module.key)?.config() ?? null;
    if (config === null || config === undefined) continue;
    const bundle = module.create(config, {
      currency: deps.config.store.currency,
      log: deps.log,
      timings: timings[module.key],
      events: deps.events,
    });
    for (const provider of bundle.providers) {
      // An id names a provider in the journal, the config and the screens: two modules must never share one.
      if (providers.has(provider.id))
        throw new Error(`Two payment provider modules both offer the provider id '${provider.id}'.`);
      providers.set(provider.id, provider);
    }
    bundles.push({ key: module.key, bundle });
  }

  return {
    providers,
    lanes: (providerId) => {
      if (!providers.get(providerId)?.capabilities.lanes) return [];
      return bundles.flatMap(({ bundle }) => bundle.lanes?.(providerId) ?? []);
    },
    async startPairing(ctx) {
      const started: TerminalPairing[] = [];
      for (const { key, bundle } of bundles) {
        if (!bundle.pairing) continue;
        try {
          started.push(await bundle.pairing.start(ctx));
        } catch (error) {
          ctx.log.error(`Terminal pairing (${key}) is off`, error);
        }
      }
      return started;
    },
  };
}
