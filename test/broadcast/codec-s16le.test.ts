import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, rmsLevel } from '../../src/broadcast/codecs/wav.js';
import type { JobView } from '../../src/broadcast/job.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';

describe('16 kHz PCM (broadcast.codec: s16le, 40 ms frames)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(
      [
        { id: 'wide', groups: ['all', 'wide'] },
        { id: 'narrow', groups: ['all'], codecs: ['pcmu'] },
      ],
      { config: { broadcast: { codec: 's16le', frameMs: 40 } } },
    );
    await waitFor(async () => (await rig.call<{ speakers: Array<{ state: unknown }> }>('/api/broadcast/speakers')).speakers.every((s) => s.state), 3000, 'speaker states');
  });
  afterAll(async () => rig?.stop());

  it('reaches the speaker as 16 kHz audio in 40 ms frames', async () => {
    const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Gate open.', groups: ['wide'] }, expect: 201 });
    expect(job.codec).toBe('s16le');
    await rig.waitJob(job.id, ['finished']);
    const rec = await waitFor(() => rig.fleet.get('wide').recording(job.id)?.ended && rig.fleet.get('wide').recording(job.id), 3000, 'recording');
    expect(rec.play).toMatchObject({ codec: 's16le', sampleRate: 16000, frameMs: 40 });
    const wav = parseWav(readFileSync(rec.wavPath!));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.samples.length % 640).toBe(0);
    expect(rmsLevel(wav.samples)).toBeGreaterThan(0.02);
  });

  it('falls back to G.711 when a target speaker does not declare the codec', async () => {
    const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Gate open.', groups: ['all'] }, expect: 201 });
    expect(job.codec).toBe('pcmu');
    await rig.waitJob(job.id, ['finished']);
    await waitFor(() => rig.fleet.get('narrow').recording(job.id)?.end === 'finished', 3000, 'narrow speaker finished');
    expect(rig.fleet.get('wide').recording(job.id)!.play.sampleRate).toBe(8000);
  });
});
