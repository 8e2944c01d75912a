/**
 * A speaker in two of a job's groups receives every frame twice (once per group topic): the
 * contract (docs/mqtt.md, Speakers) says it plays each frame once; the simulator does so.
 */
import { describe, expect, it } from 'vitest';
import { JobRecording } from '../../../simulators/speaker/job-recording.js';

describe('speaker simulator: frames that arrive twice', () => {
  it('plays each sequence number once and counts the copies', () => {
    const job = new JobRecording({ jobId: 'j-1', stream: 7 } as unknown as ConstructorParameters<typeof JobRecording>[0], 0);
    const firsts = [0, 0, 1, 1, 2, 3, 2].map((seq) => job.firstArrival(seq));
    expect(firsts).toEqual([true, false, true, false, true, true, false]);
    expect(job.duplicates).toBe(3);
  });

  it('remembers a window of recent frames, not every frame of a long job', () => {
    const job = new JobRecording({ jobId: 'j-2', stream: 8 } as unknown as ConstructorParameters<typeof JobRecording>[0], 0);
    for (let seq = 0; seq < 1000; seq++) expect(job.firstArrival(seq)).toBe(true);
    expect(job.firstArrival(999)).toBe(false);
    expect(job.firstArrival(0)).toBe(true); // long gone from the window
  });
});
