import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMulaw } from '../../../devices/mqtt-speaker/g711.js';
import { groupAudio, groupPlay, speakerAudio, speakerPlay, type PlayMessage, type SpeakerEvent } from '../../../devices/mqtt-speaker/protocol.js';
import { parseWav } from '../../../src/broadcast/codecs/wav.js';
import type { JobView } from '../../../src/broadcast/job.js';
import { startRig, type Rig } from '../../broadcast/rig.js';
import { waitFor } from '../../helpers/wait.js';

function play(jobId: string, stream: number, priority: number, extra: Partial<PlayMessage> = {}): PlayMessage {
  return { v: 1, jobId, stream, priority, class: 'manual', source: 'clip', codec: 'pcmu', sampleRate: 8000, frameMs: 20, volume: null, repeat: 1, at: new Date().toISOString(), ...extra };
}

function toneFrame(sequence: number, frequency = 500): Buffer {
  const samples = new Int16Array(160);
  for (let i = 0; i < 160; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequency * (sequence * 160 + i)) / 8000));
  return encodeMulaw(samples);
}

describe('speaker simulator over the wire', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(
      [
        { id: 'sim-a', groups: ['all', 'east'] },
        { id: 'sim-b', groups: ['all'] },
        { id: 'sim-native', groups: ['lobby'], nativeTts: ['en'] },
        { id: 'sim-old', groups: ['old'], codecs: ['pcmu'] },
      ],
      { nativeTtsMsPerChar: 10 },
    );
  });
  afterAll(async () => rig?.stop());
  const publisher = () => rig.gw.gateway.publisher;

  it('decodes frames into a WAV and counts lost frames from sequence gaps', async () => {
    await publisher().publish(groupPlay, { group: 'east' }, play('raw-1', 901, 20));
    for (const sequence of [0, 1, 2, 4, 5]) await publisher().publish(groupAudio, { group: 'east' }, { codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 901, sequence, capturedAt: performance.timeOrigin + performance.now(), data: toneFrame(sequence) });
    await publisher().publish(groupAudio, { group: 'east' }, { codec: 'pcmu', endOfStream: true, frameMs: 20, stream: 901, sequence: 6, capturedAt: Date.now(), data: Buffer.alloc(0) });
    const rec = await waitFor(() => rig.fleet.get('sim-a').recording('raw-1')?.ended && rig.fleet.get('sim-a').recording('raw-1'), 3000, 'recording');
    expect(rec.end).toBe('finished');
    expect(rec.stats.summary()).toMatchObject({ frames: 6, lost: 1 });
    expect(rec.stats.percentile(50)).toBeGreaterThanOrEqual(0);
    const wav = parseWav(readFileSync(rec.wavPath!));
    expect(wav.samples.length).toBe(5 * 160);
    expect(rig.fleet.get('sim-b').recording('raw-1')).toBeUndefined();
  });

  it('plays the highest priority it was told about and falls back when it ends', async () => {
    const speaker = rig.fleet.get('sim-b');
    const events: SpeakerEvent[] = [];
    const listener = (e: SpeakerEvent) => events.push(e);
    speaker.on('event', listener);
    await publisher().publish(speakerPlay, { id: 'sim-b' }, play('low', 911, 10, { class: 'scheduled' }));
    await publisher().publish(speakerPlay, { id: 'sim-b' }, play('high', 912, 30, { class: 'alarm' }));
    await publisher().publish(speakerAudio, { id: 'sim-b' }, { codec: 'pcmu', endOfStream: false, frameMs: 20, stream: 911, sequence: 0, capturedAt: Date.now(), data: toneFrame(0) });
    await publisher().publish(speakerAudio, { id: 'sim-b' }, { codec: 'pcmu', endOfStream: true, frameMs: 20, stream: 912, sequence: 0, capturedAt: Date.now(), data: toneFrame(0) });
    await waitFor(() => events.some((e) => e.jobId === 'high' && e.event === 'finished'), 3000, 'high finished');
    await publisher().publish(speakerAudio, { id: 'sim-b' }, { codec: 'pcmu', endOfStream: true, frameMs: 20, stream: 911, sequence: 1, capturedAt: Date.now(), data: Buffer.alloc(0) });
    await waitFor(() => events.some((e) => e.jobId === 'low' && e.event === 'finished'), 3000, 'low finished');
    speaker.off('event', listener);
    expect(events.map((e) => `${e.jobId}:${e.event}`)).toEqual(['low:started', 'low:preempted', 'high:started', 'high:finished', 'low:resumed', 'low:finished']);
    expect(speaker.recording('low')!.dropped).toBe(1);
  });

  it('reports a codec it cannot decode as a failed job event', async () => {
    const events: SpeakerEvent[] = [];
    rig.fleet.get('sim-old').on('event', (e: SpeakerEvent) => events.push(e));
    await publisher().publish(speakerPlay, { id: 'sim-old' }, play('wide', 921, 20, { codec: 's16le', sampleRate: 16000 }));
    await waitFor(() => events.find((e) => e.jobId === 'wide'), 3000, 'failed event');
    expect(events[0]).toMatchObject({ event: 'failed', reason: 'codec s16le is not supported' });
  });

  it('speaks text itself when it declares native TTS for the language', async () => {
    const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Parcel delivery at the lobby.', groups: ['lobby'] }, expect: 201 });
    expect(job).toMatchObject({ codec: 'none', voice: 'native', language: 'en' });
    const done = await rig.waitJob(job.id, ['finished', 'failed']);
    expect(done.status).toBe('finished');
    expect(done.speakerEvents.map((e) => e.event)).toEqual(['started', 'finished']);
    expect(rig.fleet.get('sim-native').recording(job.id)!.play.text).toBe('Parcel delivery at the lobby.');
  });

  it('fault "slow": every frame is handled later, and the speaker measures it', async () => {
    const speaker = rig.fleet.get('sim-a');
    speaker.faults.slowMs = 120;
    try {
      const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Slow.', speakers: ['sim-a'] }, expect: 201 });
      await rig.waitJob(job.id, ['finished']);
      const rec = await waitFor(() => speaker.recording(job.id)?.ended && speaker.recording(job.id), 3000, 'recording');
      expect(rec.stats.percentile(50)!).toBeGreaterThanOrEqual(120);
      const finished = await waitFor(async () => (await rig.call<JobView>(`/api/broadcast/jobs/${job.id}`)).speakerEvents.find((e) => e.event === 'finished'), 3000, 'speaker report');
      expect(finished.stats!.latencyP50Ms).toBeGreaterThanOrEqual(120);
    } finally {
      speaker.faults.slowMs = 0;
    }
  });

  it('fault "offline": the last will marks it offline; a job for it alone is refused with 503', async () => {
    const speaker = rig.fleet.get('sim-old');
    await speaker.goOffline();
    await waitFor(() => rig.gw.gateway.presence.get('speakers', 'sim-old')?.availability === 'offline', 5000, 'offline');
    const res = await rig.gw.api('/api/broadcast/tts', { method: 'POST', token: rig.officer, json: { text: 'Anyone?', groups: ['old'] } });
    expect(res.status).toBe(503);
    await speaker.goOnline();
    await waitFor(() => rig.gw.gateway.presence.get('speakers', 'sim-old')?.availability === 'online', 5000, 'online again');
  });

  it('the gateway refuses a malformed speaker state and says why on gateway/errors', async () => {
    const client = await mqtt.connectAsync(rig.gw.mqttUrl, { username: 'sim-b', password: 'pw-sim-b-secret', clientId: 'sim-b:rogue', protocolVersion: 4 });
    const errors: string[] = [];
    try {
      await client.publishAsync('community/speakers/sim-b/state', JSON.stringify({ state: 'dancing' }), { qos: 1 });
      const metrics = async () => (await (await rig.gw.api('/metrics')).text()).split('\n').find((l) => l.startsWith('gateway_mqtt_invalid_messages_total{topic_name="speaker.state"}'));
      const line = await waitFor(metrics, 3000, 'invalid message counted');
      errors.push(line);
    } finally {
      await client.endAsync();
    }
    expect(errors[0]).toMatch(/ 1$/);
  });
});
