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

/** A text field the fake document edits as a browser would: at the selection. */
interface FakeField {
  value: string;
  selectionStart: number;
  selectionEnd: number;
}

function fakeWindow(active: ({ tagName: string; type?: string } & Partial<FakeField>) | null) {
  const listeners: Record<string, Listener[]> = { keydown: [], keyup: [] };
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  let clock = 0;
  const inserted: string[] = [];
  // The field itself (not a copy), so that the test sees what the binding did to it.
  const activeElement = active
    ? Object.assign(active, { isContentEditable: false, readOnly: false, disabled: false })
    : null;
  const field = activeElement && typeof activeElement.value === 'string' ? (activeElement as FakeField) : null;
  function edit(replacement: string): void {
    if (!field) return;
    const { value, selectionStart: start, selectionEnd: end } = field;
    field.value = value.slice(0, start) + replacement + value.slice(end);
    field.selectionStart = field.selectionEnd = start + replacement.length;
  }
  const win = {
    performance: { now: () => clock },
    document: {
      activeElement,
      execCommand: (command: string, _ui: boolean, text: string) => {
        if (command === 'insertText') {
          inserted.push(text);
          edit(text);
        }
        if (command === 'delete') edit('');
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
  /** A key stamped `time` that reaches the page when its clock reads `arrives` (the same, by default). */
  function press(type: 'keydown' | 'keyup', key: string, time: number, arrives = time): FakeKey {
    clock = arrives;
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

/** A focused text input holding `value`, the caret at its end. */
function textField(value: string) {
  return {
    tagName: 'INPUT',
    type: 'text',
    value,
    selectionStart: value.length,
    selectionEnd: value.length,
    setSelectionRange(start: number, end: number) {
      this.selectionStart = start;
      this.selectionEnd = end;
    },
  };
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

  it('a scan whose keys reach the page late is still one scan: the early replay is taken back out of the field', () => {
    // A search box with "ab" typed; the caret at its end.
    const field = textField('ab');
    const page = fakeWindow(field);
    const scans: string[] = [];
    bindWedgeScanner(page.win, { onScan: (code) => scans.push(code) });
    const code = '4006381333931';
    // Five keys stamped 5 ms apart; the page stalls and the settle timer fires 80 ms later.
    [...code.slice(0, 5)].forEach((key, i) => page.press('keydown', key, i * 5));
    page.runTimers(100);
    expect(field.value).toBe('ab40063');
    // The rest arrives late, stamped as the scanner sent them: the scan is whole, the field as before.
    [...code.slice(5)].forEach((key, i) => page.press('keydown', key, 25 + i * 5, 100 + i));
    const enter = page.press('keydown', 'Enter', 25 + 8 * 5, 110);
    expect(scans).toEqual([code]);
    expect(enter.prevented && enter.stopped).toBe(true);
    expect(field.value).toBe('ab');
    expect(field.selectionStart).toBe(2);
  });

  it('leaves the early replay where it is when the cashier moved the caret, and still scans the whole code', () => {
    const field = textField('');
    const page = fakeWindow(field);
    const scans: string[] = [];
    bindWedgeScanner(page.win, { onScan: (code) => scans.push(code) });
    [...'40063'].forEach((key, i) => page.press('keydown', key, i * 5));
    page.runTimers(100);
    field.setSelectionRange(0, 0);
    [...'81333931'].forEach((key, i) => page.press('keydown', key, 25 + i * 5, 100 + i));
    page.press('keydown', 'Enter', 65, 110);
    expect(scans).toEqual(['4006381333931']);
    expect(field.value).toBe('40063');
  });

  it('takes a late scan back from nowhere when nothing editable had focus', () => {
    const page = fakeWindow({ tagName: 'BUTTON' });
    const scans: string[] = [];
    bindWedgeScanner(page.win, { onScan: (code) => scans.push(code) });
    [...'40063'].forEach((key, i) => page.press('keydown', key, i * 5));
    page.runTimers(100);
    [...'81333931'].forEach((key, i) => page.press('keydown', key, 25 + i * 5, 100 + i));
    page.press('keydown', 'Enter', 65, 110);
    expect(scans).toEqual(['4006381333931']);
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
