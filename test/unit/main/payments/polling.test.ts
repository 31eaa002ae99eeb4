/**
 * The one poller (DESIGN.md §6 rule 8): its window runs on the injected monotonic clock, and
 * the two vendor cadences it carries stay as they were — IOTPay and YabandPay pause first and
 * check at the window's end too; CodePay's recovery queries at once, listens between queries
 * and starts none after the window.
 */
import { describe, expect, it } from 'vitest';
import {
  pollUntilFinal,
  type MonotonicClock,
  type PollOptions,
  type PollWait,
} from '../../../../src-main/payments/polling';

/** A monotonic clock that moves only when a wait says so. */
function fakeClock(): MonotonicClock & { at: number } {
  const clock = { at: 0, now: () => clock.at };
  return clock;
}

/** Polls with a wait that advances the fake clock by what it was asked to wait; returns when each check ran. */
async function run(options: Partial<PollOptions<string>> & { finalAt?: number }) {
  const clock = fakeClock();
  const checkedAt: number[] = [];
  const waited: number[] = [];
  const told: string[] = [];
  const result = await pollUntilFinal<string>({
    intervalMs: 10,
    windowMs: 30,
    signal: new AbortController().signal,
    clock,
    check: async () => {
      checkedAt.push(clock.at);
      return options.finalAt === clock.at ? 'final' : `pending@${clock.at}`;
    },
    isFinal: (answer) => answer === 'final',
    onResult: (answer) => told.push(answer),
    wait: async (ms): Promise<PollWait<string>> => {
      waited.push(ms);
      clock.at += ms;
      return 'next';
    },
    ...options,
  });
  return { result, checkedAt, waited, told };
}

describe('pollUntilFinal', () => {
  it("by default pauses first and checks at the window's end too (every 10 for 30: at 10, 20, 30)", async () => {
    const { result, checkedAt, told } = await run({});
    expect(checkedAt).toEqual([10, 20, 30]);
    expect(result).toEqual({ last: 'pending@30', ended: 'window', checks: 3 });
    expect(told).toEqual(['pending@10', 'pending@20', 'pending@30']);
  });

  it('immediate: the first check goes at once, the rest as before', async () => {
    const { checkedAt } = await run({ immediate: true });
    expect(checkedAt).toEqual([0, 10, 20, 30]);
  });

  it('checkAtWindowEnd false: no check starts after the window, but the wait after each check still runs', async () => {
    const { result, checkedAt, waited } = await run({ immediate: true, checkAtWindowEnd: false });
    expect(checkedAt).toEqual([0, 10, 20]);
    expect(waited).toEqual([10, 10, 10]);
    expect(result).toMatchObject({ ended: 'window', checks: 3 });
  });

  it('a pause is cut at the end of the window', async () => {
    const { checkedAt, waited } = await run({ windowMs: 25 });
    expect(checkedAt).toEqual([10, 20, 25]);
    expect(waited).toEqual([10, 10, 5]);
  });

  it('stops at a final answer', async () => {
    const { result, checkedAt } = await run({ finalAt: 20 });
    expect(checkedAt).toEqual([10, 20]);
    expect(result).toEqual({ last: 'final', ended: 'final', checks: 2 });
  });

  it('takes an answer that came on its own during a wait', async () => {
    const clock = fakeClock();
    const result = await pollUntilFinal<string>({
      intervalMs: 10,
      windowMs: 30,
      signal: new AbortController().signal,
      clock,
      immediate: true,
      check: async () => 'pending',
      isFinal: () => false,
      wait: async () => ({ final: 'pushed' }),
    });
    expect(result).toEqual({ last: 'pushed', ended: 'final', checks: 1 });
  });

  it('a signal aborted during a check ends polling there, without progress for that check', async () => {
    const controller = new AbortController();
    const told: string[] = [];
    const result = await pollUntilFinal<string>({
      intervalMs: 5,
      windowMs: 60_000,
      signal: controller.signal,
      clock: fakeClock(),
      check: async () => {
        controller.abort();
        return 'pending';
      },
      isFinal: () => false,
      onResult: (answer) => told.push(answer),
    });
    expect(result).toEqual({ last: 'pending', ended: 'aborted', checks: 1 });
    expect(told).toEqual([]);
  });

  it('an aborted signal: an immediate check still runs once; with checkAtWindowEnd false none does', async () => {
    const signal = AbortSignal.abort();
    const base = {
      intervalMs: 5,
      windowMs: 100,
      signal,
      clock: fakeClock(),
      immediate: true,
      check: async () => 'pending',
      isFinal: () => false,
    };
    expect(await pollUntilFinal(base)).toEqual({ last: 'pending', ended: 'aborted', checks: 1 });
    const none = await pollUntilFinal({ ...base, checkAtWindowEnd: false });
    expect(none).toEqual({ last: null, ended: 'aborted', checks: 0 });
  });

  it('the window runs on the injected clock, not on how long the pauses really took', async () => {
    const clock = fakeClock();
    let checks = 0;
    const result = await pollUntilFinal<string>({
      intervalMs: 1,
      windowMs: 50,
      signal: new AbortController().signal,
      clock,
      check: async () => {
        checks += 1;
        // Each check "takes" 20 ms of monotonic time: the window holds three of them.
        clock.at += 20;
        return 'pending';
      },
      isFinal: () => false,
    });
    expect(result).toMatchObject({ ended: 'window', checks: 3 });
    expect(checks).toBe(3);
  });
});
