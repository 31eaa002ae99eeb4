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
 * onChange sees it as typing and undo works.
 */
function replayText(doc: Document, text: string): void {
  if (text && editableTarget(doc)) doc.execCommand('insertText', false, text);
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

  function onSettle(): void {
    settleTimer = undefined;
    replayText(doc, detector.settle(now()));
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
