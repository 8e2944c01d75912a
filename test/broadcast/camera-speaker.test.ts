/**
 * A camera's own loudspeaker as a broadcast target beside an MQTT speaker, over the wire: the
 * gateway detects the backchannel of the camera simulator (GetAudioOutputs, DESCRIBE), offers it
 * on the speakers list, plays TTS and push-to-talk into it (checked in the simulator's WAV),
 * arbitrates priorities on it, refuses a camera without a backchannel, and ends only the camera's
 * part of a job when the camera goes offline.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/broadcast/job.js';
import type { SpeakerView } from '../../src/broadcast/speaker-directory.js';
import type { CameraTargetView } from '../../src/broadcast/camera-speakers/camera-targets.js';
import { parseWav, rmsLevel } from '../../src/broadcast/codecs/wav.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { TalkClient } from '../../simulators/speaker/talk-client.js';
import { cameraEntry, fastCameraConfig } from '../cameras/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';
import { goertzelShare, makeToneWav, zeroCrossingFrequency } from './tone.js';

let north: RunningCamera;
let plain: RunningCamera;
let rig: Rig;
let dataDir: string;

/** The WAV the camera wrote for the first backchannel session that began after `filesBefore`. */
async function cameraWav(filesBefore: number): Promise<Int16Array> {
  const file = await waitFor(() => {
    const f = north.state.backchannel.files[filesBefore];
    // the header gets its sizes when the session ends
    return f && readFileSync(f).readUInt32LE(40) > 0 ? f : undefined;
  }, 10_000, 'the camera WAV to be finished');
  const wav = parseWav(readFileSync(file));
  expect(wav.sampleRate).toBe(8000);
  return wav.samples;
}

/** Waits until the camera's last backchannel session has ended (its WAV finished), so that the next job gets a WAV of its own. */
async function cameraIdle(): Promise<number> {
  await waitFor(() => {
    const f = north.state.backchannel.files.at(-1);
    return !f || readFileSync(f).readUInt32LE(40) > 0;
  }, 10_000, 'the camera backchannel session to end');
  return north.state.backchannel.files.length;
}

/** A job's events from one speaker, once that speaker reported the end (it may come after the job ended at the gateway). */
async function speakerEventsOf(jobId: string, speaker: string): Promise<string[]> {
  return waitFor(async () => {
    const events = (await rig.call<JobView>(`/api/broadcast/jobs/${jobId}`)).speakerEvents.filter((e) => e.speaker === speaker).map((e) => e.event);
    return ['finished', 'stopped', 'failed'].includes(events.at(-1) ?? '') ? events : undefined;
  }, 10_000, `${speaker} to report the end of ${jobId}`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cg-camera-speaker-'));
  north = await startCameraSimulator({ name: 'North Gate', dataDir: join(dataDir, 'north') });
  plain = await startCameraSimulator({ name: 'Car Park', backchannel: false, dataDir: join(dataDir, 'plain') });
  rig = await startRig([{ id: 'gate', groups: ['all'] }], {
    config: {
      ...fastCameraConfig([cameraEntry('north', north, '北门'), cameraEntry('plain', plain, '停车场')]),
      broadcast: {
        cameraSpeakers: {
          cameras: [
            { camera: 'north', groups: ['all'] },
            { camera: 'plain', groups: ['all'] },
          ],
          idleCloseMs: 300,
          timeoutMs: 10_000,
          failAfterMs: 1000,
          reconnect: { initialMs: 100, maxMs: 300 },
        },
      },
    },
  });
  await waitFor(async () => (await rig.call<{ speakers: SpeakerView[] }>('/api/broadcast/speakers')).speakers.some((s) => s.id === 'camera:north' && s.availability === 'online'), 40_000, 'the camera loudspeaker offered');
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  await north?.stop();
  await plain?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('camera loudspeaker as a broadcast target', () => {
  it('offers only the camera whose backchannel answered, with its name and codec; the other is refused with the reason', async () => {
    const { speakers } = await rig.call<{ speakers: SpeakerView[] }>('/api/broadcast/speakers');
    expect(speakers.map((s) => s.id).sort()).toEqual(['camera:north', 'gate']);
    expect(speakers.find((s) => s.id === 'camera:north')).toMatchObject({ kind: 'camera', cameraId: 'north', name: '北门', groups: ['all'], availability: 'online' });
    const { groups } = await rig.call<{ groups: Array<{ name: string; speakers: string[] }> }>('/api/broadcast/groups');
    expect(groups).toEqual([{ name: 'all', speakers: ['gate', 'camera:north'] }]);
    const { cameras } = await rig.call<{ cameras: CameraTargetView[] }>('/api/broadcast/camera-speakers');
    expect(cameras.find((c) => c.cameraId === 'north')).toMatchObject({ backchannel: 'available', codec: 'pcmu', audioOutputs: 1 });
    expect(cameras.find((c) => c.cameraId === 'plain')).toMatchObject({ backchannel: 'unsupported', name: '停车场', reason: expect.stringContaining('no audio output') });
    const refused = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'test', speakers: ['camera:plain'] } });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ messageCode: 'camera-speaker.unavailable', params: { camera: '停车场' } });
  });

  it('a TTS job to the group reaches the MQTT speaker and the camera loudspeaker', async () => {
    const before = await cameraIdle();
    const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Please keep the fire lane clear.', groups: ['all'] }, expect: 201 });
    expect(job.speakers).toEqual(['camera:north', 'gate']);
    await rig.waitJob(job.id, ['finished']);
    expect(await speakerEventsOf(job.id, 'camera:north')).toEqual(['started', 'finished']);
    const samples = await cameraWav(before);
    const gate = rig.fleet.get('gate').recording(job.id)!;
    const gateSeconds = gate.chunks.length === 0 ? parseWav(readFileSync(gate.wavPath!)).samples.length / 8000 : 0;
    // the same speech: about as long as on the MQTT speaker, and not silence
    expect(Math.abs(samples.length / 8000 - gateSeconds)).toBeLessThan(0.3);
    expect(rmsLevel(samples)).toBeGreaterThan(0.02);
  });

  it('push-to-talk to the camera arrives as the tone spoken into the microphone', async () => {
    const before = await cameraIdle();
    const talk = new TalkClient({ url: rig.gw.url, token: rig.officer, speakers: ['camera:north'] });
    const jobId = await talk.start();
    await talk.sendTone(1000, 1000);
    await talk.stop();
    await rig.waitJob(jobId, ['finished']);
    const samples = await cameraWav(before);
    const loud = samples.subarray(Math.max(0, samples.findIndex((s) => Math.abs(s) > 2000)));
    expect(loud.length / 8000).toBeGreaterThan(0.8);
    expect(zeroCrossingFrequency(loud.subarray(0, 6400), 8000)).toBeCloseTo(1000, -1);
  });

  it('a live call-out pre-empts a clip on the camera, which resumes afterwards', async () => {
    const admin = await rig.gw.login('admin');
    const toneFile = join(dataDir, 'tone-400.wav');
    makeToneWav(toneFile, { frequency: 400, seconds: 2.5 });
    const upload = await rig.gw.api('/api/broadcast/clips?name=tone400', { method: 'POST', token: admin, body: readFileSync(toneFile), headers: { 'content-type': 'audio/wav' } });
    expect(upload.status).toBe(201);
    const clip = (await upload.json()) as { id: string };
    const before = await cameraIdle();
    const manual = await rig.call<JobView>(`/api/broadcast/clips/${clip.id}/play`, { json: { speakers: ['camera:north'] }, expect: 201 });
    await new Promise((r) => setTimeout(r, 700));
    const talk = new TalkClient({ url: rig.gw.url, token: rig.officer, speakers: ['camera:north'] });
    const liveId = await talk.start();
    await talk.sendTone(1000, 800);
    await talk.stop();
    await rig.waitJob(liveId, ['finished']);
    const done = await rig.waitJob(manual.id, ['finished'], 15_000);
    expect(done.events.map((e) => `${e.event}${e.by ? `<${e.by}` : ''}`)).toEqual(['started', `preempted<${liveId}`, 'resumed', 'finished']);
    expect(await speakerEventsOf(manual.id, 'camera:north')).toEqual(['started', 'preempted', 'resumed', 'finished']);
    const samples = await cameraWav(before);
    // first the clip's 400 Hz, then the officer's 1000 Hz, then 400 Hz again
    const at = (fromS: number, toS: number) => samples.subarray(Math.round(fromS * 8000), Math.round(toS * 8000));
    expect(goertzelShare(at(0.1, 0.5), 8000, 400)).toBeGreaterThan(0.8);
    const liveStart = samples.findIndex((_, i) => i > 4000 && i + 800 < samples.length && goertzelShare(samples.subarray(i, i + 800), 8000, 1000) > 0.8);
    expect(liveStart).toBeGreaterThan(0);
    expect(goertzelShare(at(liveStart / 8000 + 0.2, liveStart / 8000 + 0.6), 8000, 1000)).toBeGreaterThan(0.8);
    expect(goertzelShare(at(samples.length / 8000 - 0.6, samples.length / 8000 - 0.2), 8000, 400)).toBeGreaterThan(0.8);
  });

  it('the camera going offline ends its part of a job with the reason; the MQTT speaker plays on', async () => {
    await cameraIdle();
    const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Residents are reminded that bicycles must be parked in the bicycle shed, not in the corridors.', groups: ['all'] }, expect: 201 });
    await waitFor(() => north.state.backchannel.packets > 0 && rig.fleet.get('gate').currentJobId === job.id, 5000, 'both playing');
    await new Promise((r) => setTimeout(r, 500));
    await north.control.goOffline();
    const failed = await waitFor(async () => {
      const view = await rig.call<JobView>(`/api/broadcast/jobs/${job.id}`);
      return view.speakerEvents.find((e) => e.speaker === 'camera:north' && e.event === 'failed') ? view : undefined;
    }, 8000, 'the camera part to fail');
    expect(failed.status).toBe('playing');
    expect(failed.playingOn).toEqual(['gate']);
    expect(failed.speakerEvents.find((e) => e.event === 'failed')!.reason).toMatch(/camera "北门"/);
    const done = await rig.waitJob(job.id, ['finished'], 20_000);
    expect(done.speakerEvents.filter((e) => e.speaker === 'gate').map((e) => e.event)).toEqual(['started', 'finished']);
    const speakers = await rig.call<{ speakers: SpeakerView[] }>('/api/broadcast/speakers');
    await waitFor(async () => (await rig.call<{ speakers: SpeakerView[] }>('/api/broadcast/speakers')).speakers.find((s) => s.id === 'camera:north')?.availability === 'offline', 5000, 'the camera listed offline');
    expect(speakers.speakers.map((s) => s.id)).toContain('camera:north');
    await north.control.goOnline();
  });
});
