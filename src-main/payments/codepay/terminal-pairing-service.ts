/**
 * Pairing at the till: runs the CodePay pairing server, asks the manager to accept or
 * reject a terminal that wants to pair, keeps paired terminals in the journal's
 * settings, and tells the provider where each terminal is now.
 */
import { randomUUID } from 'node:crypto';
import type { TerminalsView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import type { SettingsRepository } from '../../journal/settings-repository';
import type { TerminalPairing } from '../provider-module';
import type { CodepayMdns } from './codepay-mdns';
import {
  startCodepayPairing,
  type CodepayPairing,
  type PairDecision,
  type PairedTerminal,
  type PairRequest,
} from './codepay-pairing';
import type { CodepayProvider } from './codepay-provider';

const SETTINGS_KEY = 'codepay.paired';
/** A terminal waiting on the pairing screen gives up after about this long. */
const DECISION_TIMEOUT_MS = 120_000;

/** Starts the pairing server for the CodePay provider's terminals; `key` prefixes its audit objects. */
export async function startTerminalPairing(deps: {
  /** The module's key (`codepay`): audit objects are `<key>.pairing` / `<key>.terminal`. */
  key: string;
  provider: CodepayProvider;
  settings: SettingsRepository;
  posName: string;
  port: number;
  /** The interface to listen on and advertise (null: the first non-internal IPv4). */
  address: string | null;
  mdns: CodepayMdns | null;
  changed(view: TerminalsView): void;
  log(line: string): void;
}): Promise<TerminalPairing> {
  const waiting = new Map<
    string,
    { request: PairRequest; resolve: (decision: PairDecision) => void; timer: NodeJS.Timeout }
  >();
  const known = deps.settings.get<PairedTerminal[]>(SETTINGS_KEY) ?? [];
  for (const terminal of known) deps.provider.setTerminal(terminal.name, terminal.url);
  let pairing: CodepayPairing | null = null;

  const view = (): TerminalsView => ({
    pairingUrl: pairing?.url ?? null,
    terminals: deps.provider.terminals().map((t) => ({
      name: t.name,
      url: t.url,
      source: known.some((k) => k.name === t.name) ? 'paired' : 'configured',
      status: t.state === 'open' ? 'connected' : t.state,
      lastSeen: t.lastSeen,
    })),
    requests: [...waiting].map(([id, { request }]) => ({
      id,
      deviceName: request.deviceName,
      serial: request.serial,
      url: request.url,
      knownAs: request.known?.name ?? null,
    })),
  });
  const persist = (terminals: PairedTerminal[]) => deps.settings.set(SETTINGS_KEY, terminals);

  pairing = await startCodepayPairing({
    posName: deps.posName,
    port: deps.port,
    ...(deps.address ? { host: deps.address, advertisedIp: deps.address } : {}),
    mdns: deps.mdns,
    known,
    log: deps.log,
    linkState: (name) => {
      const link = deps.provider.terminals().find((t) => t.name === name);
      return link ? { connected: link.state === 'open', lastSeen: link.lastSeen } : undefined;
    },
    decide: (request) =>
      new Promise<PairDecision>((resolve) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(false);
          deps.changed(view());
        }, DECISION_TIMEOUT_MS);
        timer.unref();
        waiting.set(id, { request, resolve, timer });
        deps.changed(view());
      }),
    onChange: (event) => {
      const rest = known.filter((k) => k.name !== event.terminal.name);
      known.splice(0, known.length, ...(event.kind === 'unpaired' ? rest : [...rest, event.terminal]));
      persist(known);
      if (event.kind === 'unpaired') void deps.provider.removeTerminal(event.terminal.name);
      else deps.provider.setTerminal(event.terminal.name, event.terminal.url);
      deps.changed(view());
    },
  });

  return {
    key: deps.key,
    view,
    /** The manager's answer to a terminal on its pairing screen. */
    decide(requestId: string, accept: boolean, name: string | null): TerminalsView {
      const entry = waiting.get(requestId);
      if (!entry) throw new PosError('NOT_FOUND', 'That terminal is no longer waiting to pair.', 'requestId');
      clearTimeout(entry.timer);
      waiting.delete(requestId);
      entry.resolve(accept ? { accept: true, ...(name ? { name } : {}) } : false);
      return view();
    },
    addManual(name: string, url: string): TerminalsView {
      pairing!.addManualTerminal(name, url);
      return view();
    },
    async remove(name: string): Promise<TerminalsView> {
      await pairing!.unpair(name);
      return view();
    },
    async close(): Promise<void> {
      for (const { timer, resolve } of waiting.values()) {
        clearTimeout(timer);
        resolve(false);
      }
      waiting.clear();
      await pairing?.close();
    },
  };
}
