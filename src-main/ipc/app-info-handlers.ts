/**
 * The handler of `pos:app.info`: what the renderer needs to know about this till before
 * anyone signs in — the build's version, the store (name, address, currency, locale, time
 * zone), the demo PINs in demo mode, cash and security limits, whether receipts print on
 * their own, the tenders offered (one per lane of a provider that has lanes), and the verdict of
 * the journal's background integrity check.
 */
import type { AppInfo } from '../../src-shared/domain';
import type { AppConfig } from '../config/config-schema';
import { DEMO_USERS } from '../config/demo-config';
import type { DeviceHub } from '../devices/device-hub';
import type { PaymentProvider } from '../payments/provider';
import type { Handlers } from './dispatcher';

/** The version the till reports in `pos:app.info`. */
export const APP_VERSION = '0.1.0';

export type AppInfoChannels = 'pos:app.info';

export interface AppInfoHandlerDeps {
  config: AppConfig;
  devices: DeviceHub;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** The lanes of a provider with the `lanes` capability (each its own tender); [] otherwise. */
  lanes(providerId: string): string[];
  /** Where the journal's signing key is kept, and how well. */
  journalKey: AppInfo['journalKey'];
  /** The background integrity check's verdict so far (journal/integrity-check.ts). */
  journalCheck(): NonNullable<AppInfo['journalCheck']>;
}

/** Builds the `pos:app.info` handler. */
export function createAppInfoHandlers(deps: AppInfoHandlerDeps): Pick<Handlers, AppInfoChannels> {
  const { config } = deps;

  return {
    'pos:app.info': () => ({
      version: APP_VERSION,
      demo: config.demo,
      store: {
        name: config.store.name,
        address: config.store.address,
        taxId: config.store.taxId,
        currency: config.store.currency,
        locale: config.store.locale,
        ...(config.store.timeZone ? { timeZone: config.store.timeZone } : {}),
      },
      demoPins: config.demo ? DEMO_USERS.map(({ name, role, pin }) => ({ name, role, pin })) : [],
      quickCash: config.store.quickCash,
      cashRoundingStep: config.store.cashRoundingStep,
      discountLimitBasisPoints: config.security.discountLimitBasisPoints,
      varianceLimit: config.security.varianceLimit,
      autoPrint: config.devices.autoPrint && deps.devices.printer.status().state !== 'not-configured',
      tenders: [...deps.providers.values()].flatMap((p): AppInfo['tenders'] => {
        const tender = { provider: p.id, method: p.method, capabilities: { ...p.capabilities } };
        const lanes = deps.lanes(p.id);
        return lanes.length
          ? lanes.map((t) => ({ ...tender, label: `${p.label} – ${t}`, terminal: t }))
          : [{ ...tender, label: p.label, terminal: null }];
      }),
      journalKey: deps.journalKey,
      journalCheck: deps.journalCheck(),
    }),
  };
}
