/**
 * `npm run bench -- <name>` runs bench/<name>.ts. Each benchmark prints a table, writes
 * bench/results/<name>.json and measures its baseline in the same run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none yet)'}`);
  process.exit(name ? 2 : 0);
}

const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { default: (args: string[]) => Promise<void> };
await mod.default(process.argv.slice(3));
// Benchmarks stop what they start; exit explicitly so a stray handle cannot hang the command.
process.exit(0);
