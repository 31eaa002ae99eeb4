// Each folder's runtime is visible and enforced (STYLE.md 5): shared code is pure,
// the renderer never touches electron or Node, main never imports React, and only the
// Electron shell imports electron. The per-runtime tsconfigs enforce the same for types.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** Every Node built-in, with and without the `node:` prefix (fs, fs/promises, dns, timers/promises, …). */
const nodeBuiltins = ['node:*', ...builtinModules.filter((name) => !name.startsWith('_')).map((name) => `=${name}`)];
const react = ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'];
/** Globals only Node has. */
const nodeGlobals = [
  'process',
  'Buffer',
  'require',
  'module',
  'exports',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
];
/** Globals only a browser window has. */
const domGlobals = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'location',
  'history',
  'alert',
  'confirm',
  'HTMLElement',
  'XMLHttpRequest',
];

/**
 * Names starting with `=` are exact module names (a built-in called `domain` must not match `./domain`);
 * the others are gitignore-style patterns.
 */
const restrictImports = (names, message) => {
  const exact = names
    .filter((name) => name.startsWith('='))
    .map((name) => ({ name: name.slice(1), message, allowTypeImports: true }));
  const group = names.filter((name) => !name.startsWith('='));
  return ['error', { paths: exact, patterns: [{ group, message, allowTypeImports: true }] }];
};
const restrictGlobals = (names, message) => ['error', ...names.map((name) => ({ name, message }))];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', '.electron-native/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        ['electron', ...react, ...nodeBuiltins, '**/src-main/**', '**/src-renderer/**', '**/src-preload/**'],
        'src-shared is pure: no electron, React, Node or DOM, and no imports from the process folders.',
      ),
      'no-restricted-globals': restrictGlobals(
        [...nodeGlobals, ...domGlobals, 'fetch', 'WebSocket'],
        'src-shared runs in every process: no Node, DOM or network globals.',
      ),
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrictImports(
        ['electron', ...nodeBuiltins, '**/src-main/**', '**/src-preload/**'],
        'The renderer never imports electron, Node built-ins or main-process code; talk to main through the contract.',
      ),
      'no-restricted-globals': restrictGlobals(nodeGlobals, 'The renderer is a sandboxed web page: no Node globals.'),
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/shell/electron/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        ['electron', ...react, '**/src-renderer/**', '**/src-preload/**'],
        'Keep Electron at the edge: only src-main/shell/electron imports electron; main never imports React or renderer code.',
      ),
      'no-restricted-globals': restrictGlobals(
        domGlobals,
        "Main has no DOM: it runs under plain Node and in Electron's main process.",
      ),
    },
  },
  {
    files: ['src-main/shell/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        [...react, '**/src-renderer/**', '**/src-preload/**'],
        'Main never imports React or renderer code.',
      ),
      'no-restricted-globals': restrictGlobals(
        domGlobals,
        'Main has no DOM: the Electron shell reaches pages only through webContents.',
      ),
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        [...nodeBuiltins, ...react, '**/src-main/**', '**/src-renderer/**'],
        'The sandboxed preload may only use electron and the shared contract.',
      ),
      'no-restricted-globals': restrictGlobals(
        ['Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate'],
        'A sandboxed preload has no Node globals.',
      ),
    },
  },
);
