/**
 * Hostile SOAP answers from a fake camera the gateway is configured with (a real HTTP server in
 * front of a simulated camera): every camera request ends in time, API calls are answered, the
 * gateway survives and its RSS stays bounded. FUZZ_SEED / FUZZ_RUNS / FUZZ_TIME_MS / FUZZ_ONLY.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { soapParts } from './soap-target.js';
import { startFuzzStack, type FuzzStack } from './stack.js';
import { expectSurvived } from './expect-survived.js';
import { describeOutcome, fuzzSettings, runTarget } from './target.js';

describe('fuzz: hostile SOAP answers from a camera', () => {
  let stack: FuzzStack;

  beforeAll(async () => {
    stack = await startFuzzStack();
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('survives hostile, huge, trickled and cut camera answers, with bounded RSS', async () => {
    const parts = soapParts(stack.camera);
    const outcome = await runTarget('soap answers', parts, stack.gateway, fuzzSettings({ runs: 40, timeLimitMs: 25_000 }), 'assert');
    console.log(describeOutcome(outcome));
    console.log(`SOAP requests the hostile camera saw: ${JSON.stringify(Object.fromEntries(stack.camera.actions))}`);
    expectSurvived(outcome, parts.length);
  }, 900_000);
});
