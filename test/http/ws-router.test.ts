/**
 * The upgrade router as the last line of defence (issue 11 items 2, 3, 8, 13): malformed upgrades
 * are answered 400, oversized frames close only their socket (1009), a throwing handler closes only
 * its socket (1011), a revoked token closes its sockets; the gateway serves on throughout.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/feature.js';
import { FEED_MAX_MESSAGE_BYTES } from '../../src/http/feed.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket, rawUpgrade, type TestSocket } from '../helpers/ws.js';

/** A test-only endpoint whose message handler throws on "boom" and echoes anything else. */
const faultyFeature = (): Feature => ({
  name: 'faulty',
  services: [],
  wsEndpoints: [
    {
      path: '/test/faulty',
      access: 'viewer',
      summary: 'test only',
      maxPayload: 1024,
      handle(ws) {
        ws.on('message', (data) => {
          if (String(data) === 'boom') throw new Error('handler bug');
          ws.send(`echo ${String(data)}`);
        });
      },
    },
    { path: '/test/items/:id', access: 'viewer', summary: 'test only', handle: (ws, _req, ctx) => ws.send(`item ${ctx.params.id!}`) },
  ],
});

let gw: TestGateway;
let viewer: string;

beforeAll(async () => {
  gw = await startTestGateway({
    features: [faultyFeature],
    config: { mqtt: { devices: [{ id: 'spk-1', kind: 'speakers', password: 'spk-1-secret', groups: [] }] } },
  });
  viewer = await gw.login('viewer');
});
afterAll(async () => {
  await gw?.stop();
});

async function alive(): Promise<void> {
  expect((await gw.api('/healthz')).status).toBe(200);
  const feed = openSocket(gw.url, `/api/feed?token=${viewer}`);
  await feed.opened;
  await waitFor(() => feed.messages.length > 0, 2000, 'feed snapshot');
  feed.ws.send('ping');
  await waitFor(() => feed.messages.some((m) => (m as { type?: string }).type === 'pong'), 2000, 'pong');
  feed.ws.close();
  await feed.closed;
}

describe('malformed upgrades (11.2)', () => {
  it('answers 400 to a path with invalid percent-encoding, with or without a token, and serves on', async () => {
    for (const path of ['/test/items/%ZZ', `/test/items/%E0%A4%A?token=${viewer}`, '/test/items/%']) {
      const { status, body } = await rawUpgrade(gw.url, path);
      expect(status, path).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ code: 'bad_request' });
    }
    expect((await rawUpgrade(gw.url, '/test/%ZZ/%')).status).toBe(404);
    await alive();
  });

  it('answers 401 (no usable login) to a session cookie with invalid percent-encoding, and serves on', async () => {
    const { status } = await rawUpgrade(gw.url, '/api/feed', { cookie: 'cg_token=%ZZ', origin: new URL(gw.url).origin });
    expect(status).toBe(401);
    await alive();
  });
});

describe('oversized frames (11.3)', () => {
  it('closes the socket with 1009 on the feed, /mqtt and a test endpoint; the others keep working', async () => {
    const cases: Array<{ path: string; bytes: number; protocols?: string }> = [
      { path: `/api/feed?token=${viewer}`, bytes: FEED_MAX_MESSAGE_BYTES + 1 },
      { path: `/test/faulty?token=${viewer}`, bytes: 1025 },
      { path: '/mqtt', bytes: gw.gateway.ws.list().find((e) => e.path === '/mqtt')!.maxPayload + 1, protocols: 'mqtt' },
    ];
    for (const c of cases) {
      const bystander = openSocket(gw.url, `/test/faulty?token=${viewer}`);
      await bystander.opened;
      const big = openSocket(gw.url, c.path, c.protocols ? { protocols: [c.protocols] } : {});
      await big.opened;
      big.ws.send(Buffer.alloc(c.bytes, 0x41));
      expect((await big.closed).code, c.path).toBe(1009);
      bystander.ws.send('still there');
      await waitFor(() => bystander.messages.includes('echo still there'), 2000, 'bystander echo');
      bystander.ws.close();
      await bystander.closed;
    }
    await alive();
  });

  it('accepts a message of exactly the limit', async () => {
    const s = openSocket(gw.url, `/test/faulty?token=${viewer}`);
    await s.opened;
    s.ws.send('x'.repeat(1024));
    await waitFor(() => s.messages.length === 1, 2000, 'echo of 1024 bytes');
    s.ws.close();
    await s.closed;
  });
});

describe('a handler that throws (11.8)', () => {
  it('closes that socket with 1011, the gateway and another socket carry on', async () => {
    const other = openSocket(gw.url, `/test/faulty?token=${viewer}`);
    const faulty = openSocket(gw.url, `/test/faulty?token=${viewer}`);
    await Promise.all([other.opened, faulty.opened]);
    faulty.ws.send('boom');
    const closed = await faulty.closed;
    expect(closed.code).toBe(1011);
    other.ws.send('hello');
    await waitFor(() => other.messages.includes('echo hello'), 2000, 'the other socket echoes');
    other.ws.close();
    await other.closed;
    await alive();
  });

  it('an MQTT message listener that throws does not escape the client; later messages still arrive', async () => {
    let thrown = 0;
    const off = gw.gateway.mqtt.onMessage((topic) => {
      if (topic.endsWith('/availability')) {
        thrown++;
        throw new Error('listener bug');
      }
    });
    const feed: TestSocket = openSocket(gw.url, `/api/feed?token=${viewer}`);
    await feed.opened;
    const device = mqtt.connect(gw.mqttUrl, { clientId: 'spk-1', username: 'spk-1', password: 'spk-1-secret', reconnectPeriod: 0 });
    try {
      await new Promise((r) => device.once('connect', r));
      await device.publishAsync('community/speakers/spk-1/availability', 'offline', { qos: 1, retain: true });
      await waitFor(() => thrown > 0, 3000, 'the throwing listener ran');
      await device.publishAsync('community/speakers/spk-1/availability', 'online', { qos: 1, retain: true });
      await waitFor(() => feed.messages.some((m) => (m as { topic?: string; payload?: unknown }).topic === 'speakers/spk-1/availability' && (m as { payload?: unknown }).payload === 'online'), 3000, 'second message on the feed');
      expect(thrown).toBe(2);
    } finally {
      off();
      device.end(true);
      feed.ws.close();
    }
    await alive();
  });
});

describe('open sockets end with their token (11.13)', () => {
  it('a revoked wall token: its feed socket is closed with 4001 within 1 s', async () => {
    const admin = await gw.login('admin');
    const created = (await (await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'lobby tv' } })).json()) as { id: string; token: string };
    const feed = openSocket(gw.url, `/api/feed?token=${created.token}`);
    await feed.opened;
    const revokedAt = Date.now();
    expect((await gw.api(`/api/wall-tokens/${created.id}`, { method: 'DELETE', token: admin })).status).toBe(200);
    const closed = await feed.closed;
    expect(closed.code).toBe(4001);
    expect(closed.reason).toMatch(/log in again/);
    expect(closed.at - revokedAt).toBeLessThan(1000);
    await alive();
  });

  it('an expired session and a changed role close their sockets with 4001 and 4003 within 1 s', async () => {
    // An expiry as the clock would leave the token row; a role changed in the users table (a
    // session's role is the user's current one).
    const db = gw.gateway.database.db;
    const expiring = await gw.login('officer');
    const demoted = await gw.login('officer2');
    const a = openSocket(gw.url, `/api/feed?token=${expiring}`);
    const b = openSocket(gw.url, `/test/faulty?token=${demoted}`);
    await Promise.all([a.opened, b.opened]);
    const changedAt = Date.now();
    db.prepare("UPDATE tokens SET expires_at = ? WHERE user_name = 'officer' AND kind = 'session'").run(new Date(Date.now() - 1000).toISOString());
    db.prepare("UPDATE users SET role = 'viewer' WHERE name = 'officer2'").run();
    const [closedA, closedB] = await Promise.all([a.closed, b.closed]);
    expect(closedA.code).toBe(4001);
    expect(closedB.code).toBe(4003);
    expect(closedB.reason).toMatch(/role changed/);
    expect(Math.max(closedA.at, closedB.at) - changedAt).toBeLessThan(1000);
    await alive();
  });
});
