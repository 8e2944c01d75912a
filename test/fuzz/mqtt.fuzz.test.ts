/**
 * Random payloads on every inbound topic of the MQTT contract, each from a device into its own
 * subtree: the gateway survives every case and its RSS stays bounded.
 * FUZZ_SEED / FUZZ_RUNS / FUZZ_TIME_MS / FUZZ_ONLY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundTopics } from '../../src/mqtt/contract.js';
import { MqttClients, mqttParts } from './mqtt-target.js';
import { startFuzzStack, type FuzzStack } from './stack.js';
import { expectSurvived } from './expect-survived.js';
import { describeOutcome, fuzzSettings, runTarget } from './target.js';

describe('fuzz: inbound MQTT topics', () => {
  let stack: FuzzStack;
  let clients: MqttClients;

  beforeAll(async () => {
    stack = await startFuzzStack();
    clients = new MqttClients(stack.mqttUrl);
  }, 90_000);

  afterAll(async () => {
    clients?.close();
    await stack?.stop();
  }, 30_000);

  it('survives random payloads on every inbound topic, with bounded RSS', async () => {
    const parts = mqttParts(clients);
    expect(parts.length).toBe(inboundTopics().length);
    const outcome = await runTarget('mqtt payloads', parts, stack.gateway, fuzzSettings({ runs: 250, timeLimitMs: 20_000 }), 'assert');
    console.log(describeOutcome(outcome));
    expectSurvived(outcome, parts.length);
  }, 600_000);
});
