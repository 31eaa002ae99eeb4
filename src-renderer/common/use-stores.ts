/** React access to the stores built by createAppStores (one set per page). */
import { createContext, useCallback, useContext } from 'react';
import { useStore } from 'zustand';
import { formatMoney } from '../../src-shared/money';
import type { AppStores } from '../shell/app-stores';

export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside <StoresContext>');
  return stores;
}

/** The station's locale, for dates and money. */
export function useLocale(): string {
  return useStore(useStores().appInfo, (s) => s.info?.store.locale ?? 'en-CA');
}

/** Formats minor units in the station's currency and locale (or another currency). */
export function useMoney(): (minor: number, currency?: string) => string {
  const locale = useLocale();
  const storeCurrency = useStore(useStores().appInfo, (s) => s.info?.store.currency ?? 'CAD');
  return useCallback(
    (minor: number, currency = storeCurrency) => formatMoney(minor, currency, locale),
    [locale, storeCurrency],
  );
}
