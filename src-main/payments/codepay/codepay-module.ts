/**
 * CodePay as a provider module: the `providers.codepay` config block, the provider driving
 * the terminals on the LAN (each a lane, offered as its own tender), the till's pairing
 * server the terminals dial, and the terminal simulator in demo mode.
 */
import { z } from 'zod';
import { defineProviderModule, type ProviderBundle, type ProviderContext } from '../provider-module';
import { createBonjourMdns, createLoopbackMdnsBus } from './codepay-mdns';
import { DEFAULT_PAIRING_PORT } from './codepay-pairing';
import { createCodepayProvider, type CodepayTiming } from './codepay-provider';
import { startCodepayTerminalSimulator } from './codepay-simulator';
import { startTerminalPairing } from './terminal-pairing-service';

/** The demo ECR app id and the name of the simulated terminal's lane. */
export const DEMO_CODEPAY = { appId: 'demo-ecr-app', terminal: 'Lane 1' };

const KEY = 'codepay';
/** The id `createCodepayProvider` gives its provider (the virtual terminal's sales are its). */
const PROVIDER_ID = 'codepay';

export const codepayConfigSchema = z
  .object({
    appId: z.string().min(1),
    /** The till's own pairing server (terminals dial it); 35779 as the ECR Hub SDKs use. */
    pairingPort: z.number().int().min(0).max(65_535).default(DEFAULT_PAIRING_PORT),
    /** The till's IPv4 address terminals dial (the one interface the pairing server binds); default the first LAN one. */
    pairingAddress: z.ipv4().optional(),
    /** Advertise and discover over multicast mDNS; off where the network blocks it (use manual addresses). */
    mdns: z.boolean().default(true),
    /** Voids and refunds also need the store manager's authorisation on the terminal itself. */
    terminalAuthentication: z.boolean().default(true),
    terminals: z
      .array(
        z
          .object({
            name: z.string().min(1),
            url: z.string().regex(/^ws:\/\/[^/\s]+(:\d+)?\/?.*$/, 'a ws:// URL such as ws://192.168.1.20:35779'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const codepayModule = defineProviderModule({
  key: KEY,
  configSchema: codepayConfigSchema,
  secrets: false,
  create(config, ctx: ProviderContext<Partial<CodepayTiming>>): ProviderBundle {
    // Terminals are listed in the config first; pairing then adds more.
    if (!config.terminals.length) return { providers: [] };
    const events = () => ctx.events(PROVIDER_ID);
    const provider = createCodepayProvider(
      {
        appId: config.appId,
        terminals: config.terminals,
        currency: ctx.currency,
        terminalAuthentication: config.terminalAuthentication,
      },
      ctx.timings,
      {
        log: (line) => ctx.log.info(line),
        onLateResult: ({ merchantOrderNo, outcome }) => events().lateResult(merchantOrderNo, outcome),
        onForeignAnswer: (report) => events().foreignAnswer(report),
        onLinkRestored: (terminal) => events().linkRestored(terminal),
      },
    );
    return {
      providers: [provider],
      lanes: (providerId) => (providerId === provider.id ? provider.terminals().map((t) => t.name) : []),
      pairing: {
        start: (pairing) =>
          startTerminalPairing({
            key: KEY,
            provider,
            settings: pairing.settings,
            posName: pairing.posName,
            // Demo: any free port and an in-process mDNS; a real till: the ECR Hub port and multicast mDNS.
            port: pairing.demo ? 0 : config.pairingPort,
            // Demo: loopback only (the demo terminal is in this process); a real till: one named interface.
            address: pairing.demo ? '127.0.0.1' : (config.pairingAddress ?? null),
            mdns: pairing.demo
              ? createLoopbackMdnsBus().create()
              : config.mdns
                ? createBonjourMdns((line) => pairing.log.info(line))
                : null,
            changed: pairing.changed,
            log: (line) => pairing.log.info(line),
          }),
      },
    };
  },
  demo: {
    async start({ currency, notify }) {
      const sim = await startCodepayTerminalSimulator({
        interactive: true,
        appId: DEMO_CODEPAY.appId,
        currency,
        onEvent: notify,
      });
      return {
        url: sim.url,
        config: () =>
          codepayConfigSchema.parse({
            appId: DEMO_CODEPAY.appId,
            terminals: [{ name: DEMO_CODEPAY.terminal, url: sim.url }],
          }),
        waiting: () =>
          sim.pending().map((o) => ({
            provider: PROVIDER_ID,
            key: o.merchantOrderNo,
            amount: o.amount + o.tip,
            currency: o.currency,
          })),
        act: (providerId, key, action) =>
          providerId === PROVIDER_ID && sim.act(key, action === 'walk-away' ? 'cancel' : action),
        pairWith: (pairingUrl) => sim.pairWith(pairingUrl),
        close: () => sim.close(),
      };
    },
  },
});
