import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dashboards (console, TV wall, phone): built to src/web/dist and served by the gateway. */
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
    // Scripts (the talk capture worklet) stay files: the gateway's CSP allows scripts only from 'self', not data: URLs.
    assetsInlineLimit: (file: string) => (file.endsWith('.js') ? false : undefined),
  },
  logLevel: 'warn',
});
