import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/event-bus.js';
import { silentLogger } from '../../src/core/logger.js';
import { freePort } from '../../src/core/net.js';
import { Metrics } from '../../src/metrics/registry.js';
import { DeviceAcl } from '../../src/mqtt/device-acl.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { FEATURES } from '../../src/gateway.js';
import type { FeatureFactory } from '../../src/feature.js';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { barrierDevices, makeFleet, storedIds } from '../access/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { connectClient, connectRefusal } from '../helpers/mqtt-clients.js';
import { waitFor } from '../helpers/wait.js';

const SERVER_UNAVAILABLE = 3;
const device = { id: 'gate-1', kind: 'barriers' as const, password: 'gate-1-secret', groups: [] };

describe('the embedded broker admits devices once the gateway is ready', () => {
  let broker: EmbeddedBroker | undefined;

  afterEach(async () => {
    await broker?.stop();
  });

  async function startBroker(deviceHoldMs?: number): Promise<{ broker: EmbeddedBroker; url: string }> {
    const acl = new DeviceAcl({
      base: 'community',
      devices: [device],
      internalPassword: 'internal-secret',
      gatewayClientId: 'community-gateway-test',
      maxPacketBytes: { barriers: 65536, speakers: 16384, cameras: 16384, integrations: 1048576, gateway: 8388608 },
      maxRetainedBytes: 4096,
    });
    const b = new EmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      baseTopic: 'community',
      drainTimeoutMs: 5000,
      concurrency: 100,
      queueLimit: 100,
      maxClientsIdLength: 64,
      connectTimeoutMs: 5000,
      ...(deviceHoldMs ? { deviceHoldMs } : {}),
      maxConnectBytes: 4096,
      maxPendingConnectsPerAddress: 64,
      acl,
      bus: new EventBus(),
      metrics: new Metrics(),
      log: silentLogger(),
    });
    broker = b;
    await b.start();
    return { broker: b, url: `mqtt://127.0.0.1:${b.port}` };
  }

  it('holds a device\'s CONNECT until the gateway client holds its subscriptions, then delivers what it sends', async () => {
    const { broker: b, url } = await startBroker();
    const gateway = await connectClient(url, { username: '__gateway__', password: 'internal-secret', clientId: 'community-gateway-test', clean: false });
    try {
      const filter = 'community/barriers/+/entry';
      const ready = b.acceptDevices([filter]);
      let connectedAt = 0;
      const barrierConnected = connectClient(url, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' }).then((c) => {
        connectedAt = Date.now();
        return c;
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(connectedAt).toBe(0);
      expect(b.acceptingDevices).toBe(false);
      const received: string[] = [];
      gateway.on('message', (_t, payload) => received.push(payload.toString()));
      const subscribedAt = Date.now();
      await gateway.subscribeAsync(filter, { qos: 1 });
      await ready;
      expect(b.acceptingDevices).toBe(true);
      const barrier = await barrierConnected;
      expect(connectedAt).toBeGreaterThanOrEqual(subscribedAt);
      await barrier.publishAsync('community/barriers/gate-1/entry', 'held-entry', { qos: 1 });
      await waitFor(() => received.includes('held-entry'), 3000, 'the entry at the gateway');
      barrier.end(true);
    } finally {
      gateway.end(true);
    }
  });

  it('refuses a waiting device with "server unavailable" when the gateway is not ready within deviceHoldMs', async () => {
    const { url } = await startBroker(800);
    const started = Date.now();
    expect((await connectRefusal(url, { username: 'gate-1', password: 'gate-1-secret', clientId: 'gate-1' })).code).toBe(SERVER_UNAVAILABLE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});

describe('a barrier that reconnects while the gateway starts', () => {
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;

  afterEach(async () => {
    await fleet?.stop();
    await gw?.stop();
  });

  it('is held until the router subscribed, then its held entries are stored at once, without a resend', async () => {
    const { barriers, devices } = barrierDevices(1);
    const port = await freePort();
    fleet = makeFleet(barriers);
    await fleet.start(`mqtt://127.0.0.1:${port}`);
    const gate = fleet.get('gate-1');
    for (let i = 0; i < 5; i++) await fleet.passage('gate-1');
    expect(gate.snapshot().held).toBe(5);
    // A feature that takes 1.5 s to start: the broker is up, the router has not subscribed yet.
    const slow: FeatureFactory = () => ({ name: 'slow', services: [{ name: 'slow', start: () => new Promise((r) => setTimeout(r, 1500)), stop: async () => {} }] });
    gw = await startTestGateway({ config: { mqtt: { devices, embedded: { port } } }, features: [...FEATURES, slow] });
    const ready = Date.now();
    const db = gw.gateway.database.db;
    await waitFor(() => storedIds(db).rows === 5, 10_000, 'the five held entries stored');
    expect(Date.now() - ready).toBeLessThan(2000);
    expect(gate.snapshot().resent).toBe(0);
  }, 20_000);
});
