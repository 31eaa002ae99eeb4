/**
 * The contract refuses what a shop cannot hold and text that is not well-formed (issue 12 items
 * 5 and 7), for every field of every channel: the cases are generated from the input schemas, so
 * a field added later is covered (and must be bounded) without touching this file.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CHANNEL_NAMES, channels, type ChannelName } from '../../../../src-shared/contract';
import { PosError, type PosErrorShape } from '../../../../src-shared/errors';
import { MAX_AMOUNT, MAX_DENOMINATION, MAX_DENOMINATION_COUNT } from '../../../../src-shared/limits';
import { createDispatcher, illFormedStringPath, type Handlers } from '../../../../src-main/ipc/dispatcher';
import { isAuditedRefusal } from '../../../../src-main/ipc/refusal-audit';
import { fieldOf, leavesOf, samplePayload, type Leaf } from '../../../support/contract-samples';

function recordingDispatcher(hooks: Parameters<typeof createDispatcher>[2] = {}) {
  const calls: { channel: string; input: unknown }[] = [];
  const handlers = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      (input: unknown) => {
        calls.push({ channel, input });
        return { ok: true };
      },
    ]),
  ) as unknown as Handlers;
  return { calls, dispatch: createDispatcher(handlers, () => undefined, hooks) };
}

const cases = (kind: Leaf['kind']) =>
  CHANNEL_NAMES.flatMap((channel) =>
    leavesOf(channels[channel].input)
      .filter((leaf) => leaf.kind === kind)
      .map((leaf) => ({ channel, leaf, field: fieldOf(leaf.path) })),
  );
const NUMBERS = cases('number');
const STRINGS = cases('string');
const ARRAYS = cases('array');

const bounds = (schema: unknown) => schema as { maxValue: number | null; minValue: number | null; isInt: boolean };
const lengths = (schema: unknown) => schema as { maxLength: number | null };
const maxItems = (schema: unknown): number | undefined =>
  (
    schema as { _zod: { def: { checks?: { _zod: { def: { check: string; maximum?: number } } }[] } } }
  )._zod.def.checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum;

/** An error's field names the leaf, or the union around it (zod reports a failed union at the union). */
const namesLeaf = (error: PosErrorShape, field: string) =>
  error.field === undefined ? field.length > 0 : field === error.field || field.startsWith(`${error.field}.`);

describe('the contract generator', () => {
  it('finds the fields the cases are made of, and each channel has a payload it accepts', () => {
    expect(NUMBERS.length).toBeGreaterThanOrEqual(35);
    expect(STRINGS.length).toBeGreaterThan(80);
    expect(ARRAYS.map((c) => `${c.channel} ${c.field}`)).toEqual(
      expect.arrayContaining(['pos:shift.open float', 'pos:shift.close counted', 'pos:refunds.create lines']),
    );
    for (const channel of CHANNEL_NAMES) {
      expect(channels[channel].input.safeParse(samplePayload(channels[channel].input)).success, channel).toBe(true);
    }
  });
});

describe('every count and amount is bounded to what a shop can hold', () => {
  it('every number a request carries is an integer with an explicit bound no larger than MAX_AMOUNT', () => {
    const unbounded = NUMBERS.filter(({ leaf }) => {
      const { maxValue, minValue, isInt } = bounds(leaf.schema);
      return !isInt || maxValue === null || maxValue > MAX_AMOUNT || (minValue ?? -Infinity) < -MAX_AMOUNT;
    });
    expect(unbounded.map((c) => `${c.channel} ${c.field}`)).toEqual([]);
  });

  it.each(NUMBERS.map((c) => [`${c.channel} ${c.field}`, c] as const))(
    '%s accepts its bound and refuses its bound + 1',
    async (_name, { channel, leaf, field }) => {
      const { calls, dispatch } = recordingDispatcher();
      const bound = bounds(leaf.schema).maxValue!;
      const accepted = await dispatch(channel, samplePayload(channels[channel].input, leaf.path, bound));
      expect(accepted, `${field} = ${bound}`).toEqual({ ok: true, result: { ok: true } });
      const refused = await dispatch(channel, samplePayload(channels[channel].input, leaf.path, bound + 1));
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.code).toBe('INVALID_PAYLOAD');
        expect(namesLeaf(refused.error, field), JSON.stringify(refused.error)).toBe(true);
      }
      expect(calls).toHaveLength(1);
    },
  );

  it.each(STRINGS.map((c) => [`${c.channel} ${c.field}`, c] as const))(
    '%s refuses text longer than its bound',
    async (_name, { channel, leaf, field }) => {
      const { calls, dispatch } = recordingDispatcher();
      // Fields bounded by their pattern (a PIN, an upload id) are checked against 10,000 characters.
      const tooLong = 'x'.repeat((lengths(leaf.schema).maxLength ?? 10_000) + 1);
      const reply = await dispatch(channel, samplePayload(channels[channel].input, leaf.path, tooLong));
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('INVALID_PAYLOAD');
        expect(namesLeaf(reply.error, field)).toBe(true);
      }
      expect(calls).toEqual([]);
    },
  );

  it.each(ARRAYS.map((c) => [`${c.channel} ${c.field}`, c] as const))(
    '%s has a bound on its length and refuses one element more',
    async (_name, { channel, leaf, field }) => {
      const { calls, dispatch } = recordingDispatcher();
      const max = maxItems(leaf.schema);
      expect(max, `${channel} ${field} has no maximum length`).toBeDefined();
      const one = samplePayload((leaf.schema as unknown as { element: z.ZodType }).element);
      const reply = await dispatch(
        channel,
        samplePayload(channels[channel].input, leaf.path, Array(max! + 1).fill(one)),
      );
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field } });
      expect(calls).toEqual([]);
    },
  );

  it.each(['pos:shift.open', 'pos:shift.close'] as const)(
    '%s refuses the 1.8e21 float that reached a Z report, and a count over MAX_AMOUNT in bounded rows',
    async (channel) => {
      const { calls, dispatch } = recordingDispatcher();
      const field = channel === 'pos:shift.open' ? 'float' : 'counted';
      const seen = [
        { denomination: Number.MAX_SAFE_INTEGER, count: 100_000 },
        { denomination: Number.MAX_SAFE_INTEGER, count: 100_000 },
      ];
      const reply = await dispatch(channel, { [field]: seen });
      expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
      if (!reply.ok) expect(reply.error.field?.startsWith(field)).toBe(true);
      const rowsInBounds = [{ denomination: MAX_DENOMINATION, count: MAX_DENOMINATION_COUNT }];
      expect(await dispatch(channel, { [field]: rowsInBounds })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', field },
      });
      const fullDrawer = [{ denomination: MAX_DENOMINATION, count: MAX_AMOUNT / MAX_DENOMINATION }];
      expect(await dispatch(channel, { [field]: fullDrawer })).toMatchObject({ ok: true });
      expect(calls).toHaveLength(1);
    },
  );
});

describe('strings must be well-formed text', () => {
  const LONE = ['\uD800', '\uDC00', 'a\uDBFFb', '\uDC00\uD800'];

  it.each(STRINGS.map((c) => [`${c.channel} ${c.field}`, c] as const))(
    '%s with a lone surrogate is refused naming the field, before its handler',
    async (_name, { channel, leaf, field }) => {
      const { calls, dispatch } = recordingDispatcher();
      for (const lone of LONE) {
        const reply = await dispatch(channel, samplePayload(channels[channel].input, leaf.path, `text${lone}`));
        expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field } });
        if (!reply.ok) expect(reply.error.message).toMatch(/not well-formed/);
      }
      expect(calls).toEqual([]);
    },
  );

  it('refuses a lone surrogate in an object key at any depth, and shows the key well-formed', async () => {
    const { calls, dispatch } = recordingDispatcher();
    const top = await dispatch('pos:orders.get', { orderId: 'o-1', ['x\uD800']: 1 });
    expect(top).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field: 'x\uFFFD' } });
    const deep = await dispatch('pos:refunds.create', {
      orderId: 'o-1',
      reason: 'broken',
      lines: [{ lineId: 'l-1', qtyMilli: 1000, ['\uDFFF']: 2 }],
    });
    expect(deep).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field: 'lines.0.\uFFFD' } });
    if (!deep.ok) expect(deep.error.message).not.toMatch(/[\uD800-\uDFFF]/u);
    expect(calls).toEqual([]);
  });

  it('accepts surrogate pairs (emoji, CJK extension B) and passes them on unchanged', async () => {
    const { calls, dispatch } = recordingDispatcher();
    const reason = 'customer 😀 returned 𠀋';
    expect(await dispatch('pos:drawer.noSale', { reason })).toMatchObject({ ok: true });
    expect(calls).toEqual([{ channel: 'pos:drawer.noSale', input: { reason } }]);
  });

  it('walks deep and cyclic payloads without recursion or hanging', () => {
    let deep: unknown = 'fine';
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(illFormedStringPath(deep)).toBeNull();
    const cyclic: Record<string, unknown> = { a: 'ok' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { b: 'x\uD83D' }];
    expect(illFormedStringPath(cyclic)).toEqual(['list', '1', 'b']);
    expect(illFormedStringPath('\uDE00')).toEqual([]);
    expect(illFormedStringPath(new Date())).toBeNull();
  });
});

describe('refusals are told to the refused hook', () => {
  it('with the channel and the typed error, for invalid payloads and handler refusals only', async () => {
    const seen: [ChannelName, PosErrorShape][] = [];
    const handlers = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, () => ({ ok: true })])) as unknown as Handlers;
    const failing = {
      ...handlers,
      'pos:devices.chooseScanner': () => {
        throw new PosError('FORBIDDEN', "Only a manager can change the till's settings.");
      },
      'pos:app.info': () => {
        throw new Error('bug');
      },
    } as Handlers;
    const dispatch = createDispatcher(failing, () => undefined, { refused: (c, e) => seen.push([c, e]) });
    await dispatch('pos:orders.get', { orderId: 'o-1' });
    await dispatch('pos:nope.nope', {});
    await dispatch('pos:app.info', {});
    await dispatch('pos:devices.chooseScanner', { type: 'none' });
    await dispatch('pos:orders.get', { orderId: '' });
    expect(seen).toEqual([
      ['pos:devices.chooseScanner', { code: 'FORBIDDEN', message: "Only a manager can change the till's settings." }],
      ['pos:orders.get', expect.objectContaining({ code: 'INVALID_PAYLOAD', field: 'orderId' })],
    ]);
  });

  it('still answers the refusal when the hook throws, and logs it', async () => {
    const logged: string[] = [];
    const handlers = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, () => ({ ok: true })])) as unknown as Handlers;
    const dispatch = createDispatcher(handlers, (message) => logged.push(message), {
      refused: () => {
        throw new Error('journal is read-only');
      },
    });
    expect(await dispatch('pos:orders.get', { orderId: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(logged).toEqual(['Recording a refusal on pos:orders.get failed']);
  });

  it('audits a role refusal anywhere, acting without a session, never the screens reloading while locked', () => {
    expect(isAuditedRefusal('pos:devices.chooseScanner', 'FORBIDDEN')).toBe(true);
    expect(isAuditedRefusal('pos:cart.current', 'FORBIDDEN')).toBe(true);
    expect(isAuditedRefusal('pos:tender.cash', 'NOT_AUTHENTICATED')).toBe(true);
    expect(isAuditedRefusal('pos:shift.close', 'SESSION_LOCKED')).toBe(true);
    expect(isAuditedRefusal('pos:cart.current', 'SESSION_LOCKED')).toBe(false);
    expect(isAuditedRefusal('pos:devices.status', 'NOT_AUTHENTICATED')).toBe(false);
    // The auth code audits these itself, with who asked and who approved.
    for (const code of ['APPROVAL_REQUIRED', 'BAD_CREDENTIALS', 'LOCKED_OUT', 'INVALID_PAYLOAD', 'NOT_FOUND'] as const)
      expect(isAuditedRefusal('pos:drawer.noSale', code)).toBe(false);
  });
});
