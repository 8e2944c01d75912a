import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { closedWithin, connectClient, connectRefusal } from '../helpers/mqtt-clients.js';

const devices = [
  { id: 'gate-1', kind: 'barriers' as const, password: 'gate-1-secret', groups: [] },
  { id: 'gate-2', kind: 'barriers' as const, password: 'gate-2-secret', groups: [] },
];
const gatewayUser = { username: 'gateway', password: 'gateway-secret' };
const IDENTIFIER_REJECTED = 2;

/** Polls /healthz every 200 ms for `ms`; returns every status seen. */
async function healthOver(gw: TestGateway, ms: number): Promise<number[]> {
  const statuses: number[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    statuses.push((await gw.api('/healthz')).status);
    await new Promise((r) => setTimeout(r, 200));
  }
  return statuses;
}

describe('client ids on the embedded broker are bound to identities', () => {
  let gw: TestGateway;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices, integrations: [{ name: 'ha', password: 'ha-secret-1' }] } } });
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await gw?.stop();
  });

  it("an integration connects with its own name, not a device's id or the gateway's", async () => {
    clients.push(await connectClient(gw.mqttUrl, { username: 'ha', password: 'ha-secret-1', clientId: 'ha' }));
    expect((await connectRefusal(gw.mqttUrl, { username: 'ha', password: 'ha-secret-1', clientId: 'gate-1' })).code).toBe(IDENTIFIER_REJECTED);
    expect((await connectRefusal(gw.mqttUrl, { username: 'ha', password: 'ha-secret-1', clientId: `community-gateway-${gw.config.site.id}` })).code).toBe(IDENTIFIER_REJECTED);
  });

  it("refuses a device with the gateway's client id, and the gateway stays connected while it keeps trying", async () => {
    const gatewayId = `community-gateway-${gw.config.site.id}`;
    const refused = await connectRefusal(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: gatewayId });
    expect(refused.code).toBe(IDENTIFIER_REJECTED);
    // The attacker retries five times a second for 3 s, as in the report.
    const attacker = connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: gatewayId, reconnectPeriod: 200 }).catch(() => undefined);
    const statuses = await healthOver(gw, 3000);
    await attacker;
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gw.gateway.mqtt.connected).toBe(true);
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/gateway_mqtt_refused_total\{operation="connect"\} [1-9]/);
  });

  it("refuses a device with another device's client id and leaves that device connected", async () => {
    const gate2 = await connectClient(gw.mqttUrl, { username: 'gate-2', password: 'gate-2-secret', clientId: 'gate-2' });
    clients.push(gate2);
    const closed = closedWithin(gate2, 1500);
    const refused = await connectRefusal(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-2' });
    expect(refused.code).toBe(IDENTIFIER_REJECTED);
    expect(await closed).toBe('open');
  });

  it('accepts a device with its own id, or its id and a suffix after a colon; refuses a random id', async () => {
    clients.push(await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' }));
    clients.push(await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1:technician' }));
    expect((await connectRefusal(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'mqttjs_1234abcd' })).code).toBe(IDENTIFIER_REJECTED);
    expect((await connectRefusal(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1x' })).code).toBe(IDENTIFIER_REJECTED);
  });
});

describe('client ids on mosquitto (use_username_as_clientid)', () => {
  let gw: TestGateway;
  let mosquitto: RunningMosquitto;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', devices, integrations: [], ...gatewayUser } });
    gw = await startTestGateway({ config: { mqtt: { devices, url: mosquitto.url, ...gatewayUser, protocolVersion: 5 } } });
  });

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await gw?.stop();
    await mosquitto?.stop();
  });

  it("a device using the gateway's client id (or its username) does not take over the gateway's session", async () => {
    const received: string[] = [];
    for (const clientId of [`community-gateway-${gw.config.site.id}`, gatewayUser.username]) {
      const attacker = await connectClient(mosquitto.url, { username: 'gate-1', password: 'gate-1-secret', clientId, protocolVersion: 5 });
      attacker.on('message', (topic) => received.push(topic));
      clients.push(attacker);
    }
    const statuses = await healthOver(gw, 3000);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(gw.gateway.mqtt.connected).toBe(true);
    // gate-2's entry reaches the gateway, not the attackers.
    const gate2 = await connectClient(mosquitto.url, { username: 'gate-2', password: 'gate-2-secret', clientId: 'gate-2', protocolVersion: 5 });
    clients.push(gate2);
    await gate2.publishAsync('community/barriers/gate-2/availability', 'online', { qos: 1, retain: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(gw.gateway.presence.get('barriers', 'gate-2')?.availability).toBe('online');
    expect(received).toEqual([]);
  });

  it("a device using another device's client id does not disconnect that device", async () => {
    const gate2 = await connectClient(mosquitto.url, { username: 'gate-2', password: 'gate-2-secret', clientId: 'gate-2', protocolVersion: 5 });
    clients.push(gate2);
    const closed = closedWithin(gate2, 1500);
    clients.push(await connectClient(mosquitto.url, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-2', protocolVersion: 5 }));
    expect(await closed).toBe('open');
  });
});
