/** Regenerates the generated parts of docs/ (`npm run docs`): the MQTT contract, the API reference, and the dashboards' English message catalog. */
import { readFileSync, writeFileSync } from 'node:fs';
import { spliceGenerated } from '../src/mqtt/contract-docs.js';
import { generatedDocs, generatedFiles } from './docs-sources.js';

for (const { file, generated } of generatedDocs()) {
  const url = new URL(`../${file}`, import.meta.url);
  const current = readFileSync(url, 'utf8');
  const next = spliceGenerated(current, generated);
  if (next !== current) writeFileSync(url, next);
  console.log(`${file}: ${next !== current ? 'updated' : 'up to date'}`);
}

for (const { file, text } of generatedFiles()) {
  const url = new URL(`../${file}`, import.meta.url);
  const current = readFileSync(url, 'utf8');
  if (text !== current) writeFileSync(url, text);
  console.log(`${file}: ${text !== current ? 'updated' : 'up to date'}`);
}
