/**
 * IOTPay as a provider module: the `providers.iotpay` config block, its store check (the
 * merchant account holds CAD or USD), the PAX card terminal and the wallet-code providers it
 * builds, and its gateway simulator in demo mode.
 */
import { z } from 'zod';
import { defineProviderModule, type ProviderBundle, type ProviderContext } from '../provider-module';
import type { PaymentProvider } from '../provider';
import { IOTPAY_CURRENCIES, isIotpayCurrency } from './iotpay-amounts';
import type { IotpayConfig } from './iotpay-client';
import { createIotpayPaxProvider, type IotpayPaxTiming } from './iotpay-pax-provider';
import { startIotpaySimulator } from './iotpay-simulator';
import { createIotpayWalletProvider, type IotpayWalletTiming } from './iotpay-wallet-provider';

/** The demo merchant the simulator signs for. */
export const DEMO_IOTPAY = { mchId: '10000576', loginName: 'demo', key: 'demo-merchant-key', device: 'DEMO-PAX' };

/** The id of the PAX card terminal provider (the one the virtual terminal shows sales for). */
const PAX_PROVIDER_ID = 'iotpay-pax';

export const iotpayConfigSchema = z
  .object({
    baseUrl: z.url().default('https://api.iotpaycloud.com'),
    ccBaseUrl: z.url().default('https://ccapi.iotpaycloud.com'),
    mchId: z.string().min(1),
    loginName: z.string().min(1),
    key: z.string().min(1),
    device: z.string().min(1).default('countertop'),
    card: z.boolean().default(true),
    wallet: z.boolean().default(true),
  })
  .strict();

/** Timing overrides of the two IOTPay providers (tests shrink them). */
export interface IotpayTimings {
  pax?: Partial<IotpayPaxTiming>;
  wallet?: Partial<IotpayWalletTiming>;
}

export const iotpayModule = defineProviderModule({
  key: 'iotpay',
  configSchema: iotpayConfigSchema,
  secrets: true,
  // IOTPay merchant accounts hold CAD or USD: refuse the till at load, not at its first sale.
  check: (_config, store) =>
    isIotpayCurrency(store.currency)
      ? []
      : [`IOTPay (providers.iotpay) takes only ${IOTPAY_CURRENCIES.join(' or ')}, not ${store.currency}`],
  create(config, ctx: ProviderContext<IotpayTimings>): ProviderBundle {
    const client: IotpayConfig = {
      baseUrl: config.baseUrl,
      mchId: config.mchId,
      loginName: config.loginName,
      key: config.key,
      device: config.device,
    };
    const log = (line: string) => ctx.log.info(line);
    const providers: PaymentProvider[] = [];
    if (config.card) providers.push(createIotpayPaxProvider(client, ctx.timings?.pax, log));
    if (config.wallet) providers.push(createIotpayWalletProvider(client, ctx.timings?.wallet, log));
    return { providers };
  },
  demo: {
    async start({ currency, notify }) {
      const sim = await startIotpaySimulator({
        interactive: true,
        mchId: DEMO_IOTPAY.mchId,
        key: DEMO_IOTPAY.key,
        onChange: notify,
      });
      return {
        url: sim.url,
        // Offered only where an IOTPay merchant could sell (CAD, USD).
        config: () =>
          isIotpayCurrency(currency)
            ? iotpayConfigSchema.parse({ ...DEMO_IOTPAY, baseUrl: sim.url, card: true, wallet: true })
            : null,
        waiting: () =>
          sim
            .pendingCardSales()
            .map((s) => ({ provider: PAX_PROVIDER_ID, key: s.mchOrderNo, amount: s.amount, currency: s.currency })),
        act: (providerId, key, action) =>
          providerId === PAX_PROVIDER_ID &&
          sim.act(key, action === 'approve' || action === 'approve-with-tip' ? 'tap-approve' : action),
        close: () => sim.close(),
      };
    },
  },
});
