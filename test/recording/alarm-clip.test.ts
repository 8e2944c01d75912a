/**
 * An alarm's clip (the alarms feature's `clip {cameraId, from, to}` seam): the recorder keeps that
 * span as an event span ("alarm" mark, once per alarm, outliving the camera's own retention), and
 * the clip plays back and exports like any recorded range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { alarmsFeature } from '../../src/alarms/feature.js';
import { createRecordingFeature } from '../../src/recording/feature.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { simulatorSources } from '../streaming/helpers.js';

interface Timeline {
  spans: Array<{ from: number; to: number }>;
  events: Array<{ at: number; kind: string; label: string | null }>;
}

describe('alarm clips in the recording', () => {
  let cam: RunningCamera;
  let gw: TestGateway;
  let officer: string;

  beforeAll(async () => {
    cam = await startCameraSimulator({ name: 'Gate cam', main: { width: 320, height: 180, fps: 15, bitrateKbps: 300 }, encoderLingerMs: 500 });
    gw = await startTestGateway({
      features: [simulatorSources({ cam }), streamingFeature, createRecordingFeature(), alarmsFeature],
      config: { recording: { defaults: { enabled: true }, segmentSeconds: 2, fsyncIntervalMs: 200, retentionCheckMs: 500 }, streaming: { graceMs: 500 } },
    });
    officer = await gw.login('officer');
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await cam?.stop();
  });

  it('keeps the clip of an alarm as an event span, marked once, and exports it', async () => {
    const timeline = async (): Promise<Timeline> => (await (await gw.api('/api/recordings/cam/timeline', { token: officer })).json()) as Timeline;
    await waitFor(async () => (await timeline()).spans.some((s) => s.to - s.from > 1500), 20_000);
    const res = await gw.api('/api/alarms', { method: 'POST', token: officer, json: { kind: 'stranger', cameraId: 'cam' } });
    expect(res.status).toBe(201);
    const alarm = (await res.json()) as { id: number; clip: { cameraId: string; from: string; to: string } };
    expect(alarm.clip.cameraId).toBe('cam');
    const from = Date.parse(alarm.clip.from);
    const to = Date.parse(alarm.clip.to);
    // acknowledging changes the alarm again: still one mark
    expect((await gw.api(`/api/alarms/${alarm.id}/acknowledge`, { method: 'POST', token: officer, json: {} })).status).toBeLessThan(300);
    const marks = (await timeline()).events.filter((e) => e.kind === 'alarm');
    expect(marks).toEqual([expect.objectContaining({ label: `alarm ${alarm.id}` })]);
    const kept = gw.gateway.database.db.prepare("SELECT keep_from_ms AS f, keep_to_ms AS t, keep_until_ms AS u FROM recording_events WHERE kind = 'alarm'").get() as { f: number; t: number; u: number };
    expect(kept).toMatchObject({ f: from, t: to });
    expect(kept.u).toBeGreaterThan(Date.now() + 20 * 86_400_000);
    // the clip is exportable from the alarm as soon as part of it is recorded
    const ex = await gw.api('/api/recordings/exports', { method: 'POST', token: officer, json: { cameras: ['cam'], from, to } });
    expect(ex.status).toBe(201);
    const { exports } = (await ex.json()) as { exports: Array<{ id: string; durationMs: number }> };
    expect(exports[0]!.durationMs).toBeGreaterThan(1000);
    expect((await gw.api(`/api/recordings/exports/${exports[0]!.id}/file`, { token: officer })).status).toBe(200);
  }, 60_000);
});
