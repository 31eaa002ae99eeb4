/**
 * CodePay pairing (PAYMENTS.md §2.3). The POS runs its own WebSocket server (35779, +1
 * while busy) and advertises `_ecr-hub-client._tcp` over mDNS; the cashier picks the POS on
 * the terminal, which dials in and sends `ecrhub.pair` with its ip/port. The manager
 * accepts ("000") or rejects ("001"); the POS stores the address and connects to the
 * terminal as a client (the provider's job). `ecrhub.unpair` forgets it. A paired
 * terminal that re-announces itself on `_ecr-hub-server._tcp` with a new address is
 * moved there. Manual IP entry is the fallback when mDNS is blocked.
 *
 * Persistence is the caller's: every change is reported through `onChange`, and the
 * stored list comes back in through `known`.
 */
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import { PosError } from '../../../src-shared/errors';
import { CODEPAY_TOPICS, parseCodepayFrame, RESPONSE_CODE, type CodepayMessage } from './codepay-envelope';
import {
  ECR_HUB_CLIENT_TYPE,
  ECR_HUB_SERVER_TYPE,
  createBonjourMdns,
  type CodepayMdns,
  type MdnsAnnouncement,
} from './codepay-mdns';

export const DEFAULT_PAIRING_PORT = 35779;

export interface PairedTerminal {
  /** The name the engine uses (attempt.terminal). */
  name: string;
  url: string;
  source: 'paired' | 'manual';
  macAddress: string | null;
  /** The terminal's serial / alias_name. */
  serial: string | null;
  deviceName: string | null;
  pairedAt: string;
}

export interface PairRequest {
  macAddress: string | null;
  deviceName: string | null;
  serial: string | null;
  url: string;
  /** Already paired (the terminal is pairing again, maybe from a new address). */
  known: PairedTerminal | null;
}

/** true/false, or accept under a chosen name. */
export type PairDecision = boolean | { accept: boolean; name?: string };

export interface PairingEvent {
  kind: 'paired' | 'updated' | 'unpaired';
  terminal: PairedTerminal;
}

export type TerminalStatus = 'connected' | 'disconnected' | 'pairing';

export interface TerminalListEntry {
  name: string;
  url: string;
  source: 'paired' | 'manual' | 'pending';
  macAddress: string | null;
  serial: string | null;
  status: TerminalStatus;
  /** ISO time the terminal was last heard from (pairing frame, mDNS, or the provider's link). */
  lastSeen: string | null;
}

export interface CodepayPairingOptions {
  /** This POS's name as terminals list it. */
  posName: string;
  /** Ask the manager: called once per `ecrhub.pair`. */
  decide: (request: PairRequest) => PairDecision | Promise<PairDecision>;
  /** Persist every change here (paired / address updated / unpaired). */
  onChange?: (event: PairingEvent) => void;
  /** Terminals stored earlier. */
  known?: PairedTerminal[];
  /** Live link state of a terminal (wire to the provider's terminals()). */
  linkState?: (name: string) => { connected: boolean; lastSeen: string | null } | undefined;
  /** First port tried (default 35779); the next ones are tried while busy. 0 = any free port. */
  port?: number;
  portAttempts?: number;
  /** Address of the interface to listen on (default: the advertised address; never all interfaces). */
  host?: string;
  /** IP put in the advert (default: the first non-internal IPv4). */
  advertisedIp?: string;
  /** This POS's MAC for the advert (default: the first non-internal interface's). */
  macAddress?: string;
  /** mDNS implementation; null turns discovery off. Default: bonjour-service multicast. */
  mdns?: CodepayMdns | null;
  /** How long a POS-initiated unpair waits for the terminal's answer. */
  unpairTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CodepayPairing {
  readonly port: number;
  /** `ws://<advertised ip>:<port>` — what terminals dial. */
  readonly url: string;
  terminals(): TerminalListEntry[];
  /** Terminals announced on the network that are not paired. */
  discovered(): MdnsAnnouncement[];
  /** Manual fallback: the IP shown on the terminal's screen. */
  addManualTerminal(name: string, url: string): PairedTerminal;
  /** Forget a terminal and tell it so when it can be reached. */
  unpair(name: string): Promise<void>;
  close(): Promise<void>;
}

function localInterface(): { ip: string; mac: string } {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return { ip: entry.address, mac: entry.mac };
    }
  }
  return { ip: '127.0.0.1', mac: '00:00:00:00:00:00' };
}

function listen(server: Server, port: number, host: string | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Check a manually entered or announced address: ws://host:port only. */
export function checkTerminalUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PosError('INVALID_PAYLOAD', `"${url}" is not an address like ws://192.168.1.20:35779`, 'url');
  }
  if (parsed.protocol !== 'ws:' || !parsed.hostname) {
    throw new PosError('INVALID_PAYLOAD', 'A CodePay terminal address starts with ws:// (no TLS on the LAN)', 'url');
  }
  return parsed.port
    ? url
    : `ws://${parsed.hostname}:${DEFAULT_PAIRING_PORT}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

const clean = (value: string | undefined): string | null => (value && value.trim() ? value.trim() : null);

/** Start the pairing server (and mDNS advert + browse). */
export async function startCodepayPairing(options: CodepayPairingOptions): Promise<CodepayPairing> {
  const log = options.log ?? (() => undefined);
  const local = localInterface();
  const advertisedIp = options.advertisedIp ?? local.ip;
  const posMac = options.macAddress ?? local.mac;
  const paired = new Map<string, PairedTerminal>((options.known ?? []).map((t) => [t.name, { ...t }]));
  const lastSeen = new Map<string, number>();
  const pending = new Map<string, TerminalListEntry>();
  const discovered = new Map<string, MdnsAnnouncement>();
  const emit = (kind: PairingEvent['kind'], terminal: PairedTerminal): void =>
    options.onChange?.({ kind, terminal: { ...terminal } });

  const findTerminal = (mac: string | null, serial: string | null): PairedTerminal | undefined =>
    [...paired.values()].find(
      (t) => (mac !== null && t.macAddress === mac) || (serial !== null && t.serial === serial),
    );

  // --- server with "+1 while busy" (Android SDK ECRHubWebSocketDiscoveryService.onError) ---
  const firstPort = options.port ?? DEFAULT_PAIRING_PORT;
  const attempts = firstPort === 0 ? 1 : (options.portAttempts ?? 10);
  let server: Server | null = null;
  let port = -1;
  for (let i = 0; i < attempts && !server; i += 1) {
    const candidate = createServer((_req, res) => {
      res.writeHead(426).end();
    });
    if (await listen(candidate, firstPort + i, options.host ?? advertisedIp)) {
      const address = candidate.address();
      port = typeof address === 'object' && address ? address.port : firstPort + i;
      server = candidate;
    }
  }
  if (!server)
    throw new PosError(
      'DEVICE_ERROR',
      `No free port for CodePay pairing from ${firstPort} to ${firstPort + attempts - 1}`,
    );
  const listening: Server = server;
  const wss = new WebSocketServer({ server: listening, maxPayload: 64 * 1024 });
  const url = `ws://${advertisedIp}:${port}`;

  const reply = (socket: WebSocket, message: CodepayMessage, code: string, text: string): void => {
    if (socket.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ ...message, response_code: code, response_msg: text }));
  };

  const handlePair = async (socket: WebSocket, message: CodepayMessage): Promise<void> => {
    const device = message.device_data ?? {};
    const mac = clean(device.mac_address);
    const serial = clean(device.alias_name);
    const ip = clean(device.ip_address);
    const devicePort = clean(device.port);
    if (!ip || !devicePort || !/^\d{1,5}$/.test(devicePort) || (mac === null && serial === null)) {
      reply(
        socket,
        message,
        RESPONSE_CODE.pairRejected,
        'device_data needs mac_address or alias_name, ip_address and port',
      );
      return;
    }
    const terminalUrl = `ws://${ip}:${devicePort}`;
    const known = findTerminal(mac, serial) ?? null;
    const key = mac ?? serial ?? terminalUrl;
    const deviceName = clean(device.device_name);
    pending.set(key, {
      name: known?.name ?? deviceName ?? serial ?? key,
      url: terminalUrl,
      source: 'pending',
      macAddress: mac,
      serial,
      status: 'pairing',
      lastSeen: new Date().toISOString(),
    });
    let decision: PairDecision;
    try {
      decision = await options.decide({
        macAddress: mac,
        deviceName,
        serial,
        url: terminalUrl,
        known: known ? { ...known } : null,
      });
    } catch (error) {
      log(`codepay pairing: decision failed: ${(error as Error).message}`);
      decision = false;
    } finally {
      pending.delete(key);
    }
    const accept = typeof decision === 'boolean' ? decision : decision.accept;
    if (!accept) {
      reply(socket, message, RESPONSE_CODE.pairRejected, 'Pairing rejected by the POS');
      return;
    }
    let name = (typeof decision === 'object' && decision.name) || known?.name || deviceName || serial || key;
    if (!known && paired.has(name)) name = `${name} ${serial ?? mac ?? port}`;
    const terminal: PairedTerminal = {
      name,
      url: terminalUrl,
      source: 'paired',
      macAddress: mac,
      serial,
      deviceName,
      pairedAt: known?.pairedAt ?? new Date().toISOString(),
    };
    if (known && known.name !== name) paired.delete(known.name);
    paired.set(name, terminal);
    lastSeen.set(name, Date.now());
    reply(socket, message, RESPONSE_CODE.success, 'Paired');
    emit(known ? 'updated' : 'paired', terminal);
  };

  const handleUnpair = (socket: WebSocket, message: CodepayMessage): void => {
    const device = message.device_data ?? {};
    const terminal = findTerminal(clean(device.mac_address), clean(device.alias_name));
    // The SDK answers "000" to every unpair, known or not.
    reply(socket, message, RESPONSE_CODE.success, 'Unpaired');
    if (terminal) {
      paired.delete(terminal.name);
      lastSeen.delete(terminal.name);
      emit('unpaired', terminal);
    }
  };

  wss.on('connection', (socket) => {
    socket.on('error', (error) => log(`codepay pairing: ${error.message}`));
    socket.on('message', (data) => {
      const parsed = parseCodepayFrame(data as Buffer);
      if (!parsed.ok) {
        log(`codepay pairing: ignored frame: ${parsed.error}`);
        return;
      }
      const message = parsed.message;
      const device = message.device_data;
      const known = device ? findTerminal(clean(device.mac_address), clean(device.alias_name)) : undefined;
      if (known) lastSeen.set(known.name, Date.now());
      if (message.topic === CODEPAY_TOPICS.pair) void handlePair(socket, message);
      else if (message.topic === CODEPAY_TOPICS.unpair) handleUnpair(socket, message);
      else if (message.topic === CODEPAY_TOPICS.heartbeat) reply(socket, message, RESPONSE_CODE.success, 'OK');
      else
        reply(socket, message, RESPONSE_CODE.invalidInvoke, `Unexpected topic ${message.topic} on the pairing server`);
    });
  });

  // --- mDNS: advertise this POS, follow terminals' announcements ---
  let mdns: CodepayMdns | null = null;
  if (options.mdns !== null) {
    try {
      mdns = options.mdns ?? createBonjourMdns(log);
      mdns.publish({
        name: `${options.posName}_${posMac.replace(/:/g, '')}`,
        type: ECR_HUB_CLIENT_TYPE,
        port,
        txt: { mac_address: posMac, ip_address: `${advertisedIp}:${port}`, name: options.posName },
      });
      mdns.browse(ECR_HUB_SERVER_TYPE, (announcement) => onAnnouncement(announcement));
    } catch (error) {
      // Discovery is a convenience: manual entry still works without it.
      log(`codepay pairing: mDNS unavailable: ${(error as Error).message}`);
      mdns = null;
    }
  }

  function onAnnouncement(announcement: MdnsAnnouncement): void {
    const ip = announcement.addresses.find((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address));
    if (!ip) return;
    const instance = announcement.name;
    const prefix = instance.split('_')[0];
    const mac = clean(announcement.txt.mac_address);
    // Match on the MAC if announced, else on the instance name (≈ serial; the Android SDK
    // compares its `<id>_` prefix with what pairing stored).
    const terminal = [...paired.values()].find(
      (t) =>
        t.source === 'paired' &&
        ((mac !== null && t.macAddress === mac) ||
          [instance, prefix].some((n) => n === t.serial || n === t.macAddress)),
    );
    if (!terminal) {
      discovered.set(instance, announcement);
      return;
    }
    lastSeen.set(terminal.name, Date.now());
    const current = new URL(terminal.url);
    const next = `ws://${ip}:${announcement.port}${current.pathname === '/' ? '' : current.pathname}`;
    if (next === terminal.url) return;
    terminal.url = next;
    log(`codepay pairing: ${terminal.name} moved to ${next}`);
    emit('updated', terminal);
  }

  const entryFor = (terminal: PairedTerminal): TerminalListEntry => {
    const link = options.linkState?.(terminal.name);
    const ownSeen = lastSeen.get(terminal.name);
    const seen = [link?.lastSeen ? Date.parse(link.lastSeen) : undefined, ownSeen].filter(
      (v): v is number => v !== undefined,
    );
    const isPairing = [...pending.values()].some(
      (p) =>
        (p.macAddress !== null && p.macAddress === terminal.macAddress) ||
        (p.serial !== null && p.serial === terminal.serial),
    );
    return {
      name: terminal.name,
      url: terminal.url,
      source: terminal.source,
      macAddress: terminal.macAddress,
      serial: terminal.serial,
      status: isPairing ? 'pairing' : link?.connected ? 'connected' : 'disconnected',
      lastSeen: seen.length > 0 ? new Date(Math.max(...seen)).toISOString() : null,
    };
  };

  return {
    port,
    url,
    terminals() {
      const known = [...paired.values()].map(entryFor);
      const fresh = [...pending.values()].filter(
        (p) =>
          !known.some(
            (k) =>
              (p.macAddress !== null && k.macAddress === p.macAddress) || (p.serial !== null && k.serial === p.serial),
          ),
      );
      return [...known, ...fresh.map((p) => ({ ...p }))];
    },
    discovered() {
      return [...discovered.values()].filter(
        (a) => ![...paired.values()].some((t) => t.serial === a.name.split('_')[0] || t.serial === a.name),
      );
    },
    addManualTerminal(name, terminalUrl) {
      if (!name.trim()) throw new PosError('INVALID_PAYLOAD', 'Give the terminal a name', 'name');
      const checked = checkTerminalUrl(terminalUrl);
      const existing = paired.get(name);
      const terminal: PairedTerminal = {
        name,
        url: checked,
        source: existing?.source ?? 'manual',
        macAddress: existing?.macAddress ?? null,
        serial: existing?.serial ?? null,
        deviceName: existing?.deviceName ?? null,
        pairedAt: existing?.pairedAt ?? new Date().toISOString(),
      };
      paired.set(name, terminal);
      emit(existing ? 'updated' : 'paired', terminal);
      return { ...terminal };
    },
    async unpair(name) {
      const terminal = paired.get(name);
      if (!terminal) throw new PosError('NOT_FOUND', `No paired CodePay terminal named ${name}`, 'name');
      paired.delete(name);
      lastSeen.delete(name);
      emit('unpaired', terminal);
      if (terminal.source === 'paired') await notifyUnpair(terminal);
    },
    async close() {
      await mdns?.destroy().catch(() => undefined);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
  };

  /** Best effort: tell the terminal (on its own server) that this POS forgot it. */
  async function notifyUnpair(terminal: PairedTerminal): Promise<void> {
    const timeoutMs = options.unpairTimeoutMs ?? 3_000;
    await new Promise<void>((resolve) => {
      const socket = new WebSocket(terminal.url, { handshakeTimeout: timeoutMs });
      const timer = setTimeout(() => socket.terminate(), timeoutMs);
      socket.on('open', () => {
        socket.send(
          JSON.stringify({
            topic: CODEPAY_TOPICS.unpair,
            request_id: `u${Date.now()}`,
            timestamp: String(Date.now()),
            device_data: {
              mac_address: posMac,
              device_name: options.posName,
              alias_name: options.posName,
              ip_address: advertisedIp,
              port: String(port),
            },
          }),
        );
      });
      socket.on('message', () => socket.close());
      socket.on('error', (error) => log(`codepay pairing: unpair notice to ${terminal.name} failed: ${error.message}`));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
