/**
 * What a viewer is told on its socket (issue 12 item 4): RTSP credentials the camera refuses, an
 * offline camera, a stream that plays; jsmpeg (opt-in with ?status=1, wire-compatible without)
 * and mse. And the camera password stays off ffmpeg's command line (issue 11 item 17).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { gatewayFfmpegProcesses, gatewayFfmpegs, openViewer, sleep, startStreamingGateway, statuses, type TestViewer } from './helpers.js';

let good: RunningCamera;
let locked: RunningCamera;
let flaky: RunningCamera;
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  [good, locked, flaky] = await Promise.all([
    startCameraSimulator({ name: 'Good', encoderLingerMs: 300, password: "it's-Secret-42" }),
    startCameraSimulator({ name: 'Locked', encoderLingerMs: 300 }),
    startCameraSimulator({ name: 'Flaky', encoderLingerMs: 300 }),
  ]);
  // "locked": the gateway has the wrong RTSP password for it (the simulator does RTSP Digest)
  gw = await startStreamingGateway({ good, locked, flaky }, { graceMs: 500, stallTimeoutMs: 2000, helloTimeoutMs: 2000 }, { locked: 'not-the-password' });
  token = await gw.login('viewer');
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([good?.stop(), locked?.stop(), flaky?.stop()]);
});

const HELLO = ['avc1.42E01E', 'avc1.640028'];

function viewer(camera: string, format: 'jsmpeg' | 'mse', extra = ''): TestViewer {
  return openViewer(gw, `/api/streams/${camera}?profile=sub&format=${format}${extra}`, token, format === 'mse' ? HELLO : undefined);
}

async function statusWith(v: TestViewer, pred: (s: ReturnType<typeof statuses>[number]) => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  await waitFor(() => statuses(v).some(pred), ms, what);
  return Date.now() - start;
}

describe('RTSP refuses the credentials (401)', () => {
  for (const format of ['jsmpeg', 'mse'] as const) {
    it(`${format}: the viewer is told stream.auth_failed within a few seconds`, async () => {
      const v = viewer('locked', format, format === 'jsmpeg' ? '&status=1' : '');
      const ms = await statusWith(v, (s) => s.reason?.code === 'stream.auth_failed', 5000, 'a status with stream.auth_failed');
      const s = statuses(v).find((m) => m.reason?.code === 'stream.auth_failed')!;
      expect(s.state).toBe('failed');
      expect(s.reason!.message).toMatch(/401/);
      expect(JSON.stringify(v.text)).not.toContain('not-the-password');
      expect(statuses(v)[0]).toMatchObject({ state: 'starting', reason: null }); // the first thing it heard
      const api = (await (await gw.api('/api/streams', { token })).json()) as { streams: Array<Record<string, unknown>> };
      expect(api.streams.find((x) => x.camera === 'locked' && x.format === format)).toMatchObject({ viewerState: 'failed', reason: { code: 'stream.auth_failed' } });
      console.log(`${format}: stream.auth_failed after ${ms} ms`);
      // a second viewer is told at once, without waiting for the next ffmpeg run
      const w = viewer('locked', format, format === 'jsmpeg' ? '&status=1' : '');
      await statusWith(w, (m) => m.reason?.code === 'stream.auth_failed', 1000, 'the current status for a new viewer');
      await Promise.all([v.close(), w.close()]);
    });
  }

  it('a plain JSMpeg client (no ?status=1) still gets binary frames only', async () => {
    const plain = viewer('good', 'jsmpeg');
    const failing = viewer('locked', 'jsmpeg');
    await waitFor(() => plain.binary.length > 10, 15000, 'MPEG-TS');
    await sleep(1500);
    expect(plain.text).toEqual([]);
    expect(failing.text).toEqual([]);
    await Promise.all([plain.close(), failing.close()]);
  });
});

describe('an offline camera', () => {
  for (const format of ['jsmpeg', 'mse'] as const) {
    it(`${format}: the viewer waits, is told camera.offline, and plays once the camera is back`, async () => {
      await flaky.control.goOffline();
      try {
        const v = viewer('flaky', format, format === 'jsmpeg' ? '&status=1' : '');
        await statusWith(v, (s) => s.state === 'retrying' && s.reason?.code === 'camera.offline', 3000, 'retrying: camera.offline');
        await sleep(600);
        expect(v.ws.readyState).toBe(v.ws.OPEN);
        await flaky.control.goOnline();
        const back = Date.now();
        await waitFor(() => v.binary.length > 3, 10000, 'pictures once the camera is back');
        await statusWith(v, (s) => s.state === 'playing', 3000, 'playing');
        console.log(`${format}: pictures ${Date.now() - back} ms after the camera came back`);
        await v.close();
      } finally {
        await flaky.control.goOnline();
      }
    });
  }

  it('a playing stream whose camera drops says retrying, then playing again', async () => {
    const v = viewer('flaky', 'mse');
    await statusWith(v, (s) => s.state === 'playing', 15000, 'playing');
    await flaky.control.goOffline();
    try {
      await statusWith(v, (s) => s.state === 'retrying', 5000, 'retrying after the drop');
    } finally {
      await flaky.control.goOnline();
    }
    const n = statuses(v).length;
    await waitFor(() => statuses(v).slice(n).some((s) => s.state === 'playing'), 10000, 'playing again');
    await v.close();
  });
});

describe('client text messages', () => {
  it('a hello that is not JSON, null, an array or binary is refused with 4400, nothing thrown', async () => {
    for (const bad of ['null', '[]', '"hello"', '{"type":"hello","codecs":"avc1"}', '{"type":"hello","codecs":null}', 'not json']) {
      const v = openViewer(gw, '/api/streams/good?profile=sub&format=mse', token);
      await v.opened;
      v.ws.send(bad);
      expect(await v.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('hello') });
    }
    const bin = openViewer(gw, '/api/streams/good?profile=sub&format=mse', token);
    await bin.opened;
    bin.ws.send(Buffer.from(JSON.stringify({ type: 'hello', codecs: HELLO })));
    expect((await bin.closed).code).toBe(4400);
    // after the hello, anything the player sends is ignored
    const v = viewer('good', 'mse');
    await waitFor(() => v.binary.length > 2, 15000, 'fragments');
    for (const junk of ['null', '{"type":"hello"}', 'x'.repeat(1000)]) v.ws.send(junk);
    v.ws.send(Buffer.alloc(100));
    const n = v.binary.length;
    await waitFor(() => v.binary.length > n + 3, 5000, 'fragments after junk');
    await v.close();
    // and a jsmpeg socket ignores text too
    const j = viewer('good', 'jsmpeg');
    await j.opened;
    j.ws.send('null');
    await waitFor(() => j.binary.length > 3, 15000, 'MPEG-TS after junk');
    await j.close();
  });
});

describe('camera password off the command line (issue 11 item 17)', () => {
  it('no running ffmpeg of the gateway shows the password or the credentials in its argv or environment', async () => {
    const a = viewer('good', 'jsmpeg');
    const b = viewer('good', 'mse');
    await waitFor(() => a.binary.length > 3 && b.binary.length > 3, 15000, 'both streams playing');
    const pids = gatewayFfmpegs(good);
    expect(pids).toHaveLength(2);
    const procs = gatewayFfmpegProcesses().filter((p) => pids.includes(p.pid));
    for (const { pid, argv } of procs) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(good.credentials.password);
      expect(cmdline).not.toContain(encodeURIComponent(good.credentials.password));
      expect(cmdline).not.toMatch(/rtsp:\/\//);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain(good.credentials.password);
      expect(argv).toContain('pipe:0');
    }
    await Promise.all([a.close(), b.close()]);
  });
});
