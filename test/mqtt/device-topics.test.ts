import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMosquittoFiles } from '../../src/mqtt/mosquitto-config.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { closedWithin, connectClient } from '../helpers/mqtt-clients.js';
import { waitFor } from '../helpers/wait.js';

const devices = [
  { id: 'gate-1', kind: 'barriers' as const, password: 'gate-1-secret', groups: [] },
  { id: 'spk-1', kind: 'speakers' as const, password: 'spk-1-secret', groups: ['all'] },
];
const integration = { name: 'watch', password: 'watch-secret-1' };
const gatewayUser = { username: 'gateway', password: 'gateway-secret' };

/** Gateway-to-device topics of the contract, in each device's own subtree. */
const GATEWAY_TO_DEVICE = [
  ['gate-1', 'community/barriers/gate-1/ack', JSON.stringify({ eventIds: ['forged'], committedAt: new Date().toISOString() })],
  ['gate-1', 'community/barriers/gate-1/command', JSON.stringify({ requestId: 'r1', action: 'open' })],
  ['gate-1', 'community/barriers/gate-1/lists', JSON.stringify({ version: 999, allow: [], deny: [] })],
  ['spk-1', 'community/speakers/spk-1/play', JSON.stringify({ jobId: 'x' })],
  ['spk-1', 'community/speakers/spk-1/volume', JSON.stringify({ volume: 100 })],
] as const;

/** What happens to a publish: acknowledged, refused by a reason code (MQTT 5), or the connection closed. */
async function publishOutcome(client: MqttClient, topic: string, payload: string, retain = false): Promise<string> {
  return Promise.race([
    client.publishAsync(topic, payload, { qos: 1, retain }).then(
      (packet) => (packet && 'reasonCode' in packet && packet.reasonCode ? `reason ${String(packet.reasonCode)}` : 'acked'),
      (err: Error) => `refused: ${err.message}`,
    ),
    closedWithin(client, 3000).then((state) => (state === 'closed' ? 'disconnected' : 'no answer')),
  ]);
}

for (const broker of ['embedded', 'mosquitto'] as const) {
  describe(`devices on their own gateway-to-device topics (${broker})`, () => {
    let gw: TestGateway;
    let mosquitto: RunningMosquitto | undefined;
    let watcher: MqttClient;
    const seen: string[] = [];
    const version = broker === 'mosquitto' ? 5 : 4;
    const device = (id: string) => connectClient(gw.mqttUrl, { username: id, password: `${id}-secret`, clientId: id, protocolVersion: version });

    beforeAll(async () => {
      const mqttConfig: Record<string, unknown> = { devices, integrations: [integration] };
      if (broker === 'mosquitto') {
        mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', devices, integrations: [integration], ...gatewayUser } });
        Object.assign(mqttConfig, { url: mosquitto.url, ...gatewayUser, protocolVersion: 5 });
      }
      gw = await startTestGateway({ config: { mqtt: mqttConfig } });
      watcher = await connectClient(gw.mqttUrl, { username: integration.name, password: integration.password, clientId: integration.name, protocolVersion: version });
      await watcher.subscribeAsync(['community/barriers/#', 'community/speakers/#'], { qos: 1 });
      watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    });

    afterAll(async () => {
      watcher?.end(true);
      await gw?.stop();
      await mosquitto?.stop();
    });

    it.each(GATEWAY_TO_DEVICE)('%s may not publish on %s', async (id, topic, payload) => {
      const client = await device(id);
      try {
        const outcome = await publishOutcome(client, topic, payload, topic.endsWith('/lists'));
        // aedes (MQTT 3.1.1) disconnects the offender; mosquitto answers MQTT 5 "not authorized".
        expect(outcome).toBe(broker === 'embedded' ? 'disconnected' : 'refused: Publish error: Not authorized');
        await new Promise((r) => setTimeout(r, 300));
        expect(seen.filter((m) => m.startsWith(`${topic} `) && m.includes(payload))).toEqual([]);
      } finally {
        client.end(true);
      }
    });

    it('a device may read gateway/state (is the gateway online?) but not gateway/errors', async () => {
      const client = await device('gate-1');
      try {
        const states: string[] = [];
        client.on('message', (topic, payload) => states.push(`${topic} ${payload.toString()}`));
        const granted = await client.subscribeAsync('community/gateway/state', { qos: 1 });
        expect(granted.map((g) => g.qos)).toEqual([1]);
        const state = await waitFor(() => states.find((s) => s.startsWith('community/gateway/state ')), 3000, 'retained gateway state');
        expect(state).toContain('"online"');
        // gateway/errors carries every device's refusals: aedes refuses the subscription; mosquitto grants it but delivers nothing.
        const errors = await client.subscribeAsync('community/gateway/errors', { qos: 1 }).then(
          (g) => g.map((x) => x.qos),
          (err: Error) => err.message,
        );
        if (broker === 'embedded') expect(errors).toMatch(/Subscribe error/);
        await watcher.publishAsync('community/barriers/gate-1/entry', 'not json', { qos: 1 });
        await waitFor(() => seen.some((m) => m.includes('not json')), 3000, 'the invalid entry');
        await new Promise((r) => setTimeout(r, 500));
        expect(states.filter((s) => s.startsWith('community/gateway/errors'))).toEqual([]);
      } finally {
        client.end(true);
      }
    });

    it('a device publishes its own device-to-gateway topics (availability retained, entry not)', async () => {
      const client = await device('gate-1');
      try {
        expect(await publishOutcome(client, 'community/barriers/gate-1/availability', 'online', true)).toBe('acked');
        await waitFor(() => gw.gateway.presence.get('barriers', 'gate-1')?.availability === 'online', 3000, 'gate-1 online');
      } finally {
        client.end(true);
      }
    });
  });
}

describe('retained messages a device may keep (embedded broker)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices, integrations: [integration], embedded: { maxRetainedBytes: 1024 } } } });
  });

  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses a retained message on a topic the contract does not retain, and an oversized retained state', async () => {
    for (const [topic, payload] of [
      ['community/barriers/gate-1/entry', JSON.stringify({ eventId: 'retained-1' })],
      ['community/barriers/gate-1/vendor/any-format', JSON.stringify({ x: 1 })],
      ['community/barriers/gate-1/state', JSON.stringify({ state: 'closed', padding: 'x'.repeat(2000) })],
    ] as const) {
      const client = await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
      expect(await publishOutcome(client, topic, payload, true)).toBe('disconnected');
      client.end(true);
    }
    // Nothing of it was kept: a new subscriber gets only what is allowed (no retained entry, vendor message or big state).
    const late = await connectClient(gw.mqttUrl, { username: integration.name, password: integration.password, clientId: integration.name });
    const retained: string[] = [];
    // (The gateway's own retained allow/deny lists and visitor passes for the barrier are there, as they should be.)
    late.on('message', (topic, _p, packet) => packet.retain && !topic.endsWith('/lists') && !topic.endsWith('/passes') && retained.push(topic));
    await late.subscribeAsync('community/barriers/gate-1/#', { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    late.end(true);
    expect(retained).toEqual([]);
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/gateway_mqtt_refused_total\{operation="publish"\} [3-9]/);
  });
});

describe('the generated mosquitto ACL follows the contract', () => {
  it("grants a device write on its device-to-gateway topics and read on the gateway's topics to it, never readwrite", () => {
    const { aclFile } = renderMosquittoFiles({ mqtt: { baseTopic: 'community', devices, integrations: [], ...gatewayUser } });
    const gate = aclFile.split('\n\n').find((block) => block.startsWith('user gate-1'))!;
    expect(gate).toContain('topic write community/barriers/gate-1/entry');
    expect(gate).toContain('topic write community/barriers/gate-1/vendor/+');
    expect(gate).toContain('topic read community/barriers/gate-1/ack');
    expect(gate).toContain('topic read community/barriers/gate-1/command');
    expect(gate).toContain('topic read community/barriers/gate-1/lists');
    expect(gate).toContain('topic read community/gateway/state');
    expect(gate).not.toMatch(/readwrite|write community\/barriers\/gate-1\/(ack|command|lists)$/m);
    const speaker = aclFile.split('\n\n').find((block) => block.startsWith('user spk-1'))!;
    expect(speaker).toContain('topic read community/speakers/group/all/play');
    expect(speaker).toContain('topic read community/speakers/spk-1/audio');
  });

  it("refuses a gateway account that is also a device's", () => {
    expect(() => renderMosquittoFiles({ mqtt: { baseTopic: 'community', devices, integrations: [], username: 'gate-1', password: 'x' } })).toThrow(/own account/);
  });
});
