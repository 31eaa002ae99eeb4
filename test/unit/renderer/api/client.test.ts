import { describe, expect, it, vi } from 'vitest';
import { PosError } from '../../../../src-shared/errors';
import { createClient } from '../../../../src-renderer/api/client';
import { ClientError } from '../../../../src-renderer/api/client-error';
import { createBridgeTransport } from '../../../../src-renderer/api/bridge-transport';
import type { CountertopBridge } from '../../../../src-shared/bridge';
import { fakeTransport } from '../fake-transport';
import { order } from '../fixtures';

describe('typed client', () => {
  it('returns the result of an ok reply', async () => {
    const transport = fakeTransport({ 'pos:cart.current': () => order({ number: 7 }) });
    const client = createClient(transport);
    await expect(client.invoke('pos:cart.current', {})).resolves.toMatchObject({ number: 7 });
    expect(transport.calls).toEqual([{ channel: 'pos:cart.current', payload: {} }]);
  });

  it('throws a ClientError carrying code, message and field', async () => {
    const client = createClient(
      fakeTransport({
        'pos:session.login': () => {
          throw new PosError('BAD_CREDENTIALS', 'Wrong PIN.', 'pin');
        },
      }),
    );
    const failure = await client
      .invoke('pos:session.login', { userId: 'u1', pin: '0000' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ClientError);
    expect(failure).toMatchObject({ code: 'BAD_CREDENTIALS', message: 'Wrong PIN.', field: 'pin' });
  });

  it('tells failure listeners about every failed call, with its channel', async () => {
    const client = createClient(
      fakeTransport({
        'pos:cart.current': () => {
          throw new PosError('SESSION_LOCKED', 'Locked.');
        },
      }),
    );
    const heard = vi.fn();
    client.onFailure(heard);
    await expect(client.invoke('pos:cart.current', {})).rejects.toThrow('Locked.');
    expect(heard).toHaveBeenCalledWith(expect.objectContaining({ code: 'SESSION_LOCKED' }), 'pos:cart.current');
  });

  it('turns a transport that throws into an INTERNAL ClientError', async () => {
    const transport = fakeTransport();
    transport.invoke = () => Promise.reject(new Error('IPC exploded'));
    await expect(createClient(transport).invoke('pos:app.info', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'IPC exploded',
    });
  });

  it('delivers events to typed listeners until unsubscribed', () => {
    const transport = fakeTransport();
    const client = createClient(transport);
    const seen: number[] = [];
    const off = client.on('pos:order.changed', (payload) => seen.push(payload.number));
    transport.emit('pos:order.changed', order({ number: 3 }));
    off();
    transport.emit('pos:order.changed', order({ number: 4 }));
    expect(seen).toEqual([3]);
  });

  it('rejects a mistyped channel at compile time', () => {
    const client = createClient(fakeTransport());
    // @ts-expect-error not a channel of the contract
    void client.invoke('pos:cart.scna', {}).catch(() => {});
    // @ts-expect-error wrong payload for the channel
    void client.invoke('pos:cart.scan', { code: 1 }).catch(() => {});
  });
});

describe('bridge transport', () => {
  it('calls the bridge function of the channel and subscribes through bridge.on', async () => {
    const unsubscribe = vi.fn();
    const bridge = {
      invoke: { 'pos:app.info': vi.fn(async () => ({ ok: true, result: { version: '1' } })) },
      on: { 'pos:order.changed': vi.fn(() => unsubscribe) },
    } as unknown as CountertopBridge;
    const client = createClient(createBridgeTransport(bridge));
    await expect(client.invoke('pos:app.info', {})).resolves.toEqual({ version: '1' });
    expect(bridge.invoke['pos:app.info']).toHaveBeenCalledWith({});
    client.on('pos:order.changed', () => {})();
    expect(unsubscribe).toHaveBeenCalled();
    await expect(client.invoke('pos:cart.current', {})).rejects.toMatchObject({ code: 'UNKNOWN_CHANNEL' });
  });
});
