/**
 * Random and oversized frames on every WebSocket endpoint: the gateway survives every case and its
 * RSS stays bounded. Seeded (FUZZ_SEED), sized by FUZZ_RUNS (cases for all endpoints together) and
 * FUZZ_TIME_MS; a failure prints fast-check's seed, path and minimal counterexample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFuzzStack, type FuzzStack } from './stack.js';
import { expectSurvived } from './expect-survived.js';
import { describeOutcome, fuzzSettings, runTarget } from './target.js';
import { wsParts } from './ws-target.js';

describe('fuzz: WebSocket endpoints', () => {
  let stack: FuzzStack;

  beforeAll(async () => {
    stack = await startFuzzStack({ speaker: true });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('survives random and oversized frames on every endpoint, with bounded RSS', async () => {
    const parts = wsParts(stack.gateway.info);
    expect(parts.map((p) => p.name)).toEqual(expect.arrayContaining(['ws /api/feed (frames)', 'ws /api/streams/:camera (oversized frames)', 'ws /api/broadcast/talk (frames)', 'ws /mqtt (frames)']));
    const outcome = await runTarget('ws frames', parts, stack.gateway, fuzzSettings({ runs: 200, timeLimitMs: 25_000 }), 'assert');
    console.log(describeOutcome(outcome));
    expectSurvived(outcome, parts.length);
  }, 600_000);
});
