/**
 * The vision feature in a real gateway against the camera simulator (real ONVIF, RTSP, ffmpeg,
 * detector thread): frames are sampled from the sub stream; nothing is analysed while the head
 * moves to another preset nor until it settled; no vision event while moving; everything is freed
 * at stop. And with vision off (the default): no thread, no sampler, no timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { cameraEntry, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { trackHandles } from '../helpers/open-handles.js';
import { waitFor } from '../helpers/wait.js';

interface Status { enabled: boolean; cameras: Array<{ id: string; paused: boolean; frames: number; stats: { pausedFrames: number; gatedFrames: number; thinnedFrames: number; detectedFrames: number } }> }

describe('vision in the gateway', () => {
  let sim: RunningCamera;
  beforeAll(async () => {
    sim = await startCameraSimulator({ name: 'Lane', sub: { width: 320, height: 180, fps: 5, bitrateKbps: 256 } });
  });
  afterAll(async () => sim?.stop());

  it('is off by default and then runs nothing', async () => {
    const gw = await startTestGateway({ config: fastCameraConfig([cameraEntry('lane', sim)]) });
    try {
      const token = await gw.login('viewer');
      const status = (await (await gw.api('/api/vision/status', { token })).json()) as Status;
      expect(status).toMatchObject({ enabled: false, cameras: [] });
      expect(sim.state.encoders.sub?.readers ?? 0).toBe(0);
    } finally {
      await gw.stop();
    }
  });

  it('samples the sub stream, pauses while the camera moves between presets, and frees everything at stop', async () => {
    const tracker = trackHandles();
    let gw: TestGateway | undefined;
    try {
      gw = await startTestGateway({
        config: {
          ...fastCameraConfig([cameraEntry('lane', sim)]),
          vision: { enabled: true, fps: 4, frameWidth: 320, frameHeight: 180, settleMs: 800, poseIntervalMs: 150 },
        },
      });
      await waitOnline(gw, 'lane');
      const admin = await gw.login('admin');
      const json = { 'content-type': 'application/json' };
      sim.control.setPosition({ panDeg: 0, tiltDeg: 0, zoom: 1 });
      const a = (await (await gw.api('/api/cameras/lane/presets', { method: 'POST', token: admin, headers: json, json: { name: 'Gate' } })).json()) as { token: string };
      sim.control.setPosition({ panDeg: 150, tiltDeg: 0, zoom: 1 });
      const b = (await (await gw.api('/api/cameras/lane/presets', { method: 'POST', token: admin, headers: json, json: { name: 'Road' } })).json()) as { token: string };
      const zone = await gw.api('/api/vision/zones', { method: 'POST', token: admin, json: { cameraId: 'lane', preset: a.token, name: 'Gate lane', kind: 'intrusion', points: [[0, 0], [1, 0], [1, 1], [0, 1]] } });
      expect(zone.status).toBe(201);
      const events: string[] = [];
      gw.gateway.bus.on('camera.event', (e) => {
        if (e.topic.startsWith('vision/')) events.push(e.topic);
      });
      const status = async (): Promise<Status['cameras'][number]> => ((await (await gw!.api('/api/vision/status', { token: admin })).json()) as Status).cameras[0]!;

      // At preset B (where the head is): settled after settleMs, frames go through the gate.
      await waitFor(async () => (await status()).stats.gatedFrames + (await status()).stats.detectedFrames >= 3, 20_000, 'frames analysed at preset B');
      expect((await status()).paused).toBe(false);

      // To preset A: 150 degrees at 100 degrees/s; paused the whole way and until settled.
      const before = await status();
      const goto = await gw.api(`/api/cameras/lane/presets/${encodeURIComponent(a.token)}/goto`, { method: 'POST', token: admin, json: {} });
      expect(goto.status).toBeLessThan(300);
      await waitFor(() => sim.state.ptz.panTiltStatus === 'MOVING', 3000, 'moving');
      await waitFor(async () => (await status()).paused, 3000, 'paused while moving');
      const analysed = (c: Status['cameras'][number]) => c.stats.gatedFrames + c.stats.thinnedFrames + c.stats.detectedFrames;
      const analysedBefore = analysed(before);
      await waitFor(() => sim.state.ptz.panTiltStatus === 'IDLE', 5000, 'arrived');
      const arrived = await status();
      expect(arrived.stats.pausedFrames).toBeGreaterThan(before.stats.pausedFrames);
      // Frames taken while moving were not analysed: the count only grows again after settling.
      expect(analysed(arrived) - analysedBefore).toBeLessThanOrEqual(1);
      expect(events).toEqual([]);
      await waitFor(async () => !(await status()).paused, 5000, 'settled at preset A');
      void b;
    } finally {
      await gw?.stop();
      await waitFor(() => tracker.open().every((h) => h.stack.includes('simulators/onvif-camera')), 5000, 'every handle closed').catch(() => undefined);
      const leaks = tracker.open().filter((h) => !h.stack.includes('simulators/onvif-camera'));
      tracker.stop();
      expect(leaks).toEqual([]);
    }
  }, 90_000);
});
