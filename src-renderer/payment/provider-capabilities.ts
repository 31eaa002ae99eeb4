/**
 * What a payment's provider can do, read from the station's tenders (`pos:app.info`): the
 * screens offer a provider's actions by these capabilities, never by its id.
 */
import { useStore } from 'zustand';
import type { AppInfo, ProviderCapabilities } from '../../src-shared/domain';
import { useStores } from '../common/use-stores';

/** A provider's capabilities, or null when the station does not offer it (any more, or not read yet). */
export function capabilitiesOf(
  tenders: AppInfo['tenders'] | null | undefined,
  provider: string,
): ProviderCapabilities | null {
  return tenders?.find((tender) => tender.provider === provider)?.capabilities ?? null;
}

/** {@link capabilitiesOf} over the station's tenders, for components. */
export function useCapabilities(): (provider: string) => ProviderCapabilities | null {
  const tenders = useStore(useStores().appInfo, (s) => s.info?.tenders ?? null);
  return (provider) => capabilitiesOf(tenders, provider);
}
