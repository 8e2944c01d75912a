import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistrictService } from '../../src/district/district-service.js';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { barrierDevices, makeFleet, storedIds } from '../access/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNatsCluster, type RunningNatsCluster } from '../helpers/nats-cluster.js';
import { startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';
import { DISTRICT_USERS, districtConfig, pgCount, startDistrict, uplinkConfig } from './district-env.js';
import pg from 'pg';

describe('uplink: a site\'s entries reach the district once', () => {
  let cluster: RunningNatsCluster;
  let postgres: RunningPostgres;
  let district: DistrictService;
  let gw: TestGateway;
  let fleet: BarrierFleet;
  let links: TcpProxy[] = [];
  const { barriers, devices } = barrierDevices(2);

  beforeAll(async () => {
    [cluster, postgres] = await Promise.all([startNatsCluster(['north', 'south']), startPostgres()]);
    // a site with no contact for 2.5 s shows its link down; the site sends a heartbeat every 0.5 s
    district = await startDistrict(districtConfig(cluster, postgres, ['north', 'south'], { offlineAfterMs: 2500 }));
    // the site reaches the cluster through relays, so that the test can take its link down
    links = await Promise.all(cluster.nodes.map((n) => startTcpProxy(n.port)));
    gw = await startTestGateway({
      config: {
        ...uplinkConfig(cluster, 'north', { servers: links.map((l) => `nats://127.0.0.1:${l.port}`), discoverServers: false, heartbeatMs: 500 }),
        mqtt: { devices },
        alarms: { grids: [{ id: 'g1', name: '一网格', buildings: ['3号楼'], supervisor: '书记' }], workers: [{ id: 'w1', name: '张师傅', grid: 'g1' }] },
      },
    });
    fleet = makeFleet(barriers);
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet.barriers.every((b) => b.connected), 5000, 'barriers connected');
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    for (const l of links) await l.close();
    await district?.stop();
    await cluster?.stop();
    await postgres?.stop();
  });

  const districtSite = async (id: string) => {
    const login = await fetch(`${district.url}/api/district/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: DISTRICT_USERS[1]!.name, password: DISTRICT_USERS[1]!.password }) });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${district.url}/api/district/sites`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { sites: Array<{ id: string; state: string; lastContactAt: string | null }> }).sites.find((s) => s.id === id)!;
  };
  const districtEntries = () => pgCount(postgres.url, "SELECT count(*) AS n FROM entries WHERE site_id = 'north'");
  const outbox = () => gw.gateway.database.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM uplink_outbox').get()!.n;

  it('stores every committed entry in PostgreSQL and empties the outbox', async () => {
    for (let i = 0; i < 20; i++) await fleet.passage(i % 2 ? 'gate-1' : 'gate-2');
    await waitFor(() => fleet.barriers.every((b) => b.snapshot().held === 0), 10_000, 'entries acknowledged locally');
    const local = storedIds(gw.gateway.database.db).rows;
    expect(local).toBe(20);
    await waitFor(async () => (await districtEntries()) === local, 15_000, 'entries in PostgreSQL');
    await waitFor(() => outbox() === 0, 5000, 'outbox empty');
    // availability of the two barriers came up too
    await waitFor(async () => (await pgCount(postgres.url, "SELECT count(*) AS n FROM device_availability WHERE site_id = 'north' AND availability = 'online'")) === 2, 10_000, 'availability');
  }, 40_000);

  it('holds records in the outbox while the site\'s link is down (the site keeps working) and drains them when it returns; its heartbeat shows the link state', async () => {
    const before = await districtEntries();
    // heartbeats keep an idle site online (no entry for longer than offlineAfterMs here)
    await new Promise((r) => setTimeout(r, 3000));
    expect((await districtSite('north')).state).toBe('online');
    expect((await districtSite('south')).state).toBe('never');
    const cutAt = Date.now();
    for (const l of links) await l.cut();
    for (let i = 0; i < 15; i++) await fleet.passage('gate-1');
    await waitFor(() => fleet.barriers.every((b) => b.snapshot().held === 0), 10_000, 'entries stored locally while the district is away');
    expect(outbox()).toBeGreaterThanOrEqual(15);
    const metrics = await (await gw.api('/metrics')).text();
    expect(Number(/gateway_uplink_outbox_rows (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    // the district shows the link down since about the cut
    await waitFor(async () => (await districtSite('north')).state === 'offline', 10_000, 'north shown offline');
    const down = Date.parse((await districtSite('north')).lastContactAt!);
    expect(down).toBeGreaterThan(cutAt - 1500);
    expect(down).toBeLessThanOrEqual(cutAt + 500);
    for (const l of links) await l.restore();
    await waitFor(async () => (await districtEntries()) === before + 15, 40_000, 'held entries in PostgreSQL');
    await waitFor(() => outbox() === 0, 5000, 'outbox empty');
    expect(await pgCount(postgres.url, "SELECT count(*) - count(DISTINCT (gate, event_id)) AS n FROM entries WHERE site_id = 'north'")).toBe(0);
    await waitFor(async () => (await districtSite('north')).state === 'online', 10_000, 'north online again');
  }, 90_000);

  it('an alarm at the site and its work order appear in the district once, as they are after each change, with the 52022 figures', async () => {
    // An admin records the worker's steps (w1 has no login of their own; only they, the grid's supervisor or an admin may).
    const token = await gw.login('admin');
    const post = async (path: string, json: unknown = {}) => {
      const res = await gw.api(path, { method: 'POST', token, json });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return (await res.json()) as { id: number };
    };
    const alarm = await post('/api/alarms', { kind: 'manual', severity: 'critical', location: '3号楼' });
    const order = await post(`/api/alarms/${alarm.id}/work-order`, {});
    await post(`/api/work-orders/${order.id}/accept`);
    await post(`/api/work-orders/${order.id}/on-site`);
    const row = async <T,>(sql: string) => {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    };
    await waitFor(async () => (await row<{ status: string }>(`SELECT status FROM work_orders WHERE site_id = 'north' AND order_id = ${order.id}`))[0]?.status === 'on-site', 15_000, 'work order on site in PostgreSQL');
    await waitFor(async () => (await row<{ status: string }>(`SELECT status FROM alarms WHERE site_id = 'north' AND alarm_id = ${alarm.id}`))[0]?.status === 'closed', 15_000, 'alarm closed in PostgreSQL');
    const [a] = await row<{ n: string; severity: string; work_order_id: string; closed_as: string }>(`SELECT count(*) OVER () AS n, severity, work_order_id, closed_as FROM alarms WHERE site_id = 'north'`);
    expect(a).toMatchObject({ n: '1', severity: 'critical', work_order_id: String(order.id), closed_as: 'work-order' });
    const [o] = await row<{ n: string; grid: string; grid_name: string; worker: string; alarm_id: string }>(`SELECT count(*) OVER () AS n, grid, grid_name, worker, alarm_id FROM work_orders WHERE site_id = 'north'`);
    expect(o).toMatchObject({ n: '1', grid: 'g1', grid_name: '一网格', worker: 'w1', alarm_id: String(alarm.id) });
    // several revisions were sent (raised, closed; created, accepted, on site), one row each remains
    expect(await pgCount(postgres.url, "SELECT count(*) AS n FROM records WHERE kind IN ('alarm', 'work-order')")).toBe(0);
    const login = await fetch(`${district.url}/api/district/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: DISTRICT_USERS[1]!.name, password: DISTRICT_USERS[1]!.password }) });
    const { token: dt } = (await login.json()) as { token: string };
    const stats = (await (await fetch(`${district.url}/api/district/work-orders/statistics`, { headers: { authorization: `Bearer ${dt}` } })).json()) as { grids: Array<Record<string, unknown>> };
    expect(stats.grids).toEqual([expect.objectContaining({ site: 'north', grid: 'g1', gridName: '一网格', orders: 1, onSitePct: 100 })]);
    expect(stats.grids[0]!.medianToSiteS).toEqual(expect.any(Number));
  }, 40_000);

  it("a site's credentials cannot publish as another site", async () => {
    const creds = cluster.sites.north!;
    const nc = await connect({ servers: cluster.urls, user: creds.user, pass: creds.password });
    try {
      const js = jetstream(nc);
      const forged = JSON.stringify({ site: 'south', kind: 'entry', id: '999', committedAt: Date.now(), record: {} });
      await expect(js.publish('site.south.entry', forged, { msgID: 'south/entry/999', timeout: 2000 })).rejects.toThrow();
      // its own subjects work
      const ok = await js.publish('site.north.probe', JSON.stringify({ site: 'north', kind: 'probe', id: 'p1', committedAt: Date.now(), record: { probe: true } }), { msgID: 'north/probe/p1' });
      expect(ok.stream).toBe('SITES');
    } finally {
      await nc.close();
    }
    await waitFor(async () => (await pgCount(postgres.url, "SELECT count(*) AS n FROM records WHERE site_id = 'north' AND kind = 'probe'")) === 1, 10_000, 'own record stored');
    expect(await pgCount(postgres.url, "SELECT count(*) AS n FROM entries WHERE site_id = 'south'")).toBe(0);
  }, 30_000);

  it('the district dashboard shows the communities, their flow and finds a plate across them (zh-CN and en)', async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ plate: string }>("SELECT credential_value AS plate FROM entries WHERE credential_type = 'plate' LIMIT 1");
    await client.end();
    const plate = rows[0]!.plate;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${district.url}/district?lang=en`);
      await page.getByLabel('Name', { exact: true }).fill(DISTRICT_USERS[1]!.name);
      await page.getByLabel('Password', { exact: true }).fill(DISTRICT_USERS[1]!.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      const north = page.locator('tr[data-site="north"]');
      await north.waitFor({ timeout: 10_000 });
      expect(await north.innerText()).toMatch(/小区 north\s+Online/);
      await page.locator('tr[data-order^="north/"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('tr[data-alarm^="north/"]').innerText()).toMatch(/Critical/);
      expect(await page.locator('tr[data-grid="north/g1"]').innerText()).toMatch(/一网格\s+1\s/);
      await page.getByLabel('Plate', { exact: true }).fill(plate);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('section:has(#district-search) tbody tr').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('section:has(#district-search) tbody tr').count()).toBeGreaterThan(0);
      expect(await page.locator('section:has(#district-flow) tbody tr').count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: '中文' }).click();
      await page.getByRole('heading', { name: '街道数据共享看板' }).waitFor({ timeout: 5000 });
      expect(await north.innerText()).toMatch(/在线/);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('an entry is published as soon as the site commits it, not at the drain\'s next look at the outbox', async () => {
    // last in the file: the tests above expect south never to have connected
    // south looks at its outbox only every 10 minutes and sends no heartbeat meanwhile: only the
    // commit of the entry (in the entry writer's worker) can wake its drain
    const south = barrierDevices(1, 'south-gate');
    const site = await startTestGateway({ config: { ...uplinkConfig(cluster, 'south', { pollMs: 600_000, heartbeatMs: 600_000 }), mqtt: { devices: south.devices } } });
    const southFleet = makeFleet(south.barriers);
    try {
      await southFleet.start(site.mqttUrl);
      const southOutbox = () => site.gateway.database.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM uplink_outbox').get()!.n;
      // the barrier's availability went up (it wakes the drain itself)
      await waitFor(() => southOutbox() === 0 && site.gateway.presence.get('barriers', 'south-gate-1')?.availability === 'online', 15_000, 'south connected, outbox empty');
      await waitFor(async () => (await pgCount(postgres.url, "SELECT count(*) AS n FROM device_availability WHERE site_id = 'south'")) === 1, 15_000, 'south availability');
      await new Promise((r) => setTimeout(r, 1500)); // the drain is idle now, waiting for its next poll
      await southFleet.passage('south-gate-1');
      await waitFor(async () => (await pgCount(postgres.url, "SELECT count(*) AS n FROM entries WHERE site_id = 'south'")) === 1, 15_000, "south's entry in PostgreSQL");
    } finally {
      await southFleet.stop();
      await site.stop();
    }
  }, 60_000);
});
