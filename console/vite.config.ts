import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The console's build: a static bundle in `console/dist` (or `outDir` given to `build`), with
 * relative asset URLs so it works at any path (local mode's `/`, CloudFront's root).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preact()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the published bundle; the console's source is in the repository.
    sourcemap: false,
    target: 'es2022',
    // The bundle budget is 300 KB gzipped (README); this warns far below it.
    chunkSizeWarningLimit: 400,
  },
});
