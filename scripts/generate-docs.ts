/** Regenerates the contract part of docs/mqtt.md (`npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { chapters, contract } from '../src/mqtt/contract.js';
import { renderContractDocs, spliceGenerated } from '../src/mqtt/contract-docs.js';

const file = new URL('../docs/mqtt.md', import.meta.url);
const current = readFileSync(file, 'utf8');
const next = spliceGenerated(current, renderContractDocs(contract, chapters));
if (next !== current) {
  writeFileSync(file, next);
  console.log('docs/mqtt.md updated');
} else {
  console.log('docs/mqtt.md is up to date');
}
