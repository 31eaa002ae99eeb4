/**
 * The demo CodePay pairing server listened on all interfaces (issue 12): in demo it binds loopback only, so a
 * machine on the shop's network cannot pair a terminal with a training till; a real till binds the one
 * interface it advertises (the config's `pairingAddress`, or the first LAN address).
 */
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startCodepayPairing } from '../../src-main/payments/codepay/codepay-pairing';
import { startHarness, type Harness } from '../support/core-harness';

/** Resolves true when a TCP connection to host:port opens, false when refused. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

describe('where the CodePay pairing server listens', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('in demo, on loopback only: its address is 127.0.0.1 and a LAN address of this machine is refused', async () => {
    h = await startHarness({});
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const { pairingUrl } = await h.call('pos:terminals.list', {});
    const url = new URL(pairingUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    const port = Number(url.port);
    expect(await reachable('127.0.0.1', port)).toBe(true);
    if (lanAddress) expect(await reachable(lanAddress, port)).toBe(false);
  });

  it('outside demo, on the named interface only, advertised as such', async () => {
    const pairing = await startCodepayPairing({
      posName: 'Till 1',
      host: '127.0.0.1',
      advertisedIp: '127.0.0.1',
      port: 0,
      mdns: null,
      decide: () => false,
    });
    try {
      expect(pairing.url).toBe(`ws://127.0.0.1:${pairing.port}`);
      if (lanAddress) expect(await reachable(lanAddress, pairing.port)).toBe(false);
    } finally {
      await pairing.close();
    }
    // With no address named, it binds the address it advertises, never every interface.
    const advertised = await startCodepayPairing({ posName: 'Till 1', port: 0, mdns: null, decide: () => false });
    try {
      const host = new URL(advertised.url).hostname;
      expect(await reachable(host, advertised.port)).toBe(true);
      if (host !== '127.0.0.1') expect(await reachable('127.0.0.1', advertised.port)).toBe(false);
    } finally {
      await advertised.close();
    }
  });
});
