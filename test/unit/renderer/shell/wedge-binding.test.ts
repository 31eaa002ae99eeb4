/**
 * The DOM binding against a minimal fake window (no jsdom here): what is prevented,
 * stopped, replayed with execCommand('insertText'), and reported as a scan.
 */
import { describe, expect, it } from 'vitest';
import { bindWedgeScanner } from '../../../../src-renderer/shell/wedge-binding';

type Listener = (event: FakeKey) => void;

interface FakeKey {
  type: 'keydown' | 'keyup';
  key: string;
  timeStamp: number;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  prevented: boolean;
  stopped: boolean;
  preventDefault(): void;
  stopImmediatePropagation(): void;
}

function fakeWindow(active: { tagName: string; type?: string } | null) {
  const listeners: Record<string, Listener[]> = { keydown: [], keyup: [] };
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  let clock = 0;
  const inserted: string[] = [];
  const win = {
    performance: { now: () => clock },
    document: {
      activeElement: active ? { isContentEditable: false, readOnly: false, disabled: false, ...active } : null,
      execCommand: (command: string, _ui: boolean, text: string) => {
        if (command === 'insertText') inserted.push(text);
        return true;
      },
    },
    addEventListener: (type: string, listener: Listener, capture: boolean) => {
      expect(capture).toBe(true);
      listeners[type].push(listener);
    },
    removeEventListener: (type: string, listener: Listener) => {
      listeners[type] = listeners[type].filter((l) => l !== listener);
    },
    setTimeout: (callback: () => void) => {
      timers.set(nextTimer, callback);
      return nextTimer++;
    },
    clearTimeout: (id: number) => timers.delete(id),
  };
  function press(type: 'keydown' | 'keyup', key: string, time: number): FakeKey {
    clock = time;
    const event: FakeKey = {
      type,
      key,
      timeStamp: time,
      ctrlKey: false,
      altKey: false,
      metaKey: false,
      repeat: false,
      isComposing: false,
      prevented: false,
      stopped: false,
      preventDefault() {
        this.prevented = true;
      },
      stopImmediatePropagation() {
        this.stopped = true;
      },
    };
    listeners[type].forEach((listener) => listener(event));
    return event;
  }
  function runTimers(time: number): void {
    clock = time;
    const pending = [...timers.values()];
    timers.clear();
    pending.forEach((callback) => callback());
  }
  return { win: win as unknown as Window, press, runTimers, inserted, listeners };
}

describe('wedge scanner DOM binding', () => {
  it('swallows a scan whatever has focus: keys prevented, Enter stopped, scan reported, nothing inserted', () => {
    const page = fakeWindow({ tagName: 'INPUT', type: 'text' });
    const scans: string[] = [];
    bindWedgeScanner(page.win, { onScan: (code) => scans.push(code) });
    const keyEvents = [...'4006381333931'].map((key, i) => page.press('keydown', key, 100 + i * 6));
    const enter = page.press('keydown', 'Enter', 180);
    const enterUp = page.press('keyup', 'Enter', 185);
    expect(keyEvents.every((event) => event.prevented)).toBe(true);
    expect(enter.prevented && enter.stopped).toBe(true);
    expect(enterUp.prevented && enterUp.stopped).toBe(true);
    expect(scans).toEqual(['4006381333931']);
    page.runTimers(1000);
    expect(page.inserted).toEqual([]);
  });

  it('replays human typing into the focused input when it settles', () => {
    const page = fakeWindow({ tagName: 'INPUT', type: 'text' });
    bindWedgeScanner(page.win, { onScan: () => expect.fail('not a scan') });
    page.press('keydown', '2', 0);
    page.runTimers(60);
    expect(page.inserted).toEqual(['2']);
  });

  it('replays a short buffer before letting a human Enter through', () => {
    const page = fakeWindow({ tagName: 'INPUT', type: 'password' });
    bindWedgeScanner(page.win, { onScan: () => expect.fail('not a scan') });
    ['1', '2', '3', '4'].forEach((key, i) => page.press('keydown', key, i * 5));
    const enter = page.press('keydown', 'Enter', 25);
    expect(page.inserted).toEqual(['1234']);
    expect(enter.prevented || enter.stopped).toBe(false);
  });

  it('drops replayed text when nothing editable has focus (a button), and never clicks it with the scan Enter', () => {
    const page = fakeWindow({ tagName: 'BUTTON' });
    const scans: string[] = [];
    bindWedgeScanner(page.win, { onScan: (code) => scans.push(code) });
    [...'20123450'].forEach((key, i) => page.press('keydown', key, i * 5));
    const enter = page.press('keydown', 'Enter', 42);
    expect(enter.prevented && enter.stopped).toBe(true);
    expect(scans).toEqual(['20123450']);
    expect(page.inserted).toEqual([]);
  });

  it('unbinds', () => {
    const page = fakeWindow(null);
    const unbind = bindWedgeScanner(page.win, { onScan: () => {} });
    unbind();
    expect(page.listeners.keydown).toHaveLength(0);
    expect(page.listeners.keyup).toHaveLength(0);
  });
});
