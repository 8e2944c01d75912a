/**
 * Random bodies on every state-changing route, with an admin token and the right Origin: the
 * gateway survives every case and its RSS stays bounded. Answers of 500 are listed (bad input
 * should get a 4xx) but do not fail the run. FUZZ_SEED / FUZZ_RUNS / FUZZ_TIME_MS / FUZZ_ONLY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeParts, type ServerErrors } from './routes-target.js';
import { startFuzzStack, type FuzzStack } from './stack.js';
import { expectSurvived } from './expect-survived.js';
import { describeOutcome, fuzzSettings, runTarget } from './target.js';

describe('fuzz: state-changing HTTP routes', () => {
  let stack: FuzzStack;

  beforeAll(async () => {
    stack = await startFuzzStack({ speaker: true });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('survives random bodies on every state-changing route, with bounded RSS', async () => {
    const serverErrors: ServerErrors = new Map();
    const parts = routeParts(stack.gateway.info, serverErrors);
    expect(parts.length).toBeGreaterThan(20);
    const outcome = await runTarget('http bodies', parts, stack.gateway, fuzzSettings({ runs: 250, timeLimitMs: 20_000 }), 'assert');
    console.log(describeOutcome(outcome));
    if (serverErrors.size) console.log(`answers >= 500 (not crashes):\n${[...serverErrors].map(([r, e]) => `  ${r}: ${e.count}, e.g. ${e.example}`).join('\n')}`);
    expectSurvived(outcome, parts.length);
  }, 600_000);
});
