/** Demo / training mode: what a new user gets with no config file at all. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../src-shared/domain';
import { configBaseDir, parseConfig, readConfigJson, type ConfigSchema } from './load-config';
import type { AppConfig } from './config-schema';

/** Default PINs, shown on the login screen in demo mode only. */
export const DEMO_USERS: readonly { id: string; name: string; role: Role; pin: string; badge: string }[] = [
  { id: 'demo-cashier', name: 'Casey Cashier', role: 'cashier', pin: '1234', badge: '0410000000011' },
  { id: 'demo-manager', name: 'Morgan Manager', role: 'manager', pin: '987654', badge: '0410000000028' },
];

export function defaultDemoDataDir(): string {
  return process.env.COUNTERTOP_DATA_DIR ?? join(homedir(), '.countertop', 'demo');
}

/** The demo store: a Vancouver grocery with GST/PST, nickel rounding and GS1 in-store codes. */
export function demoConfigRaw(dataDir: string = defaultDemoDataDir()): Record<string, unknown> {
  return {
    store: {
      name: 'Countertop Demo Market',
      address: ['1200 Main Street', 'Vancouver, BC V6A 2T3'],
      taxId: 'GST/HST 123456789 RT0001',
      currency: 'CAD',
      locale: 'en-CA',
      cashRoundingStep: 5,
    },
    dataDir,
    demo: true,
    taxes: [
      { code: 'GST', label: 'GST 5%', ratePercent: 5 },
      { code: 'PST', label: 'PST 7%', ratePercent: 7 },
    ],
    barcodes: {
      badgePrefix: '041',
      embedded: [
        { kind: 'weight', pattern: '21IIIIIVVVVVC', decimals: 3 },
        { kind: 'price', pattern: '23IIIIIVVVVVC' },
        { kind: 'price', pattern: '02IIIIIXVVVVC' },
      ],
    },
    security: {
      idleLockSeconds: 300,
      maxPinAttempts: 5,
      lockoutSeconds: 300,
      discountLimitBasisPoints: 1000,
      varianceLimit: 500,
    },
  };
}

/**
 * The config the app runs with: none → demo; a file with `"demo": true` → the demo
 * defaults with the file's top-level keys on top (so `{ "demo": true, "dataDir": "…" }` works).
 * `schema`: read with another provider list's schema (tests with a fixture provider).
 */
export function resolveConfig(path: string | null, schema?: ConfigSchema): AppConfig {
  if (!path) return parseConfig(demoConfigRaw(), 'the built-in demo config', process.cwd(), schema);
  const raw = readConfigJson(path);
  const isDemo = typeof raw === 'object' && raw !== null && (raw as Record<string, unknown>).demo === true;
  return parseConfig(isDemo ? { ...demoConfigRaw(), ...(raw as object) } : raw, path, configBaseDir(path), schema);
}
