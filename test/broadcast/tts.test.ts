import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, rmsLevel } from '../../src/broadcast/codecs/wav.js';
import type { JobView } from '../../src/broadcast/job.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';

describe('text-to-speech to a simulated speaker', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig([{ id: 'gate-east', groups: ['all'] }]);
  });
  afterAll(async () => rig?.stop());

  for (const [language, text, voice] of [
    ['en', 'Attention please. The east gate is closing now.', 'en-us'],
    ['zh', '请注意，东门马上关闭。', 'cmn-latn-pinyin'],
  ] as const) {
    it(`speaks ${language} as audible audio of a plausible length`, async () => {
      const job = await rig.call<JobView>('/api/broadcast/tts', { json: { text, speakers: ['gate-east'] }, expect: 201 });
      expect(job).toMatchObject({ language, voice, class: 'manual', source: 'tts', codec: 'pcmu' });
      const done = await rig.waitJob(job.id, ['finished', 'failed', 'stopped']);
      expect(done.status).toBe('finished');
      expect(done.events.map((e) => e.event)).toEqual(['started', 'finished']);
      const recording = await waitFor(() => rig.fleet.get('gate-east').recording(job.id)?.ended && rig.fleet.get('gate-east').recording(job.id), 3000, 'speaker finished');
      expect(recording.end).toBe('finished');
      const wav = parseWav(readFileSync(recording.wavPath!));
      expect(wav.sampleRate).toBe(8000);
      const seconds = wav.samples.length / wav.sampleRate;
      // A short sentence: more than a second of speech, far less than a minute.
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(10);
      expect(rmsLevel(wav.samples)).toBeGreaterThan(0.02);
      expect(recording.stats.lost).toBe(0);
    });
  }
});
