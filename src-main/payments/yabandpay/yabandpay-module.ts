/**
 * YabandPay as a provider module: the `providers.yabandpay` config block, the cloud card
 * terminal provider (offered only when its currency is the store's), and the gateway
 * simulator in demo mode.
 */
import { z } from 'zod';
import { defineProviderModule, type ProviderBundle, type ProviderContext } from '../provider-module';
import type { YabandpayTiming } from './yabandpay-context';
import { createYabandpayProvider } from './yabandpay-provider';
import { startYabandpaySimulator } from './yabandpay-simulator';

/** The demo terminal's TID and keys the simulator signs with. */
export const DEMO_YABANDPAY = {
  user: 'T125119061',
  secretKey: 'demo-yabandpay-secret',
  notifyUrl: 'https://demo.invalid/notify',
};

/** The id `createYabandpayProvider` gives its provider (the virtual terminal's sales are its). */
const PROVIDER_ID = 'yabandpay';

const YABANDPAY_CURRENCIES = ['EUR', 'CHF'] as const;
const isYabandpayCurrency = (currency: string): currency is (typeof YABANDPAY_CURRENCIES)[number] =>
  (YABANDPAY_CURRENCIES as readonly string[]).includes(currency);

export const yabandpayConfigSchema = z
  .object({
    baseUrl: z.url().default('https://mapi.yabandpay.com'),
    user: z.string().min(1),
    secretKey: z.string().min(1),
    tid: z.string().min(1).optional(),
    notifyUrl: z.url(),
    currency: z.enum(YABANDPAY_CURRENCIES),
  })
  .strict();

export const yabandpayModule = defineProviderModule({
  key: 'yabandpay',
  configSchema: yabandpayConfigSchema,
  secrets: true,
  create(config, ctx: ProviderContext<Partial<YabandpayTiming>>): ProviderBundle {
    // The till keeps running without it: the other tenders still work.
    if (config.currency !== ctx.currency) {
      ctx.log.error(
        `YabandPay is set up for ${config.currency} but the store sells in ${ctx.currency}; ` +
          'it is not offered at the till.',
      );
      return { providers: [] };
    }
    const { baseUrl, user, secretKey, notifyUrl, currency } = config;
    return {
      providers: [
        createYabandpayProvider(
          { baseUrl, user, secretKey, tid: config.tid ?? user, notifyUrl, currency },
          ctx.timings,
          {
            log: (line) => ctx.log.info(line),
          },
        ),
      ],
    };
  },
  demo: {
    async start({ currency, notify }) {
      const sim = await startYabandpaySimulator({ secretKey: DEMO_YABANDPAY.secretKey, outcome: 'interactive' });
      const unsubscribe = sim.onChange(notify);
      return {
        url: sim.url,
        config: () =>
          isYabandpayCurrency(currency)
            ? yabandpayConfigSchema.parse({ ...DEMO_YABANDPAY, baseUrl: sim.url, currency })
            : null,
        waiting: () =>
          sim
            .waitingOrders()
            .filter((o) => o.outcome === 'interactive')
            .map((o) => ({ provider: PROVIDER_ID, key: o.tradeId, amount: o.amount + o.tip, currency: o.currency })),
        act: (providerId, key, action) =>
          providerId === PROVIDER_ID && sim.act(key, action === 'approve-with-tip' ? 'approve' : action),
        close: async () => {
          unsubscribe();
          await sim.close();
        },
      };
    },
  },
});
