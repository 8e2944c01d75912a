import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { barrierEntry } from '../../devices/mqtt-barrier/protocol.js';
import { loadConfig } from '../../src/config/load.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { closedWithin, connectClient } from '../helpers/mqtt-clients.js';
import { connectPacket, flood, openSocket, publishHead, remainingLength, tcpIo } from '../helpers/raw-mqtt.js';
import { waitFor } from '../helpers/wait.js';

const devices = [{ id: 'gate-1', kind: 'barriers' as const, password: 'gate-1-secret', groups: [] }];
const integration = { name: 'watch', password: 'watch-secret-1' };
const MB = 1024 * 1024;
const HUGE = 200 * MB;

function rssMb(): number {
  return process.memoryUsage().rss / MB;
}

/** A partial CONNECT announcing 200 MB: the fixed header alone. */
const hugeConnectHead = Buffer.concat([Buffer.from([0x10]), remainingLength(HUGE)]);

function wsIo(url: string): Promise<{ write(chunk: Buffer): Promise<void>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'mqtt');
    ws.once('error', reject);
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    ws.once('open', () => {
      ws.on('error', () => {});
      resolve({
        write: (chunk) =>
          new Promise((res, rej) => {
            if (ws.readyState !== WebSocket.OPEN) return rej(new Error('closed'));
            ws.send(chunk, (err) => (err ? rej(err) : res()));
          }),
        closed,
      });
    });
  });
}

describe('the embedded broker bounds what a client may send, before and after its login', () => {
  let gw: TestGateway;
  let port: number;
  let watcher: MqttClient;
  const errors: Array<{ topic: string; reason: string }> = [];

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices, integrations: [integration], embedded: { maxPendingConnectsPerAddress: 8 } } } });
    port = gw.gateway.broker!.port;
    watcher = await connectClient(gw.mqttUrl, { username: integration.name, password: integration.password, clientId: integration.name });
    await watcher.subscribeAsync('community/gateway/errors', { qos: 0 });
    watcher.on('message', (_t, payload) => errors.push(JSON.parse(payload.toString()) as { topic: string; reason: string }));
  });

  afterAll(async () => {
    watcher?.end(true);
    await gw?.stop();
  });

  it('closes at once a TCP connection whose CONNECT announces 200 MB, and buffers none of it', async () => {
    const before = rssMb();
    const results = await Promise.all([1, 2, 3].map(async () => flood(tcpIo(await openSocket(port)), hugeConnectHead, 100 * MB, 5000)));
    const growth = rssMb() - before;
    for (const r of results) {
      expect(r.closedAfterMs).toBeDefined();
      expect(r.closedAfterMs!).toBeLessThan(1500);
    }
    expect(growth).toBeLessThan(40);
    expect((await gw.api('/healthz')).status).toBe(200);
  });

  it('closes at once a CONNECT announcing 200 MB over WebSocket at /mqtt', async () => {
    const url = `${gw.url.replace('http', 'ws')}/mqtt`;
    const before = rssMb();
    const results = await Promise.all([1, 2, 3].map(async () => flood(await wsIo(url), hugeConnectHead, 100 * MB, 5000)));
    const growth = rssMb() - before;
    for (const r of results) {
      expect(r.closedAfterMs).toBeDefined();
      expect(r.closedAfterMs!).toBeLessThan(1500);
    }
    expect(growth).toBeLessThan(40);
  });

  it('closes a connection that has not completed its CONNECT within connectTimeoutMs', async () => {
    const socket = await openSocket(port);
    const io = tcpIo(socket);
    const started = Date.now();
    await io.write(connectPacket('gate-1', 'gate-1', 'gate-1-secret').subarray(0, 10));
    await Promise.race([io.closed, new Promise((r) => setTimeout(r, 9000))]);
    const elapsed = Date.now() - started;
    expect(socket.destroyed).toBe(true);
    expect(elapsed).toBeGreaterThan(gw.config.mqtt.embedded.connectTimeoutMs - 500);
    expect(elapsed).toBeLessThan(gw.config.mqtt.embedded.connectTimeoutMs + 2000);
  }, 15_000);

  it('closes connections from one address beyond maxPendingConnectsPerAddress that have not logged in', async () => {
    const idle = await Promise.all(Array.from({ length: 8 }, () => openSocket(port)));
    const extra = await openSocket(port);
    const extraClosed = await Promise.race([new Promise<string>((r) => extra.once('close', () => r('closed'))), new Promise<string>((r) => setTimeout(() => r('open'), 1000))]);
    expect(extraClosed).toBe('closed');
    for (const s of idle) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const device = await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
    await device.endAsync();
  });

  it('refuses a 200 MB PUBLISH from a logged-in barrier from its header, before reading it', async () => {
    const socket = await openSocket(port);
    const io = tcpIo(socket);
    const connack = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    await io.write(connectPacket('gate-1', 'gate-1', 'gate-1-secret'));
    expect((await connack)[3]).toBe(0);
    const before = rssMb();
    const result = await flood(io, publishHead('community/barriers/gate-1/entry', HUGE), 100 * MB, 5000);
    expect(result.closedAfterMs).toBeDefined();
    expect(result.closedAfterMs!).toBeLessThan(1500);
    expect(rssMb() - before).toBeLessThan(40);
  });

  it('refuses a 10 MB entry from a barrier, says why on gateway/errors, and takes its next normal entry', async () => {
    const gate = await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
    const closed = closedWithin(gate, 3000);
    gate.publish('community/barriers/gate-1/entry', Buffer.alloc(10 * MB, 0x20), { qos: 1 });
    expect(await closed).toBe('closed');
    gate.end(true);
    const error = await waitFor(() => errors.find((e) => e.reason.includes('PUBLISH') && e.reason.includes('gate-1')), 3000, 'error on gateway/errors');
    expect(error.reason).toMatch(/limit 65536 bytes/);
    expect(error.topic).toBe('community/barriers/gate-1/entry');

    const again = await connectClient(gw.mqttUrl, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
    try {
      const acks: string[] = [];
      await again.subscribeAsync('community/barriers/gate-1/ack', { qos: 1 });
      again.on('message', (_t, payload) => acks.push(...(JSON.parse(payload.toString()) as { eventIds: string[] }).eventIds));
      const entry = { ...barrierEntry.example, eventId: 'after-the-big-one-1', timestamp: new Date().toISOString() };
      await again.publishAsync('community/barriers/gate-1/entry', JSON.stringify(entry), { qos: 1 });
      await waitFor(() => acks.includes('after-the-big-one-1'), 5000, 'ack of the normal entry');
    } finally {
      again.end(true);
    }
  });
});

describe('packet size with an external mosquitto (max_packet_size from mqtt.maxPacketBytes)', () => {
  let gw: TestGateway;
  let mosquitto: RunningMosquitto;
  const gatewayUser = { username: 'gateway', password: 'gateway-secret' };

  beforeAll(async () => {
    const defaults = loadConfig({ env: {} }).config.mqtt.maxPacketBytes;
    mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', devices, integrations: [], ...gatewayUser, maxPacketBytes: defaults } });
    gw = await startTestGateway({ config: { mqtt: { devices, url: mosquitto.url, ...gatewayUser, protocolVersion: 5 } } });
  });

  afterAll(async () => {
    await gw?.stop();
    await mosquitto?.stop();
  });

  it('disconnects a barrier sending a 10 MB entry; the gateway stays connected and takes its next entry', async () => {
    const gate = await connectClient(mosquitto.url, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
    const closed = closedWithin(gate, 5000);
    gate.publish('community/barriers/gate-1/entry', Buffer.alloc(10 * MB, 0x20), { qos: 1 });
    expect(await closed).toBe('closed');
    gate.end(true);
    expect((await gw.api('/healthz')).status).toBe(200);
    const again = await connectClient(mosquitto.url, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' });
    try {
      const acks: string[] = [];
      await again.subscribeAsync('community/barriers/gate-1/ack', { qos: 1 });
      again.on('message', (_t, payload) => acks.push(...(JSON.parse(payload.toString()) as { eventIds: string[] }).eventIds));
      const entry = { ...barrierEntry.example, eventId: 'after-the-big-one-2', timestamp: new Date().toISOString() };
      await again.publishAsync('community/barriers/gate-1/entry', JSON.stringify(entry), { qos: 1 });
      await waitFor(() => acks.includes('after-the-big-one-2'), 5000, 'ack of the normal entry');
    } finally {
      again.end(true);
    }
  });
});
