import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/broadcast/job.js';
import type { Schedule } from '../../src/broadcast/schedule-store.js';
import { TalkClient } from '../../simulators/speaker/talk-client.js';
import { waitFor } from '../helpers/wait.js';
import { startRig, type Rig } from './rig.js';

/** A cron expression (with seconds, UTC) for the whole second `at` falls in. */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

const PUBLICITY = 'Residents are reminded that bicycles must be parked in the bicycle shed, not in the corridors or on the stairs. Thank you for keeping the fire escapes clear.';

describe('priorities: scheduled publicity < manual TTS < live call-out', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig([
      { id: 'gate', groups: ['all'] },
      { id: 'lobby', groups: ['all'] },
    ]);
  });
  afterAll(async () => rig?.stop());

  it('preempts in order and resumes the lower jobs when the higher ones end', async () => {
    const fireAt = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const schedule = await rig.call<Schedule & { nextFireAt: string }>('/api/broadcast/schedules', {
      json: { name: 'bicycles', cron: cronAt(fireAt), timezone: 'UTC', targets: { groups: ['all'] }, content: { kind: 'tts', text: PUBLICITY }, onPreempt: 'resume' },
      expect: 201,
    });
    expect(schedule.nextFireAt).toBe(fireAt.toISOString());
    const scheduled = await waitFor(async () => (await rig.call<{ jobs: JobView[] }>('/api/broadcast/jobs')).jobs.find((j) => j.scheduleId === schedule.id && j.status === 'playing'), 6000, 'scheduled job playing');
    expect(scheduled.class).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 400));

    const tts = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Would the owner of car A 1 2 3 please come to the east gate.', speakers: ['gate'] }, expect: 201 });
    expect(tts.class).toBe('manual');
    await new Promise((r) => setTimeout(r, 400));

    const talk = new TalkClient({ url: rig.gw.url, token: rig.officer, speakers: ['gate'] });
    const liveId = await talk.start();
    await talk.sendTone(700, 600);
    // A second live talk on the same speaker is refused while the first runs.
    await expect(new TalkClient({ url: rig.gw.url, token: await rig.gw.login('officer2'), groups: ['all'] }).start()).rejects.toThrow(/409.*busy/);
    await talk.stop();

    const live = await rig.waitJob(liveId, ['finished']);
    const ttsDone = await rig.waitJob(tts.id, ['finished'], 20_000);
    const schedDone = await rig.waitJob(scheduled.id, ['finished'], 30_000);
    const names = (job: JobView) => job.events.map((e) => `${e.event}${e.by ? `<${e.by}` : ''}:${e.speakers.join('+')}`);
    expect(names(schedDone)).toEqual(['started:gate+lobby', `preempted<${tts.id}:gate`, 'resumed:gate', 'finished:gate+lobby']);
    expect(names(ttsDone)).toEqual(['started:gate', `preempted<${liveId}:gate`, 'resumed:gate', 'finished:gate']);
    expect(names(live)).toEqual(['started:gate', 'finished:gate']);

    // What the gate speaker actually played, in order.
    const gate = rig.fleet.get('gate');
    const segments = [scheduled.id, tts.id, liveId]
      .flatMap((id) => gate.recording(id)!.segments.map((s) => ({ id, from: s.from })))
      .sort((a, b) => a.from - b.from)
      .map((s) => (s.id === scheduled.id ? 'scheduled' : s.id === tts.id ? 'tts' : 'live'));
    expect(segments).toEqual(['scheduled', 'tts', 'live', 'tts', 'scheduled']);
    // The lobby was never preempted: the schedule played there from start to end.
    expect(rig.fleet.get('lobby').recording(scheduled.id)!.segments).toHaveLength(1);
    expect(gate.recording(liveId)!.stats.frames).toBeGreaterThan(20);
  });

  it('a skip-policy schedule gives up its speakers when preempted', async () => {
    const fireAt = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const schedule = await rig.call<Schedule>('/api/broadcast/schedules', {
      json: { name: 'skip me', cron: cronAt(fireAt), timezone: 'UTC', targets: { speakers: ['gate'] }, content: { kind: 'tts', text: PUBLICITY }, onPreempt: 'skip' },
      expect: 201,
    });
    const scheduled = await waitFor(async () => (await rig.call<{ jobs: JobView[] }>('/api/broadcast/jobs')).jobs.find((j) => j.scheduleId === schedule.id && j.status === 'playing'), 6000, 'scheduled job playing');
    const alarm = await rig.call<JobView>('/api/broadcast/tts', { json: { text: 'Fire alarm in building A.', speakers: ['gate'], alarm: true }, expect: 201 });
    expect(alarm.class).toBe('alarm');
    const skipped = await rig.waitJob(scheduled.id, ['skipped']);
    expect(skipped.reason).toBe(`preempted by ${alarm.id} (alarm)`);
    expect(skipped.reasonMessage).toEqual({ messageCode: 'job.reason.preempted', params: { job: alarm.id, kind: 'alarm' } });
    await rig.waitJob(alarm.id, ['finished']);
    await waitFor(() => rig.fleet.get('gate').recording(scheduled.id)?.ended, 3000, 'speaker dropped the skipped job');
    expect(rig.fleet.get('gate').recording(scheduled.id)).toMatchObject({ end: 'stopped', endReason: `preempted by ${alarm.id}` });
  });
});
