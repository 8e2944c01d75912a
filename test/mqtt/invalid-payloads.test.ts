import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type TopicSpec } from '../../src/core/mqtt-contract.js';
import { inboundTopics } from '../../src/mqtt/contract.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const KINDS = ['barriers', 'speakers', 'cameras'] as const;
const devices = KINDS.map((kind) => ({ id: `${kind}-dev`, kind, password: `${kind}-secret`, groups: [] }));
const integration = { name: 'home-automation', password: 'integration-secret' };

/** Fills every topic variable: the device id of the topic's kind, else a plausible value. */
function concreteTopic(spec: TopicSpec<unknown, string>): { topic: string; user: string; password: string } {
  const kind = KINDS.find((k) => spec.pattern.startsWith(`${k}/`));
  const params = Object.fromEntries(spec.params.map((p) => [p, p === 'id' && kind ? `${kind}-dev` : `test-${p}`]));
  const topic = buildTopic('community', spec, params);
  if (kind && topic.startsWith(`community/${kind}/${kind}-dev/`)) return { topic, user: `${kind}-dev`, password: `${kind}-secret` };
  return { topic, user: integration.name, password: integration.password };
}

async function connect(url: string, username: string, password: string): Promise<MqttClient> {
  const client = mqtt.connect(url, { username, password, clientId: `${username}:${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

describe('invalid payloads on every inbound topic of the contract', () => {
  let gw: TestGateway;
  let observer: MqttClient;
  const errors: Array<{ topic: string; reason: string }> = [];
  const responses: Array<{ topic: string; payload: Record<string, unknown> }> = [];

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices, integrations: [integration] } } });
    observer = await connect(gw.mqttUrl, integration.name, integration.password);
    await observer.subscribeAsync(['community/gateway/errors', 'community/gateway/response/+'], { qos: 1 });
    observer.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (topic === 'community/gateway/errors') errors.push(body as { topic: string; reason: string });
      else responses.push({ topic, payload: body });
    });
  });

  afterAll(async () => {
    observer?.end(true);
    await gw?.stop();
  });

  const garbage = [Buffer.from('{not json'), Buffer.from([0xff, 0xfe, 0x00, 0x01]), Buffer.from('{"unexpected": true}')];

  for (const spec of inboundTopics()) {
    it(`${spec.name}: garbage is reported on gateway/errors and the gateway keeps serving`, async () => {
      const { topic, user, password } = concreteTopic(spec);
      const client = await connect(gw.mqttUrl, user, password);
      try {
        const before = errors.filter((e) => e.topic === topic).length;
        // The binary frame topics refuse short garbage; JSON topics refuse all three.
        for (const payload of garbage) await client.publishAsync(topic, payload, { qos: 1 });
        await waitFor(() => errors.filter((e) => e.topic === topic).length > before, 3000, `an error report for ${topic}`);
        const report = errors.find((e) => e.topic === topic)!;
        expect(report.reason.length).toBeGreaterThan(5);
      } finally {
        client.end(true);
      }
      const health = await gw.api('/healthz');
      expect(health.status).toBe(200);
    });
  }

  it('answers a valid request on gateway/response/<op> with the transaction id', async () => {
    await observer.publishAsync('community/gateway/request/ping', JSON.stringify({ transaction: 'tx-1' }), { qos: 1 });
    const answer = await waitFor(() => responses.find((r) => r.payload.transaction === 'tx-1'), 3000, 'ping response');
    expect(answer.topic).toBe('community/gateway/response/ping');
    expect(answer.payload).toMatchObject({ status: 'ok', data: { pong: true } });
    await observer.publishAsync('community/gateway/request/no-such-op', JSON.stringify({ transaction: 7 }), { qos: 1 });
    const refusal = await waitFor(() => responses.find((r) => r.payload.transaction === 7), 3000, 'error response');
    expect(refusal.payload.status).toBe('error');
    expect(String(refusal.payload.error)).toContain('unknown operation');
  });

  it('counts refused messages in /metrics', async () => {
    const text = await (await gw.api('/metrics')).text();
    expect(text).toMatch(/gateway_mqtt_invalid_messages_total\{topic_name="gateway.request"\} [1-9]/);
  });
});
