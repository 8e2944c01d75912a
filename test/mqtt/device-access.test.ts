import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

const devices = [
  { id: 'gate-1', kind: 'barriers' as const, password: 'gate-1-secret', groups: [] },
  { id: 'gate-2', kind: 'barriers' as const, password: 'gate-2-secret', groups: [] },
];
const gatewayUser = { username: 'gateway', password: 'gateway-secret' };

async function connectDevice(url: string, username: string, password: string, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  const client = mqtt.connect(url, { username, password, clientId: `${username}:${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0, protocolVersion });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

function connectError(url: string, username: string, password: string): Promise<Error> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 3000 });
    client.once('connect', () => {
      client.end(true);
      resolve(new Error('unexpectedly connected'));
    });
    client.once('error', (err) => {
      client.end(true);
      resolve(err);
    });
  });
}

for (const broker of ['embedded', 'mosquitto'] as const) {
  describe(`device access on the ${broker} broker`, () => {
    let gw: TestGateway;
    let mosquitto: RunningMosquitto | undefined;
    const clients: MqttClient[] = [];
    const feed: Array<{ topic: string; payload: unknown }> = [];

    beforeAll(async () => {
      const mqttConfig: Record<string, unknown> = { devices };
      if (broker === 'mosquitto') {
        mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', devices, integrations: [], ...gatewayUser } });
        Object.assign(mqttConfig, { url: mosquitto.url, ...gatewayUser, protocolVersion: 5 });
      }
      gw = await startTestGateway({ config: { mqtt: mqttConfig } });
      gw.gateway.mirror.subscribe((m) => feed.push({ topic: m.topic, payload: m.payload }));
    });

    afterAll(async () => {
      for (const c of clients) c.end(true);
      await gw?.stop();
      await mosquitto?.stop();
    });

    it('accepts a device publishing under its own subtree and the gateway sees it', async () => {
      const client = await connectDevice(gw.mqttUrl, 'gate-1', 'gate-1-secret');
      clients.push(client);
      await client.publishAsync('community/barriers/gate-1/availability', 'online', { qos: 1, retain: true });
      const token = await gw.login('viewer');
      const presence = await waitFor(async () => {
        const body = (await (await gw.api('/api/devices', { token })).json()) as { devices: Array<{ id: string; availability: string }> };
        return body.devices.find((d) => d.id === 'gate-1' && d.availability === 'online');
      }, 5000, 'gate-1 online');
      expect(presence.availability).toBe('online');
    });

    it("refuses a device publishing under another device's subtree", async () => {
      const client = await connectDevice(gw.mqttUrl, 'gate-1', 'gate-1-secret', broker === 'mosquitto' ? 5 : 4);
      clients.push(client);
      // Embedded aedes (MQTT 3.1.1) disconnects the offender; mosquitto (MQTT 5) answers "not authorized".
      const outcome = await Promise.race([
        client.publishAsync('community/barriers/gate-2/availability', 'online', { qos: 1, retain: true }).then(
          (packet) => (packet && 'reasonCode' in packet ? `reason ${String(packet.reasonCode)}` : 'acked'),
          (err: Error) => `refused: ${err.message}`,
        ),
        new Promise<string>((resolve) => client.once('close', () => resolve('disconnected'))),
      ]);
      // Whatever the broker answers, the gateway must never see gate-2 online.
      await new Promise((r) => setTimeout(r, 500));
      expect(gw.gateway.presence.get('barriers', 'gate-2')?.availability).not.toBe('online');
      expect(feed.some((m) => m.topic === 'barriers/gate-2/availability')).toBe(false);
      if (broker === 'embedded') {
        expect(outcome).not.toBe('acked');
        const metrics = await (await gw.api('/metrics')).text();
        expect(metrics).toMatch(/gateway_mqtt_refused_total\{operation="publish"\} [1-9]/);
      } else {
        expect(outcome).toBe('refused: Publish error: Not authorized');
      }
    });

    it('refuses a wrong password', async () => {
      const err = await connectError(gw.mqttUrl, 'gate-1', 'not-the-password');
      expect(err.message).toMatch(/Bad username or password|Not authorized|bad user name or password/i);
    });
  });
}
