import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: { index: resolve('src-main/shell/electron/index.ts'), host: resolve('src-main/shell/web/host.ts') },
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
