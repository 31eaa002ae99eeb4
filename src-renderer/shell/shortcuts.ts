/**
 * Cashier shortcuts. The list drives both the key handling and the on-screen legend, so
 * the legend cannot drift from what the keys do.
 */

export type ShortcutAction = 'focus-search' | 'pay' | 'history' | 'shift' | 'lock' | 'back';

export interface Shortcut {
  key: string;
  action: ShortcutAction;
  /** Legend text. */
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'F2', action: 'focus-search', label: 'Scan or search' },
  { key: 'F4', action: 'pay', label: 'Pay' },
  { key: 'F8', action: 'history', label: 'History' },
  { key: 'F9', action: 'shift', label: 'Shift' },
  // F10 and F11 belong to the window (menu, full screen) in browsers and on Windows.
  { key: 'F12', action: 'lock', label: 'Lock' },
  { key: 'Escape', action: 'back', label: 'Close / back' },
];

export interface ShortcutKey {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  defaultPrevented: boolean;
}

/**
 * The action for a key, or null. `inDialog`: Esc belongs to an open dialog (it closes
 * it), not to the screen behind.
 */
export function shortcutFor(event: ShortcutKey, inDialog: boolean): ShortcutAction | null {
  if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return null;
  const shortcut = SHORTCUTS.find((s) => s.key === event.key);
  if (!shortcut || (inDialog && shortcut.action === 'back')) return null;
  return shortcut.action;
}

/** Listens in the bubble phase, after the wedge scanner (capture phase) had its say. */
export function bindShortcuts(win: Window, run: (action: ShortcutAction) => void): () => void {
  function onKeyDown(event: KeyboardEvent): void {
    const inDialog = win.document.querySelector('dialog[open]') !== null;
    const action = shortcutFor(event, inDialog);
    if (!action) return;
    event.preventDefault();
    run(action);
  }
  win.addEventListener('keydown', onKeyDown);
  return () => win.removeEventListener('keydown', onKeyDown);
}
