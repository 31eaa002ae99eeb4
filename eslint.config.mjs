// Each folder's runtime is visible and enforced (STYLE.md 5): shared code is pure,
// the renderer never touches electron or Node, main never imports React.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'stream', 'util', 'events', 'url', 'zlib', 'worker_threads'];
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message, allowTypeImports: true }] }],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: restrict(['electron', 'react', 'react-dom', ...nodeBuiltins, '../src-main/**', '../src-renderer/**', '../src-preload/**'], 'src-shared is pure: no electron, Node or DOM, and no imports from the process folders.'),
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: restrict(['electron', ...nodeBuiltins, '**/src-main/**', '../src-main/**', '../../src-main/**'], 'The renderer never imports electron, Node built-ins or main-process code; talk to main through the contract.'),
  },
  {
    files: ['src-main/**/*.ts'],
    rules: restrict(['react', 'react-dom', 'react/*', 'zustand', '**/src-renderer/**'], 'Main never imports React or renderer code.'),
  },
  {
    // Only the Electron shell files may import electron; everything else in main runs under plain Node.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/index.ts', 'src-main/security.ts', 'src-main/electron-ipc.ts', 'src-main/os-print.ts'],
    rules: restrict(['electron', 'react', 'react-dom', 'react/*', 'zustand', '**/src-renderer/**'], 'Keep Electron at the edge: only index.ts, security.ts, electron-ipc.ts and os-print.ts import electron; main never imports React.'),
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: restrict([...nodeBuiltins, '**/src-main/**', '../src-main/**'], 'The sandboxed preload may only use electron and the shared contract.'),
  },
);
