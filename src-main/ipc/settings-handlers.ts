/**
 * Settings a manager changes at the till: which USB scanner main reads, and the payment
 * terminals that pair with the till (pairing decisions, manual addresses, end-of-day
 * settlement). Every change is audited.
 */
import { PosError } from '../../src-shared/errors';
import type { TerminalsView } from '../../src-shared/domain';
import type { AuditLog } from '../auth/audit-log';
import type { SessionManager } from '../auth/session-manager';
import type { UserRow } from '../journal/user-repository';
import type { DemoServices } from '../demo/demo-services';
import type { DeviceHub } from '../devices/device-hub';
import type { ScannerConfig } from '../devices/scanner/scanner-config';
import type { SettingsRepository } from '../journal/settings-repository';
import type { PaymentProvider } from '../payments/provider';
import type { TerminalPairing } from '../payments/provider-module';
import type { Handlers } from './dispatcher';

export const SCANNER_SETTING = 'devices.scanner';

export type SettingsChannels =
  | 'pos:terminals.batchClose'
  | 'pos:devices.chooseScanner'
  | 'pos:terminals.list'
  | 'pos:terminals.decide'
  | 'pos:terminals.add'
  | 'pos:terminals.remove'
  | 'pos:demo.pairTerminal';

export function createSettingsHandlers(deps: {
  sessions: SessionManager;
  audit: AuditLog;
  settings: SettingsRepository;
  devices: DeviceHub;
  /** The pairing service of the module that pairs terminals with the till, if any. */
  pairing: TerminalPairing | null;
  /** The providers offered at the till and their lanes: end-of-day settlement goes to the lane's provider. */
  providers: ReadonlyMap<string, PaymentProvider>;
  lanes(providerId: string): string[];
  demo: DemoServices | null;
}): Pick<Handlers, SettingsChannels> {
  const manager = (): UserRow => {
    const user = deps.sessions.require();
    if (user.role !== 'manager') throw new PosError('FORBIDDEN', "Only a manager can change the till's settings.");
    return user;
  };
  const pairing = (): TerminalPairing => {
    if (!deps.pairing) throw new PosError('NOT_FOUND', 'No terminals that pair with the till are set up on this till.');
    return deps.pairing;
  };
  /** The provider that settles this lane's batch; else the first that settles at all (its answer stands). */
  const settling = (lane: string): PaymentProvider | undefined => {
    const settlers = [...deps.providers.values()].filter((p) => p.batchClose);
    return settlers.find((p) => deps.lanes(p.id).includes(lane)) ?? settlers[0];
  };
  const audited = (user: UserRow, what: string, detail: Record<string, unknown>): void => {
    deps.audit.append({ userId: user.id, action: 'settings.change', object: what, detail });
  };
  const none: TerminalsView = { pairingUrl: null, terminals: [], requests: [] };

  return {
    'pos:devices.chooseScanner': async (choice) => {
      const user = manager();
      const config: ScannerConfig =
        choice.type === 'none'
          ? { type: 'none' }
          : {
              type: 'hid',
              vendorId: choice.vendorId,
              productId: choice.productId,
              ...(choice.usagePage === null ? {} : { usagePage: choice.usagePage }),
            };
      deps.settings.set(SCANNER_SETTING, config);
      audited(user, 'devices.scanner', { ...config });
      await deps.devices.setScanner(config);
      return deps.devices.view();
    },
    'pos:terminals.list': () => {
      deps.sessions.require();
      return deps.pairing?.view() ?? none;
    },
    'pos:terminals.decide': ({ requestId, accept, name }) => {
      const user = manager();
      const service = pairing();
      const view = service.decide(requestId, accept, name);
      audited(user, `${service.key}.pairing`, { requestId, accept, name });
      return view;
    },
    'pos:terminals.add': ({ name, url }) => {
      const user = manager();
      const service = pairing();
      audited(user, `${service.key}.terminal`, { added: name, url });
      return service.addManual(name, url);
    },
    'pos:terminals.batchClose': async ({ name }) => {
      const user = manager();
      const provider = settling(name);
      if (!provider?.batchClose) throw new PosError('NOT_FOUND', 'No terminal here settles its batch from the till.');
      const result = await provider.batchClose(name);
      deps.audit.append({
        userId: user.id,
        action: 'terminal.batchClose',
        object: `terminal:${name}`,
        detail: { ok: result.ok, message: result.message },
      });
      return { ok: result.ok, message: result.message };
    },
    'pos:terminals.remove': async ({ name }) => {
      const user = manager();
      const service = pairing();
      // Removed first: an unknown name is refused with nothing audited.
      const view = await service.remove(name);
      audited(user, `${service.key}.terminal`, { removed: name });
      return view;
    },
    'pos:demo.pairTerminal': async () => {
      deps.sessions.require();
      if (!deps.demo) throw new PosError('FORBIDDEN', 'The demo terminal exists only in demo / training mode.');
      const service = pairing();
      const url = service.view().pairingUrl;
      if (!url) throw new PosError('DEVICE_ERROR', 'The pairing server is not running.');
      // The terminal waits for the manager's answer; do not hold this call open for it.
      void deps.demo.pairWith(service.key, url.replace(/^ws:\/\/[^:/]+/, 'ws://127.0.0.1')).catch(() => undefined);
      return { ok: true as const };
    },
  };
}
