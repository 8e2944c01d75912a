import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav } from '../../src/broadcast/codecs/wav.js';
import type { Clip } from '../../src/broadcast/clip-store.js';
import type { JobView } from '../../src/broadcast/job.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';
import { goertzelShare, makeToneWav, zeroCrossingFrequency } from './tone.js';

async function metric(rig: Rig, name: string): Promise<number> {
  const text = await (await rig.gw.api('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('clips and group broadcasts', () => {
  let rig: Rig;
  let admin: string;
  let clip: Clip;
  const dir = mkdtempSync(join(tmpdir(), 'cg-clip-'));

  beforeAll(async () => {
    rig = await startRig([
      { id: 'east-1', groups: ['all', 'gate-east'] },
      { id: 'east-2', groups: ['all', 'gate-east'] },
      { id: 'west-1', groups: ['all', 'gate-west'] },
      { id: 'lobby-1', groups: ['all'] },
    ]);
    admin = await rig.gw.login('admin');
  });
  afterAll(async () => {
    await rig?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('converts an uploaded WAV once and keeps its metadata (admin only)', async () => {
    makeToneWav(join(dir, 'tone.wav'), { frequency: 440, seconds: 1.2, sampleRate: 44100 });
    const body = readFileSync(join(dir, 'tone.wav'));
    const refused = await rig.gw.api('/api/broadcast/clips?name=tone', { method: 'POST', token: rig.officer, body, headers: { 'content-type': 'audio/wav' } });
    expect(refused.status).toBe(403);
    const res = await rig.gw.api('/api/broadcast/clips?name=Tone%20440&filename=tone.wav', { method: 'POST', token: admin, body, headers: { 'content-type': 'audio/wav' } });
    expect(res.status).toBe(201);
    clip = (await res.json()) as Clip;
    expect(clip).toMatchObject({ name: 'Tone 440', originalName: 'tone.wav', uploadedBy: 'admin' });
    expect(clip.durationMs).toBeGreaterThanOrEqual(1190);
    expect(clip.durationMs).toBeLessThanOrEqual(1210);
    const garbage = await rig.gw.api('/api/broadcast/clips?name=bad', { method: 'POST', token: admin, body: Buffer.from('this is not audio at all'), headers: { 'content-type': 'application/octet-stream' } });
    expect(garbage.status).toBe(422);
    expect(((await garbage.json()) as { error: string }).error).toMatch(/ffmpeg could not read/);
    const list = await rig.call<{ clips: Clip[] }>('/api/broadcast/clips');
    expect(list.clips.map((c) => c.id)).toEqual([clip.id]);
  });

  it('a group broadcast reaches exactly the group members, with one publish per frame', async () => {
    const before = await metric(rig, 'gateway_broadcast_audio_publishes_total');
    const job = await rig.call<JobView>(`/api/broadcast/clips/${clip.id}/play`, { json: { groups: ['gate-east'] }, expect: 201 });
    expect(job.speakers).toEqual(['east-1', 'east-2']);
    const done = await rig.waitJob(job.id, ['finished', 'failed', 'stopped']);
    expect(done.status).toBe('finished');
    for (const id of ['east-1', 'east-2']) {
      const rec = await waitFor(() => rig.fleet.get(id).recording(job.id)?.ended && rig.fleet.get(id).recording(job.id), 3000, `${id} finished`);
      expect(rec.end).toBe('finished');
      const wav = parseWav(readFileSync(rec.wavPath!));
      expect(Math.abs(zeroCrossingFrequency(wav.samples, 8000) - 440)).toBeLessThan(5);
      expect(goertzelShare(wav.samples, 8000, 440)).toBeGreaterThan(0.8);
    }
    for (const id of ['west-1', 'lobby-1']) expect(rig.fleet.get(id).recording(job.id)).toBeUndefined();
    const frames = rig.fleet.get('east-1').recording(job.id)!.stats.frames;
    const published = (await metric(rig, 'gateway_broadcast_audio_publishes_total')) - before;
    // One publish per frame for the whole group (the end-of-stream frame included), not one per member.
    expect(published).toBe(frames);
  });

  it('speakers named one by one next to a group get their own copy, once', async () => {
    const job = await rig.call<JobView>(`/api/broadcast/clips/${clip.id}/play`, { json: { groups: ['gate-east'], speakers: ['east-1', 'lobby-1'] }, expect: 201 });
    expect(job.speakers).toEqual(['east-1', 'east-2', 'lobby-1']);
    await rig.waitJob(job.id, ['finished']);
    await waitFor(() => rig.fleet.get('lobby-1').recording(job.id)?.end === 'finished', 3000, 'lobby-1 finished');
    expect(rig.fleet.get('east-1').recording(job.id)!.stats.late).toBe(0); // no duplicate frames
    expect(rig.fleet.get('west-1').recording(job.id)).toBeUndefined();
  });

  it('refuses bad requests with clear messages', async () => {
    const unknownGroup = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'hello', groups: ['nowhere'] } });
    expect(unknownGroup.status).toBe(400);
    expect(((await unknownGroup.json()) as { error: string }).error).toMatch(/no speaker is in these groups: nowhere/);
    const noTarget = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'hello' } });
    expect(noTarget.status).toBe(400);
    const noVoice = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'bonjour', language: 'fr', groups: ['all'] } });
    expect(noVoice.status).toBe(400);
    expect(((await noVoice.json()) as { error: string }).error).toMatch(/no TTS voice for language "fr"/);
    const viewer = await rig.gw.login('viewer');
    expect((await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: viewer, json: { text: 'hello', groups: ['all'] } })).status).toBe(403);
    expect((await rig.gw.api('/api/broadcast/jobs/job-nothing', { token: viewer })).status).toBe(404);
    const badCron = await rig.gw.api('/api/broadcast/schedules', { method: 'POST', token: rig.officer, json: { name: 'x', cron: 'every day', targets: { groups: ['all'] }, content: { kind: 'tts', text: 'hi' } } });
    expect(badCron.status).toBe(400);
    expect(((await badCron.json()) as { error: string }).error).toMatch(/invalid cron expression/);
  });

  it('a second job of the same priority on busy speakers is refused with 409; stop ends a job at once', async () => {
    const first = await rig.call<JobView>(`/api/broadcast/clips/${clip.id}/play`, { json: { groups: ['gate-west'], repeat: 5 }, expect: 201 });
    const busy = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'hello', speakers: ['west-1'] } });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: string }).error).toContain(first.id);
    const stopped = await rig.call<JobView>(`/api/broadcast/jobs/${first.id}/stop`, { json: {} });
    expect(stopped.status).toBe('stopped');
    await waitFor(() => rig.fleet.get('west-1').recording(first.id)?.ended, 3000, 'speaker stopped');
    expect(['stopped', 'finished']).toContain(rig.fleet.get('west-1').recording(first.id)!.end);
    const audit = await rig.call<{ entries: Array<{ action: string; user: string; detail: { groups?: string[] } }> }>('/api/audit?action=broadcast.clip.play&limit=20', { token: admin });
    expect(audit.entries.some((e) => e.user === 'officer' && e.detail.groups?.[0] === 'gate-west')).toBe(true);
  });

  it('sets the volume of a whole group with one publish and the speakers confirm it', async () => {
    await rig.call('/api/broadcast/groups/gate-east/volume', { json: { volume: 35 } });
    await waitFor(async () => {
      const { speakers } = await rig.call<{ speakers: Array<{ id: string; state: { volume: number } | null }> }>('/api/broadcast/speakers');
      return speakers.filter((s) => s.state?.volume === 35).map((s) => s.id).sort().join(',') === 'east-1,east-2';
    }, 3000, 'volume confirmed');
    expect(rig.fleet.get('west-1').currentVolume).toBe(80);
  });
});
