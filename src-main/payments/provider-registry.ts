/**
 * Builds the configured payment providers. In demo mode, providers the config does not
 * set are pointed at the built-in simulators; the engine cannot tell the difference.
 */
import type { AppConfig } from '../config/config-schema';
import type { Logger } from '../logger';
import { DEMO_CODEPAY, DEMO_IOTPAY, DEMO_YABANDPAY, type DemoServices } from '../demo/demo-services';
import { createCodepayProvider, type CodepayProvider } from './codepay/codepay-provider';
import { isIotpayCurrency } from './iotpay/iotpay-amounts';
import type { IotpayConfig } from './iotpay/iotpay-client';
import { createIotpayPaxProvider, type IotpayPaxTiming } from './iotpay/iotpay-pax-provider';
import { createIotpayWalletProvider, type IotpayWalletTiming } from './iotpay/iotpay-wallet-provider';
import type { PaymentProvider, ProviderEvents } from './provider';
import type { YabandpayTiming } from './yabandpay/yabandpay-context';
import { createYabandpayProvider } from './yabandpay/yabandpay-provider';

/** Provider timing overrides: production uses the vendors' figures; tests shrink them. */
export interface ProviderTimings {
  iotpayPax?: Partial<IotpayPaxTiming>;
  iotpayWallet?: Partial<IotpayWalletTiming>;
  yabandpay?: Partial<YabandpayTiming>;
  codepay?: Parameters<typeof createCodepayProvider>[1];
}

export interface ProviderSet {
  providers: Map<string, PaymentProvider>;
  codepay: CodepayProvider | null;
  /** Terminal names of a provider that drives several (CodePay lanes); [] otherwise. */
  terminals(providerId: string): string[];
}

export function createProviders(deps: {
  config: AppConfig;
  demo: DemoServices | null;
  log: Logger;
  timings?: ProviderTimings;
  /** What each provider may tell the engine on its own (late results, strangers' answers, links back). */
  events(providerId: string): ProviderEvents;
}): ProviderSet {
  const { config, demo } = deps;
  const providers = new Map<string, PaymentProvider>();
  const add = (provider: PaymentProvider) => providers.set(provider.id, provider);

  // IOTPay takes CAD and USD only (the config refuses others); the demo offers it only there.
  const iotpay = config.providers.iotpay ?? (demo && isIotpayCurrency(config.store.currency) ? { ...DEMO_IOTPAY, baseUrl: demo.iotpay.url, card: true, wallet: true } : null);
  if (iotpay) {
    const iotpayConfig: IotpayConfig = { baseUrl: iotpay.baseUrl, mchId: iotpay.mchId, loginName: iotpay.loginName, key: iotpay.key, device: iotpay.device };
    const log = (line: string) => deps.log.info(line);
    if (iotpay.card) add(createIotpayPaxProvider(iotpayConfig, deps.timings?.iotpayPax, log));
    if (iotpay.wallet) add(createIotpayWalletProvider(iotpayConfig, deps.timings?.iotpayWallet, log));
  }

  const yabandpay = config.providers.yabandpay
    ?? (demo && (config.store.currency === 'EUR' || config.store.currency === 'CHF')
      ? { ...DEMO_YABANDPAY, baseUrl: demo.yabandpay.url, currency: config.store.currency, tid: undefined }
      : null);
  if (yabandpay) {
    if (yabandpay.currency !== config.store.currency) {
      deps.log.error(`YabandPay is set up for ${yabandpay.currency} but the store sells in ${config.store.currency}; it is not offered at the till.`);
    } else {
      add(createYabandpayProvider({ baseUrl: yabandpay.baseUrl, user: yabandpay.user, secretKey: yabandpay.secretKey, tid: yabandpay.tid ?? yabandpay.user, notifyUrl: yabandpay.notifyUrl, currency: yabandpay.currency }, deps.timings?.yabandpay, { log: (line) => deps.log.info(line) }));
    }
  }
  const codepayConfig = config.providers.codepay ?? (demo ? { appId: DEMO_CODEPAY.appId, terminals: [{ name: DEMO_CODEPAY.terminal, url: demo.codepay.url }] } : null);
  let codepay: CodepayProvider | null = null;
  if (codepayConfig && codepayConfig.terminals.length) {
    // Looked up when a hook fires: the engine is built after the providers.
    const codepayEvents = (): ProviderEvents => deps.events('codepay');
    codepay = createCodepayProvider({ appId: codepayConfig.appId, terminals: codepayConfig.terminals, currency: config.store.currency, terminalAuthentication: config.providers.codepay?.terminalAuthentication ?? true }, deps.timings?.codepay, {
      log: (line) => deps.log.info(line),
      onLateResult: ({ merchantOrderNo, outcome }) => codepayEvents().lateResult(merchantOrderNo, outcome),
      onForeignAnswer: (report) => codepayEvents().foreignAnswer(report),
      onLinkRestored: (terminal) => codepayEvents().linkRestored(terminal),
    });
    add(codepay);
  }

  return {
    providers,
    codepay,
    terminals: (providerId) => (providerId === 'codepay' && codepay ? codepay.terminals().map((t) => t.name) : []),
  };
}
