import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistrictService } from '../../src/district/district-service.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNatsCluster, type RunningNatsCluster } from '../helpers/nats-cluster.js';
import { startPostgres, type RunningPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium } from '../helpers/browser.js';
import { goertzelShare, makeToneWav } from '../broadcast/tone.js';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
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
    district = await startDistrict(districtConfig(cluster, postgres, ['north', 'south'], { clips: { maxUploadMb: 1, maxSeconds: 6 } }));
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
  const upload = async (token: string, name: string | undefined, body: Buffer, type: string) => {
    const res = await fetch(`${district.url}/api/district/clips${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
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

  it('a clip uploaded at the district (type, size and length checked) plays its audio at each site, also at the site offline when it was sent', async () => {
    const officer = (await call('/api/district/login', { json: { name: DISTRICT_USERS[0]!.name, password: DISTRICT_USERS[0]!.password } })).body.token as string;
    const viewer = (await call('/api/district/login', { json: { name: DISTRICT_USERS[1]!.name, password: DISTRICT_USERS[1]!.password } })).body.token as string;
    const dir = mkdtempSync(join(tmpdir(), 'cg-district-clip-test-'));
    try {
      makeToneWav(join(dir, 'tone.wav'), { frequency: 440, seconds: 4.5 });
      makeToneWav(join(dir, 'long.wav'), { frequency: 440, seconds: 7 });
      const tone = readFileSync(join(dir, 'tone.wav'));
      // refusals, each with its code
      const refused = async (status: number, code: string, r: Promise<{ status: number; body: Record<string, unknown> }>) => {
        const { status: got, body } = await r;
        expect({ got, code: body.code }).toEqual({ got: status, code });
        expect(body.error).toEqual(expect.any(String));
      };
      expect((await upload(viewer, 'tone', tone, 'audio/wav')).status).toBe(403);
      await refused(400, 'invalid-clip-name', upload(officer, undefined, tone, 'audio/wav'));
      await refused(415, 'unsupported-media-type', upload(officer, 'text', Buffer.from('Notice: water off at 9.'), 'text/plain'));
      await refused(415, 'unsupported-media-type', upload(officer, 'fake', Buffer.alloc(4096, 7), 'audio/wav'));
      await refused(413, 'too-large', upload(officer, 'big', Buffer.concat([tone.subarray(0, 44), Buffer.alloc(1.1 * 1024 * 1024)]), 'audio/wav'));
      await refused(400, 'empty', upload(officer, 'empty', Buffer.alloc(0), 'audio/wav'));
      await refused(422, 'bad_audio', upload(officer, 'broken', Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVEjunk', 'latin1'), Buffer.alloc(2000, 0x55)]), 'audio/wav'));
      await refused(422, 'clip-too-long', upload(officer, 'long', readFileSync(join(dir, 'long.wav')), 'audio/wav'));

      // south is offline when the notice is sent
      const southData = south!.gw.dataDir;
      await south!.fleet.stop();
      await south!.gw.gateway.stop();
      rmSync(south!.dir, { recursive: true, force: true });
      south = undefined;
      const before = { north: plays(north) };

      // the officer uploads the clip and sends it from the district page, in Chinese
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${district.url}/district?lang=en`);
        await page.getByLabel('Name', { exact: true }).fill(DISTRICT_USERS[0]!.name);
        await page.getByLabel('Password', { exact: true }).fill(DISTRICT_USERS[0]!.password);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('button', { name: '中文' }).click();
        await page.getByLabel('播放音频', { exact: true }).check();
        await page.getByText('还没有上传音频，请在下方上传。').waitFor({ timeout: 5000 });
        await page.getByLabel('音频名称', { exact: true }).fill('停水通知');
        await page.getByLabel('音频文件（WAV、MP3、M4A、OGG、FLAC）', { exact: true }).setInputFiles(join(dir, 'tone.wav'));
        await page.getByRole('button', { name: '上传', exact: true }).click();
        await page.getByText('音频“停水通知”已上传（4.5 秒）。').waitFor({ timeout: 15_000 });
        expect(await page.getByRole('combobox', { name: /^选择音频/ }).inputValue()).toMatch(/^dc-/);
        await page.getByRole('button', { name: '发送', exact: true }).click();
        await page.getByText('已发送到 2 个小区。').waitFor({ timeout: 15_000 });
      } finally {
        await browser.close();
      }
      const clips = (await call('/api/district/clips', { token: viewer })).body.clips as Array<{ id: string; name: string; durationMs: number; chunks: number }>;
      const clip = clips.find((c) => c.name === '停水通知')!;
      expect(Math.abs(clip.durationMs - 4500)).toBeLessThan(50);
      expect(clip.chunks).toBe(2); // 144 kB of 16 kHz audio in 128 kB chunks
      await refused(404, 'clip-not-found', call('/api/district/notices', { token: officer, json: { content: { kind: 'clip', clipId: 'dc-000000000000' }, sites: ['*'] } }));
      const notice = ((await call('/api/district/notices', { token: viewer })).body.notices as Array<{ id: string; content: { kind: string; clip?: { id: string } } }>)[0]!;
      expect(notice.content.clip?.id).toBe(clip.id);
      const id = notice.id;
      const heardTone = (site: Site) => {
        const rec = site.fleet.speakers[0]!.recordings.filter((r) => r.ended && r.end === 'finished').at(-1)!;
        // what the speaker played, as it wrote it down when the job ended
        const { samples, sampleRate: rate } = parseWav(readFileSync(rec.wavPath!));
        return { seconds: samples.length / rate, share: goertzelShare(samples.subarray(Math.round(0.5 * rate), Math.round(4 * rate)), rate, 440) };
      };
      await waitFor(async () => (await deliveries(officer, id)).north === 'played', 30_000, 'north played the clip');
      expect(plays(north)).toBe(before.north + 1);
      const northHeard = heardTone(north!);
      expect(northHeard.seconds).toBeGreaterThan(4.3);
      expect(northHeard.share).toBeGreaterThan(0.8);
      expect((await deliveries(officer, id)).south).toBe('sent');

      south = await startSite(cluster, 'south', southData);
      await waitFor(async () => (await deliveries(officer, id)).south === 'played', 30_000, 'south played the clip on return');
      const southHeard = heardTone(south);
      expect(southHeard.seconds).toBeGreaterThan(4.3);
      expect(southHeard.share).toBeGreaterThan(0.8);
      // the site keeps it as one of its own clips
      expect(south.gw.gateway.database.db.prepare('SELECT count(*) AS n FROM broadcast_clips WHERE name = ?').get('停水通知')).toEqual({ n: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('a notice the cluster refuses at sending (two of three nodes down) is handed over once it answers again, without a restart of the district', async () => {
    const officer = (await call('/api/district/login', { json: { name: DISTRICT_USERS[0]!.name, password: DISTRICT_USERS[0]!.password } })).body.token as string;
    const before = plays(north);
    await cluster.kill(1);
    await cluster.kill(2);
    try {
      const sent = await call('/api/district/notices', { token: officer, json: { content: { kind: 'tts', text: 'Notice from the street office: sent while the cluster was down.', language: 'en' }, sites: ['north'] } });
      // stored at the district: the officer's notice is not lost, it waits to be handed over
      expect(sent.status).toBe(200);
      const id = sent.body.id as string;
      expect((await deliveries(officer, id)).north).toBe('pending');
      await cluster.restart(1);
      await cluster.restart(2);
      await waitFor(async () => (await deliveries(officer, id)).north === 'played', 60_000, 'north played the notice once the cluster answered');
      expect(plays(north)).toBe(before + 1);
    } finally {
      for (const i of [1, 2]) if (cluster.nodes[i]!.pid === undefined) await cluster.restart(i);
    }
  }, 120_000);
});
