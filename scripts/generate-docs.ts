/** Regenerates the generated parts of docs/ (`npm run docs`): the MQTT contract and the API reference. */
import { readFileSync, writeFileSync } from 'node:fs';
import { spliceGenerated } from '../src/mqtt/contract-docs.js';
import { generatedDocs } from './docs-sources.js';

for (const { file, generated } of generatedDocs()) {
  const url = new URL(`../${file}`, import.meta.url);
  const current = readFileSync(url, 'utf8');
  const next = spliceGenerated(current, generated);
  if (next !== current) writeFileSync(url, next);
  console.log(`${file}: ${next !== current ? 'updated' : 'up to date'}`);
}
