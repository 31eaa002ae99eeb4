import { SHORTCUTS } from './shortcuts';

export function ShortcutLegend() {
  return (
    <footer className="shortcut-legend" aria-label="Keyboard shortcuts">
      <ul>
        {SHORTCUTS.map((shortcut) => (
          <li key={shortcut.key}>
            <kbd>{shortcut.key === 'Escape' ? 'Esc' : shortcut.key}</kbd> {shortcut.label}
          </li>
        ))}
        <li>
          <kbd>Enter</kbd> New sale (on the receipt)
        </li>
      </ul>
    </footer>
  );
}
