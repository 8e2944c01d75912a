import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistrictService } from '../../src/district/district-service.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNatsCluster, type RunningNatsCluster } from '../helpers/nats-cluster.js';
import { startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { DISTRICT_USERS, districtConfig, startDistrict, uplinkConfig } from './district-env.js';

interface Site {
  gw: TestGateway;
  fleet: SpeakerFleet;
  dir: string;
}

async function startSite(cluster: RunningNatsCluster, id: string, dataDir?: string): Promise<Site> {
  const speaker = { id: `${id}-gate`, groups: ['all'], password: `pw-${id}-gate-secret` };
  const gw = await startTestGateway({
    ...(dataDir ? { dataDir } : {}),
    ...(process.env.DEBUG_SITE === id ? { logLevel: 'debug' as const } : {}),
    config: { ...uplinkConfig(cluster, id), mqtt: { devices: [{ id: speaker.id, kind: 'speakers', password: speaker.password, groups: speaker.groups }] } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'cg-speakers-'));
  const fleet = new SpeakerFleet({ speakers: [speaker], baseTopic: gw.config.mqtt.baseTopic, dataDir: dir });
  await fleet.start({ mqttUrl: gw.mqttUrl });
  await waitFor(() => gw.gateway.presence.get('speakers', speaker.id)?.availability === 'online', 5000, 'speaker online');
  return { gw, fleet, dir };
}

async function stopSite(site: Site | undefined): Promise<void> {
  if (!site) return;
  await site.fleet.stop();
  await site.gw.stop();
  rmSync(site.dir, { recursive: true, force: true });
}

describe('notices from the district play once at every site', () => {
  let cluster: RunningNatsCluster;
  let postgres: RunningPostgres;
  let district: DistrictService;
  let north: Site | undefined;
  let south: Site | undefined;

  beforeAll(async () => {
    [cluster, postgres] = await Promise.all([startNatsCluster(['north', 'south']), startPostgres()]);
    district = await startDistrict(districtConfig(cluster, postgres, ['north', 'south']));
    north = await startSite(cluster, 'north');
  }, 60_000);
  afterAll(async () => {
    await stopSite(north);
    await stopSite(south);
    await district?.stop();
    await cluster?.stop();
    await postgres?.stop();
  });

  const call = async (path: string, init: { token?: string; json?: unknown } = {}) => {
    const res = await fetch(`${district.url}${path}`, {
      method: init.json !== undefined ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const deliveries = async (token: string, id: string) => {
    const { body } = await call('/api/district/notices', { token });
    const n = (body.notices as Array<{ id: string; deliveries: Array<{ site: string; state: string }> }>).find((x) => x.id === id);
    return Object.fromEntries((n?.deliveries ?? []).map((d) => [d.site, d.state]));
  };
  const plays = (site: Site | undefined) => site?.fleet.speakers[0]!.recordings.filter((r) => r.ended && r.end === 'finished').length ?? 0;

  it('a viewer may not send; an officer sends to every site; the online site plays now, the offline one when it returns', async () => {
    const viewer = (await call('/api/district/login', { json: { name: DISTRICT_USERS[1]!.name, password: DISTRICT_USERS[1]!.password } })).body.token as string;
    const officer = (await call('/api/district/login', { json: { name: DISTRICT_USERS[0]!.name, password: DISTRICT_USERS[0]!.password } })).body.token as string;
    const notice = { content: { kind: 'tts', text: 'Notice from the street office: test.', language: 'en' }, sites: ['*'] };
    expect((await call('/api/district/notices', { token: viewer, json: notice })).status).toBe(403);
    expect((await call('/api/district/notices', { token: officer, json: { ...notice, content: { kind: 'tts', text: '' } } })).status).toBe(400);
    const sent = await call('/api/district/notices', { token: officer, json: notice });
    expect(sent.status).toBe(200);
    const id = sent.body.id as string;
    expect(sent.body.sites).toEqual(['north', 'south']);
    await waitFor(async () => (await deliveries(officer, id)).north === 'played', 30_000, 'north played');
    expect(plays(north)).toBe(1);
    expect((await deliveries(officer, id)).south).toBe('sent');

    south = await startSite(cluster, 'south');
    await waitFor(async () => (await deliveries(officer, id)).south === 'played', 30_000, 'south played on return');
    expect(plays(south)).toBe(1);

    // a restart of the site does not play it again (the notice is recorded before its ack)
    const dataDir = north!.gw.dataDir;
    await north!.fleet.stop();
    await north!.gw.gateway.stop();
    rmSync(north!.dir, { recursive: true, force: true });
    north = await startSite(cluster, 'north', dataDir);
    await new Promise((r) => setTimeout(r, 3000));
    expect(plays(north)).toBe(0);
    expect((await deliveries(officer, id)).north).toBe('played');
  }, 120_000);
});
