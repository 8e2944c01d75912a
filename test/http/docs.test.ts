import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spliceGenerated } from '../../src/mqtt/contract-docs.js';
import { generatedDocs, generatedFiles } from '../../scripts/docs-sources.js';

describe('generated docs', () => {
  for (const { file, generated } of generatedDocs()) {
    it(`${file} is current (run \`npm run docs\`)`, () => {
      const current = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(spliceGenerated(current, generated)).toBe(current);
    });
  }
  for (const { file, text } of generatedFiles()) {
    it(`${file} is current (run \`npm run docs\`)`, () => {
      expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')).toBe(text);
    });
  }
});
