import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve('src-main/shell/electron/index.ts'),
          host: resolve('src-main/shell/web/host.ts'),
          // Its own file: the journal's background integrity check runs it on a worker thread.
          'integrity-check-worker': resolve('src-main/journal/integrity-check-worker.ts'),
          // Its own file: the catalogue import runs it on a worker thread (src-main/catalog/import-runner.ts).
          'catalog-import-worker': resolve('src-main/catalog/import-worker.ts'),
        },
      },
      rollupOptions: {
        external: [
          'better-sqlite3',
          'node-hid',
          'serialport',
          'bonjour-service',
          'receiptline',
          'ws',
          'zod',
          'electron',
        ],
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve('src-preload/index.ts'), formats: ['cjs'] },
      // Sandboxed preloads cannot require anything but electron: bundle everything else.
      externalizeDeps: false,
      rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: { outDir: 'out/renderer', minify: true, rollupOptions: { input: resolve('src-renderer/index.html') } },
  },
});
