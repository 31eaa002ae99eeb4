/**
 * Binds the wedge detector to the page: a capture-phase keydown listener on window sees
 * every key before any element does, whatever has focus.
 */
import { createWedgeDetector, type WedgeDetector, type WedgeOptions } from './wedge-detector';

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'password', 'tel', 'number', 'email', 'url']);

/** The element typing would go into, if it takes text. (Tag checks, not instanceof: testable without a DOM.) */
function editableTarget(doc: Document): HTMLElement | null {
  const el = doc.activeElement as (HTMLElement & { type?: string; readOnly?: boolean; disabled?: boolean }) | null;
  if (!el) return null;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') {
    const textual = el.tagName === 'TEXTAREA' || TEXT_INPUT_TYPES.has(el.type ?? 'text');
    return textual && !el.readOnly && !el.disabled ? el : null;
  }
  return el.isContentEditable ? el : null;
}

/**
 * Puts typing that was held back where the cashier was typing. execCommand('insertText')
 * goes through the browser's editing path (beforeinput/input events), so React's
 * onChange sees it as typing and undo works. Returns the element it went into.
 */
function replayText(doc: Document, text: string): HTMLElement | null {
  const target = text ? editableTarget(doc) : null;
  if (target) doc.execCommand('insertText', false, text);
  return target;
}

/**
 * Takes back text the settle timer replayed into `target` when the next key shows it was
 * the head of a scan. Only while it is untouched: the same field still has focus and the
 * text sits just before the caret (nothing selected). Deleting through execCommand keeps
 * React's onChange in step. Otherwise it stays: the scan is whole either way.
 */
function withdrawText(doc: Document, target: HTMLElement, text: string): void {
  const field = target as HTMLElement & Partial<HTMLInputElement>;
  if (doc.activeElement !== target || typeof field.value !== 'string' || !field.setSelectionRange) return;
  const caret = field.selectionStart;
  if (caret == null || caret !== field.selectionEnd || caret < text.length) return;
  if (field.value.slice(caret - text.length, caret) !== text) return;
  field.setSelectionRange(caret - text.length, caret);
  doc.execCommand('delete');
}

export interface WedgeBindingOptions extends WedgeOptions {
  onScan(code: string): void;
  /** Clock of KeyboardEvent.timeStamp. */
  now?: () => number;
}

export function bindWedgeScanner(win: Window, options: WedgeBindingOptions): () => void {
  const detector: WedgeDetector = createWedgeDetector(options);
  const now = options.now ?? (() => win.performance.now());
  const doc = win.document;
  let settleTimer: number | undefined;
  /** The terminator's keyup after a scan is swallowed too. */
  let swallowKeyUp: string | null = null;
  /** Where the settle timer's last replay went, should the next key take it back. */
  let settledInto: HTMLElement | null = null;

  function onSettle(): void {
    settleTimer = undefined;
    settledInto = replayText(doc, detector.settle(now()));
    if (detector.holding()) settleTimer = win.setTimeout(onSettle, detector.settleMs);
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing || event.key === 'Process' || event.key === 'Unidentified') return;
    const decision = detector.keydown({
      key: event.key,
      time: event.timeStamp,
      ctrl: event.ctrlKey,
      alt: event.altKey,
      meta: event.metaKey,
      repeat: event.repeat,
    });
    if (decision.resumed && settledInto) withdrawText(doc, settledInto, decision.resumed);
    settledInto = null;
    replayText(doc, decision.replay);
    if (decision.key === 'pass') return;
    event.preventDefault();
    if (decision.key === 'buffer') {
      if (settleTimer !== undefined) win.clearTimeout(settleTimer);
      settleTimer = win.setTimeout(onSettle, detector.settleMs);
      return;
    }
    event.stopImmediatePropagation();
    swallowKeyUp = event.key;
    if (decision.code) options.onScan(decision.code);
  }

  function onKeyUp(event: KeyboardEvent): void {
    if (swallowKeyUp === null || event.key !== swallowKeyUp) return;
    swallowKeyUp = null;
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  win.addEventListener('keydown', onKeyDown, true);
  win.addEventListener('keyup', onKeyUp, true);
  return () => {
    win.removeEventListener('keydown', onKeyDown, true);
    win.removeEventListener('keyup', onKeyUp, true);
    if (settleTimer !== undefined) win.clearTimeout(settleTimer);
  };
}
