import { describe, expect, it } from 'vitest';
import { createAuditStore, verdictText } from '../../../../src-renderer/admin/audit-store';
import { createTerminalsStore } from '../../../../src-renderer/admin/terminals-store';
import { createClient } from '../../../../src-renderer/api/client';
import type { TerminalsView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport } from '../fake-transport';

const lane1 = {
  name: 'Lane 1',
  url: 'ws://127.0.0.1:4000',
  source: 'configured',
  status: 'connected',
  lastSeen: '2025-01-01T10:00:00Z',
};
const asking: TerminalsView = {
  pairingUrl: 'ws://127.0.0.1:5000',
  terminals: [lane1],
  requests: [{ id: 'Q1', deviceName: 'P2 Pro', serial: 'SN1', url: 'ws://127.0.0.1:6000', knownAs: null }],
};
const paired: TerminalsView = {
  ...asking,
  terminals: [lane1, { ...lane1, name: 'Lane 2', source: 'paired' }],
  requests: [],
};

function setup() {
  const changes: TerminalsView[] = [];
  const transport = fakeTransport({ 'pos:terminals.list': () => asking });
  const store = createTerminalsStore(createClient(transport), { changed: (view) => changes.push(view) });
  return { transport, store, changes };
}

describe('terminals store', () => {
  it('lists terminals and requests, and follows pos:terminals.changed (tenders follow too)', async () => {
    const { transport, store, changes } = setup();
    await store.getState().load();
    expect(store.getState().view?.requests).toHaveLength(1);
    transport.emit('pos:terminals.changed', paired);
    expect(store.getState().view?.terminals.map((t) => t.name)).toEqual(['Lane 1', 'Lane 2']);
    expect(changes).toEqual([paired]);
  });

  it('accepts a request under a name; rejecting sends no name', async () => {
    const { transport, store, changes } = setup();
    transport.handlers['pos:terminals.decide'] = ({ accept }) => (accept ? paired : { ...asking, requests: [] });
    expect(await store.getState().decide('Q1', true, ' Lane 2 ')).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ requestId: 'Q1', accept: true, name: 'Lane 2' });
    expect(store.getState().notice).toBe('Terminal paired as Lane 2.');
    expect(changes).toHaveLength(1);
    await expect(store.getState().reject('Q1')).resolves.toBe(true);
    expect(transport.calls.at(-1)?.payload).toEqual({ requestId: 'Q1', accept: false, name: null });
  });

  it('an event main sent while deciding is newer than the reply: the reply does not replace it', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:terminals.decide'] = () => {
      transport.emit('pos:terminals.changed', paired);
      return { ...asking, requests: [] };
    };
    expect(await store.getState().decide('Q1', true, 'Lane 2')).toBeNull();
    expect(store.getState().view?.terminals.map((t) => t.name)).toEqual(['Lane 1', 'Lane 2']);
  });

  it('a cashier is refused: the sentence comes back (reject shows it as the panel error)', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:terminals.decide'] = () => {
      throw new PosError('FORBIDDEN', "Only a manager can change the till's settings.");
    };
    expect(await store.getState().decide('Q1', true, 'Lane 2')).toBe("Only a manager can change the till's settings.");
    await expect(store.getState().reject('Q1')).resolves.toBe(false);
    expect(store.getState().error).toBe("Only a manager can change the till's settings.");
  });

  it('adds by address, removes, and asks the demo terminal to pair', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:terminals.add'] = ({ name, url }) => ({
      ...asking,
      terminals: [lane1, { ...lane1, name, url, source: 'paired' }],
    });
    transport.handlers['pos:terminals.remove'] = () => asking;
    transport.handlers['pos:demo.pairTerminal'] = () => ({ ok: true });
    expect(await store.getState().add(' Back counter ', 'ws://192.168.1.20:35779 ')).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ name: 'Back counter', url: 'ws://192.168.1.20:35779' });
    await expect(store.getState().remove('Back counter')).resolves.toBe(true);
    await expect(store.getState().demoPair()).resolves.toBe(true);
    expect(transport.calls.at(-1)?.channel).toBe('pos:demo.pairTerminal');
    expect(store.getState().busy).toBeNull();
  });
});

describe('audit store', () => {
  it('verifies the chain and words the verdict', async () => {
    const chain = {
      ok: true,
      links: 340,
      seals: 120,
      head: '340:0123456789abcdef',
      keys: ['k1'],
      problems: [],
      problemCount: 0,
    };
    const transport = fakeTransport({
      'pos:audit.verify': () => ({ ok: true, entries: 42, brokenAt: null, reason: null, chain }),
    });
    const audit = createAuditStore(createClient(transport));
    await audit.getState().verify();
    expect(verdictText(audit.getState().verdict!)).toBe(
      'Audit trail intact (42 entries); journal chain intact (340 links, head 340:0123456789abcdef)',
    );
    expect(verdictText({ ok: false, entries: 42, brokenAt: 17, reason: 'hash does not match', chain })).toBe(
      'Audit trail broken at entry 17: hash does not match; journal chain intact (340 links, head 340:0123456789abcdef)',
    );
    const problems = ['orders ["a"] was changed outside the till.', 'Links 5–6 are missing from the chain.'];
    expect(
      verdictText({
        ok: false,
        entries: 42,
        brokenAt: null,
        reason: problems[0],
        chain: { ...chain, ok: false, problems, problemCount: 2 },
      }),
    ).toBe(`Audit trail intact (42 entries); journal chain: 2 problems: ${problems.join(' ')}`);
    transport.handlers['pos:audit.verify'] = () => {
      throw new PosError('NOT_AUTHENTICATED', 'Log in first.');
    };
    await audit.getState().verify();
    expect(audit.getState()).toMatchObject({ verifying: false, verdict: null, error: 'Log in first.' });
  });
});
