import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Builds the dashboards once before any test runs (the browser tests open them; the gateway
 * serves src/web/dist). Building here, not in each test file, keeps parallel workers from
 * rebuilding the same folder at the same time.
 */
export async function setup(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../src/web/vite.config.ts', import.meta.url)), logLevel: 'error' });
}
