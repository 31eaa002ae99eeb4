import { describe, expect, it } from 'vitest';
import type { Timers } from '../../../../src-renderer/api/timers';
import {
  isCodeLike,
  parseFixed,
  parseKilograms,
  parsePercent,
  parseUnitQuantity,
  quantityText,
} from '../../../../src-renderer/common/parse-input';
import { createIdleTimer } from '../../../../src-renderer/session/idle-timer';
import { shortcutFor } from '../../../../src-renderer/shell/shortcuts';

describe('typed amounts and quantities', () => {
  it('parses money into minor units, strictly', () => {
    expect(parseFixed('20', 2)).toBe(2000);
    expect(parseFixed('20.5', 2)).toBe(2050);
    expect(parseFixed('20,05', 2)).toBe(2005);
    expect(parseFixed('.5', 2)).toBe(50);
    expect(parseFixed('1.234', 2)).toBeNull();
    expect(parseFixed('', 2)).toBeNull();
    expect(parseFixed('1e3', 2)).toBeNull();
    expect(parseFixed('-5', 2)).toBeNull();
  });

  it('parses quantities, weights and percents', () => {
    expect(parseUnitQuantity('3')).toBe(3000);
    expect(parseUnitQuantity('0')).toBeNull();
    expect(parseUnitQuantity('1.5')).toBeNull();
    expect(parseKilograms('0.750')).toBe(750);
    expect(parseKilograms('1,25')).toBe(1250);
    expect(parseKilograms('0.0001')).toBeNull();
    expect(parsePercent('12.5')).toBe(1250);
    expect(parsePercent('101')).toBeNull();
    expect(quantityText(1250, 'kg')).toBe('1.250');
    expect(quantityText(3000, 'each')).toBe('3');
  });

  it('tells codes from search text', () => {
    expect(isCodeLike('4006381333931')).toBe(true);
    expect(isCodeLike('4011')).toBe(true);
    expect(isCodeLike('SKU-123')).toBe(true);
    expect(isCodeLike('milk')).toBe(false);
    expect(isCodeLike('milk 2%')).toBe(false);
  });
});

describe('shortcuts', () => {
  const key = (k: string, extra: Partial<Parameters<typeof shortcutFor>[0]> = {}) => ({
    key: k,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    defaultPrevented: false,
    ...extra,
  });

  it('maps F2, F4, F8, F9, F12 and Esc', () => {
    expect(['F2', 'F4', 'F8', 'F9', 'F12', 'Escape'].map((k) => shortcutFor(key(k), false))).toEqual([
      'focus-search',
      'pay',
      'history',
      'shift',
      'lock',
      'back',
    ]);
  });

  it('ignores modified keys, handled keys, and leaves Esc to an open dialog', () => {
    expect(shortcutFor(key('F4', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('F4', { defaultPrevented: true }), false)).toBeNull();
    expect(shortcutFor(key('Escape'), true)).toBeNull();
    expect(shortcutFor(key('F4'), true)).toBe('pay');
  });
});

describe('idle lock timer', () => {
  function fakeTimers() {
    let pending: { callback: () => void; id: number } | null = null;
    let id = 0;
    const timers: Timers = {
      setTimeout: (callback) => ((pending = { callback, id: ++id }), id),
      clearTimeout: (handle) => {
        if (pending?.id === handle) pending = null;
      },
    };
    return {
      timers,
      fire: () => {
        const p = pending;
        pending = null;
        p?.callback();
      },
      armed: () => pending !== null,
    };
  }

  it('fires after the timeout unless poked, and re-arms when asked to wait', () => {
    const clock = fakeTimers();
    let fired = 0;
    let busy = true;
    const timer = createIdleTimer(
      1000,
      () => {
        fired += 1;
        return busy ? false : undefined;
      },
      clock.timers,
    );
    clock.fire();
    expect(fired).toBe(1);
    expect(clock.armed()).toBe(true);
    busy = false;
    clock.fire();
    expect(fired).toBe(2);
    expect(clock.armed()).toBe(false);
    timer.poke();
    expect(clock.armed()).toBe(true);
    timer.stop();
    expect(clock.armed()).toBe(false);
  });

  it('is off for a zero timeout', () => {
    const clock = fakeTimers();
    createIdleTimer(0, () => {}, clock.timers);
    expect(clock.armed()).toBe(false);
  });
});
