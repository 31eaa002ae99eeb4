import { describe, expect, it } from 'vitest';
import { createWedgeDetector, type WedgeOptions } from '../../../../src-renderer/shell/wedge-detector';

type Key = [key: string, time: number];

/** Keys of `text` starting at `start`, `gap` ms apart. */
function keys(text: string, start: number, gap: number): Key[] {
  return [...text].map((key, i) => [key, start + i * gap]);
}

/**
 * Drives the detector the way the DOM binding does (settle timer re-armed after every held
 * key) and returns what happened, in order: typed text, scans, keys let through.
 */
function drive(events: Key[], options?: WedgeOptions): string[] {
  const detector = createWedgeDetector(options);
  const out: string[] = [];
  let heldAt: number | null = null;
  const fireTimer = (upTo: number) => {
    if (heldAt !== null && upTo - heldAt >= detector.settleMs) {
      const text = detector.settle(heldAt + detector.settleMs);
      if (text) out.push(`text:${text}`);
      heldAt = null;
    }
  };
  for (const [key, time] of events) {
    fireTimer(time);
    const decision = detector.keydown({ key, time });
    if (decision.replay) out.push(`text:${decision.replay}`);
    if (decision.key === 'scan') out.push(`scan:${decision.code}`);
    if (decision.key === 'pass') out.push(`key:${key}`);
    heldAt = decision.key === 'buffer' ? time : null;
  }
  fireTimer(Number.POSITIVE_INFINITY);
  return out;
}

describe('wedge scan detection', () => {
  it('takes a fast burst ended by Enter as one scan, and swallows the Enter', () => {
    const burst = keys('4006381333931', 1000, 8);
    expect(drive([...burst, ['Enter', 1000 + 13 * 8]])).toEqual(['scan:4006381333931']);
  });

  it('ends a scan on Tab too', () => {
    expect(drive([...keys('123456789012', 0, 5), ['Tab', 60]])).toEqual(['scan:123456789012']);
  });

  it('replays slow typing as text, then lets its Enter through', () => {
    const typed = keys('milk', 0, 180);
    expect(drive([...typed, ['Enter', 900]])).toEqual(['text:m', 'text:i', 'text:l', 'text:k', 'key:Enter']);
  });

  it('replays a short fast burst before its Enter (a PIN or a quantity typed quickly)', () => {
    expect(drive([...keys('1234', 0, 10), ['Enter', 45]])).toEqual(['text:1234', 'key:Enter']);
  });

  it('lets Enter alone through', () => {
    expect(drive([['Enter', 10]])).toEqual(['key:Enter']);
  });

  it('tolerates one late key inside a fast burst (a busy machine, a Bluetooth scanner)', () => {
    const head = keys('400', 0, 10); // ends at 20
    const tail = keys('6381333931', 60, 10); // one 40 ms gap; the average stays far below 30 ms
    expect(drive([...head, ...tail, ['Enter', 160]])).toEqual(['scan:4006381333931']);
  });

  it('takes back what the timer settled when the next key, by its own time, continues the burst (keys reaching the page late)', () => {
    const detector = createWedgeDetector();
    const code = '4006381333931';
    // The first five keys arrive; the page then stalls and the timer fires 80 ms later by the page's clock.
    [...code.slice(0, 5)].forEach((key, i) => expect(detector.keydown({ key, time: i * 5 }).key).toBe('buffer'));
    expect(detector.settle(20 + 80)).toBe('40063');
    // The rest arrives late, stamped 5 ms apart as the scanner sent them.
    const next = detector.keydown({ key: code[5], time: 25 });
    expect(next).toEqual({ replay: '', key: 'buffer', resumed: '40063' });
    [...code.slice(6)].forEach((key, i) => expect(detector.keydown({ key, time: 30 + i * 5 }).key).toBe('buffer'));
    expect(detector.keydown({ key: 'Enter', time: 30 + 7 * 5 })).toEqual({ replay: '', key: 'scan', code });
  });

  it('does not take back settled typing when the next key comes after the settle time, nor after another key', () => {
    const late = createWedgeDetector();
    [...'12'].forEach((key, i) => late.keydown({ key, time: i * 10 }));
    expect(late.settle(100)).toBe('12');
    expect(late.keydown({ key: '3', time: 10 + 51 })).toEqual({ replay: '', key: 'buffer' });

    const interrupted = createWedgeDetector();
    interrupted.keydown({ key: '1', time: 0 });
    expect(interrupted.settle(100)).toBe('1');
    expect(interrupted.keydown({ key: 'Backspace', time: 5 })).toEqual({ replay: '', key: 'pass' });
    expect(interrupted.keydown({ key: '2', time: 10 })).toEqual({ replay: '', key: 'buffer' });
  });

  it('splits a burst at a pause longer than the settle time: the head is typing, the tail may scan', () => {
    const head = keys('400', 0, 10);
    const tail = keys('6381333931', 120, 10);
    expect(drive([...head, ...tail, ['Enter', 220]])).toEqual(['text:400', 'scan:6381333931']);
  });

  it('fast human typing (40 ms a key) is not a scan', () => {
    expect(drive([...keys('hello1', 0, 40), ['Enter', 230]])).toEqual(['text:hello1', 'key:Enter']);
  });

  it('does not scan when the part after the gap is too short', () => {
    const head = keys('4006381333', 0, 10);
    const tail = keys('931', 200, 10);
    expect(drive([...head, ...tail, ['Enter', 230]])).toEqual(['text:4006381333', 'text:931', 'key:Enter']);
  });

  it('replays a burst with no terminator once it settles', () => {
    expect(drive(keys('ABCDEFGH', 0, 5))).toEqual(['text:ABCDEFGH']);
  });

  it('treats an Enter that comes after the buffer settled as typing', () => {
    expect(drive([...keys('123456', 0, 5), ['Enter', 200]])).toEqual(['text:123456', 'key:Enter']);
  });

  it('a scan while a quantity input has focus is a scan: none of its digits are replayed', () => {
    // The cashier typed "3" in the quantity box, then a scanner fired.
    const events: Key[] = [['3', 0], ...keys('0068700011005', 500, 7), ['Enter', 500 + 13 * 7]];
    expect(drive(events)).toEqual(['text:3', 'scan:0068700011005']);
  });

  it('a focused quantity input with nothing typed gets a scan and no replay', () => {
    expect(drive([...keys('20123450', 0, 4), ['Enter', 33]])).toEqual(['scan:20123450']);
  });

  it('replays held typing before a non-printable key (Backspace) so edits stay in order', () => {
    expect(
      drive([
        ['a', 0],
        ['Backspace', 10],
      ]),
    ).toEqual(['text:a', 'key:Backspace']);
  });

  it('never holds keys with Ctrl/Alt/Meta, nor auto-repeat', () => {
    const detector = createWedgeDetector();
    expect(detector.keydown({ key: 'c', time: 0, ctrl: true })).toEqual({ replay: '', key: 'pass' });
    expect(detector.keydown({ key: 'x', time: 5 })).toEqual({ replay: '', key: 'buffer' });
    expect(detector.keydown({ key: 'x', time: 8, repeat: true })).toEqual({ replay: 'x', key: 'pass' });
  });

  it('lets a leading space through (pressing a focused button)', () => {
    expect(drive([[' ', 0]])).toEqual(['key: ']);
  });

  it('honours a configured gap and length', () => {
    const slowScanner = [...keys('9876', 0, 45), ['Enter', 4 * 45] as Key];
    expect(drive(slowScanner, { maxAverageGapMs: 50, minLength: 4, settleMs: 80 })).toEqual(['scan:9876']);
    expect(drive(slowScanner)).toEqual(['text:9876', 'key:Enter']);
  });
});
