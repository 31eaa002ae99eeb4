/**
 * CodePay pairing over real sockets: the simulated terminal dials the POS pairing server
 * and sends ecrhub.pair / ecrhub.unpair (PAYMENTS.md §2.3). Discovery runs on an
 * in-process mDNS bus for the deterministic cases, and once on real multicast.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Bonjour } from 'bonjour-service';
import { startCodepayTerminalSimulator } from '../../src-main/payments/codepay/codepay-simulator';
import { createBonjourMdns, createLoopbackMdnsBus } from '../../src-main/payments/codepay/codepay-mdns';
import {
  startCodepayPairing,
  type CodepayPairingOptions,
  type PairingEvent,
  type PairRequest,
} from '../../src-main/payments/codepay/codepay-pairing';
import { createCodepayProvider } from '../../src-main/payments/codepay/codepay-provider';
import type { ProviderAttempt } from '../../src-main/payments/provider';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function pairingServer(options: Partial<CodepayPairingOptions> = {}) {
  const events: PairingEvent[] = [];
  const requests: PairRequest[] = [];
  const pairing = await startCodepayPairing({
    posName: 'Till 1',
    host: '127.0.0.1',
    advertisedIp: '127.0.0.1',
    macAddress: '02:00:00:00:00:01',
    port: 0,
    mdns: null,
    decide: (request) => {
      requests.push(request);
      return { accept: true, name: 'Lane 1' };
    },
    onChange: (event) => events.push(event),
    ...options,
  });
  cleanups.push(() => pairing.close());
  return { pairing, events, requests };
}

async function simulator(serial = 'WPYB002248000123', macAddress = '02:42:ac:11:00:99') {
  const sim = await startCodepayTerminalSimulator({ appId: 'app1', serial, macAddress });
  cleanups.push(() => sim.close());
  return sim;
}

function sale(reference: string): ProviderAttempt {
  return {
    id: reference,
    orderId: 'o1',
    kind: 'sale',
    method: 'card',
    amount: 500,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `r${reference}`,
    providerRef: null,
    terminal: 'Lane 1',
    description: '',
  };
}

describe('pairing requested by the terminal', () => {
  it('accepts: answers 000, stores the address, and the provider can take a sale there', async () => {
    let release: (decision: boolean) => void = () => undefined;
    const decided = new Promise<boolean>((resolve) => (release = resolve));
    const { pairing, events } = await pairingServer({
      decide: () => decided.then((accept) => ({ accept, name: 'Lane 1' })),
    });
    const sim = await simulator();

    const answer = sim.pairWith(pairing.url);
    await until(() => pairing.terminals().some((t) => t.status === 'pairing'));
    expect(pairing.terminals()).toEqual([
      expect.objectContaining({ status: 'pairing', serial: sim.serial, source: 'pending' }),
    ]);
    release(true);
    expect(await answer).toBe('000');

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'paired',
      terminal: { name: 'Lane 1', url: sim.url, serial: sim.serial, macAddress: '02:42:ac:11:00:99', source: 'paired' },
    });

    const provider = createCodepayProvider(
      { appId: 'app1', currency: 'CAD', terminals: [{ name: events[0].terminal.name, url: events[0].terminal.url }] },
      { reconnectInitialMs: 10, connectWaitMs: 5_000 },
    );
    cleanups.push(() => provider.close());
    expect((await provider.start(sale('PAIRSALE1'), new AbortController().signal, () => undefined)).state).toBe(
      'approved',
    );
    expect(sim.counts().charges).toBe(1);

    // With the provider's link wired in, the list shows it connected and recently seen.
    const withLinks = await pairingServer({
      known: [events[0].terminal],
      linkState: (name) => {
        const link = provider.terminals().find((t) => t.name === name);
        return link ? { connected: link.state === 'open', lastSeen: link.lastSeen } : undefined;
      },
    });
    expect(withLinks.pairing.terminals()).toEqual([
      expect.objectContaining({ name: 'Lane 1', status: 'connected', lastSeen: expect.any(String) }),
    ]);
  });

  it('rejects: answers 001 and stores nothing', async () => {
    const requests: PairRequest[] = [];
    const { pairing, events } = await pairingServer({ decide: (request) => (requests.push(request), false) });
    const sim = await simulator();
    expect(await sim.pairWith(pairing.url)).toBe('001');
    expect(requests).toEqual([expect.objectContaining({ serial: sim.serial, url: sim.url, known: null })]);
    expect(pairing.terminals()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('refuses a pair request without an address', async () => {
    const { pairing, events } = await pairingServer();
    const ws = new WebSocket(pairing.url);
    cleanups.push(async () => ws.terminate());
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    const replies: Record<string, unknown>[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    ws.send('garbage');
    ws.send(JSON.stringify({ topic: 'ecrhub.pay.order' }));
    ws.send(JSON.stringify({ topic: 'ecrhub.pair', device_data: { mac_address: 'aa' } }));
    await until(() => replies.length === 2);
    expect(replies[0]).toMatchObject({ topic: 'ecrhub.pay.order', response_code: '106' });
    expect(replies[1]).toMatchObject({ topic: 'ecrhub.pair', response_code: '001' });
    expect(events).toEqual([]);
  });

  it('unpairs when the terminal asks, and tells the terminal when the POS unpairs', async () => {
    const { pairing, events } = await pairingServer();
    const sim = await simulator();
    expect(await sim.pairWith(pairing.url)).toBe('000');
    expect(await sim.unpairFrom(pairing.url)).toBe('000');
    expect(pairing.terminals()).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['paired', 'unpaired']);

    expect(await sim.pairWith(pairing.url)).toBe('000');
    await pairing.unpair('Lane 1');
    expect(pairing.terminals()).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['paired', 'unpaired', 'paired', 'unpaired']);
    expect(sim.counts().unpairNotices).toBe(1);
  });
});

describe('terminal address changes', () => {
  it('moves a paired terminal to the address it re-announces over mDNS', async () => {
    const bus = createLoopbackMdnsBus();
    const { pairing, events } = await pairingServer({ mdns: bus.create() });
    const sim = await simulator();
    expect(await sim.pairWith(pairing.url)).toBe('000');
    sim.advertise(bus.create());
    expect(events.map((e) => e.kind)).toEqual(['paired']); // same address: nothing to update

    // The terminal comes back on another address (a new simulator, same serial and MAC).
    const moved = await simulator();
    moved.advertise(bus.create());
    expect(events.map((e) => e.kind)).toEqual(['paired', 'updated']);
    expect(events[1].terminal).toMatchObject({ name: 'Lane 1', url: moved.url });
    expect(pairing.terminals()[0].url).toBe(moved.url);

    const provider = createCodepayProvider(
      { appId: 'app1', currency: 'CAD', terminals: [{ name: 'Lane 1', url: sim.url }] },
      { reconnectInitialMs: 10 },
    );
    cleanups.push(() => provider.close());
    provider.setTerminal('Lane 1', events[1].terminal.url);
    expect((await provider.start(sale('MOVED1'), new AbortController().signal, () => undefined)).state).toBe(
      'approved',
    );
    expect(moved.counts().charges).toBe(1);
    expect(sim.counts().charges).toBe(0);
  });

  it('lists unpaired terminals it hears about', async () => {
    const bus = createLoopbackMdnsBus();
    const { pairing } = await pairingServer({ mdns: bus.create() });
    const sim = await simulator('WPYB00NEW0001');
    sim.advertise(bus.create());
    expect(pairing.discovered()).toEqual([expect.objectContaining({ name: 'WPYB00NEW0001', port: sim.port })]);
  });

  it('updates the address when a paired terminal pairs again from elsewhere', async () => {
    const requests: PairRequest[] = [];
    const { pairing, events } = await pairingServer({ decide: (request) => (requests.push(request), true) });
    const sim = await simulator();
    expect(await sim.pairWith(pairing.url)).toBe('000');
    const moved = await simulator();
    expect(await moved.pairWith(pairing.url)).toBe('000');
    expect(requests[1].known).toMatchObject({ url: sim.url });
    expect(events.map((e) => e.kind)).toEqual(['paired', 'updated']);
    expect(pairing.terminals()).toEqual([expect.objectContaining({ url: moved.url })]);
  });

  it('takes a manual address and checks it', async () => {
    const { pairing, events } = await pairingServer();
    expect(pairing.addManualTerminal('Back office', 'ws://10.0.0.5')).toMatchObject({
      url: 'ws://10.0.0.5:35779',
      source: 'manual',
    });
    expect(() => pairing.addManualTerminal('Bad', 'http://10.0.0.5:35779')).toThrow(/ws:\/\//);
    expect(() => pairing.addManualTerminal('Bad', 'not a url')).toThrow(/not an address/);
    expect(pairing.terminals()).toEqual([expect.objectContaining({ name: 'Back office', status: 'disconnected' })]);
    expect(events.map((e) => e.kind)).toEqual(['paired']);
  });
});

describe('pairing server port', () => {
  it('takes the next port when the first one is busy', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const busy = (blocker.address() as net.AddressInfo).port;
    const { pairing } = await pairingServer({ port: busy });
    expect(pairing.port).toBeGreaterThan(busy);
    expect(pairing.port).toBeLessThan(busy + 10);
    expect(pairing.url).toBe(`ws://127.0.0.1:${pairing.port}`);
  });
});

// Multicast works on this build host; set COUNTERTOP_NO_MULTICAST=1 where it is blocked.
describe('real multicast DNS', () => {
  it.skipIf(Boolean(process.env.COUNTERTOP_NO_MULTICAST))(
    'advertises _ecr-hub-client._tcp and follows a terminal re-announcing on _ecr-hub-server._tcp',
    async () => {
      const unique = `T${process.pid}${Date.now().toString(36)}`.toUpperCase();
      const { pairing, events } = await pairingServer({ mdns: createBonjourMdns(), posName: `Till${unique}` });

      const browser = new Bonjour();
      cleanups.push(() => new Promise<void>((resolve) => browser.destroy(() => resolve())));
      const advert = await new Promise<Record<string, string>>((resolve) => {
        browser.find({ type: 'ecr-hub-client' }, (service) => {
          if (service.name.startsWith(`Till${unique}`)) resolve(service.txt as Record<string, string>);
        });
      });
      expect(advert).toEqual({
        mac_address: '02:00:00:00:00:01',
        ip_address: `127.0.0.1:${pairing.port}`,
        name: `Till${unique}`,
      });

      const sim = await simulator(unique, '02:42:ac:11:00:aa');
      expect(await sim.pairWith(pairing.url)).toBe('000');
      const terminalMdns = createBonjourMdns();
      cleanups.push(() => terminalMdns.destroy());
      sim.advertise(terminalMdns);
      await until(() => events.length >= 2);
      // Announced addresses are the host's interfaces, not 127.0.0.1: the port identifies it.
      expect(events[1]).toMatchObject({
        kind: 'updated',
        terminal: {
          name: 'Lane 1',
          url: expect.stringMatching(new RegExp(`^ws://\\d+\\.\\d+\\.\\d+\\.\\d+:${sim.port}$`)),
        },
      });
    },
  );
});
