/**
 * Every payment provider module this build knows, in the order their tenders are offered.
 * The only place that names them: adding a provider is its module (and its simulator) plus
 * one line here.
 */
import { codepayModule } from './codepay/codepay-module';
import { iotpayModule } from './iotpay/iotpay-module';
import { yabandpayModule } from './yabandpay/yabandpay-module';

export const PROVIDER_MODULES = [iotpayModule, yabandpayModule, codepayModule] as const;

/** The modules of this build, as a list type (for the typed config and timings). */
export type BuiltInProviderModules = typeof PROVIDER_MODULES;
