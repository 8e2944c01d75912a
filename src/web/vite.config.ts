import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** One line on the terminal while the dashboards are built (`npm start` builds them first); nothing when a caller asks for errors only. */
function oneLineProgress(): Plugin {
  let quiet = false;
  let startedAt = 0;
  return {
    name: 'one-line-progress',
    apply: 'build',
    configResolved(config) {
      quiet = config.logLevel === 'error' || config.logLevel === 'silent';
    },
    buildStart() {
      startedAt = Date.now();
      if (!quiet) process.stdout.write('Building the dashboards... ');
    },
    closeBundle() {
      if (!quiet) process.stdout.write(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    },
  };
}

/** The dashboards (console, TV wall, phone): built to src/web/dist and served by the gateway. */
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [oneLineProgress()],
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
