import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { openViewer, startStreamingGateway } from './helpers.js';

let sim: RunningCamera;
let gw: TestGateway;
beforeAll(async () => {
  sim = await startCameraSimulator({ encoderLingerMs: 300 });
  gw = await startStreamingGateway({ cam1: sim }, { graceMs: 500 });
});
afterAll(async () => {
  await gw?.stop();
  await sim?.stop();
});
it('smoke', async () => {
  const token = await gw.login('viewer');
  const t0 = Date.now();
  const a = openViewer(gw, '/api/streams/cam1?profile=sub&format=jsmpeg', token);
  const b = openViewer(gw, '/api/streams/cam1?profile=sub&format=mse', token, ['avc1.42E01E']);
  await waitFor(() => a.binary.length > 20 && b.binary.length > 20, 10000);
  console.log(a.binary.slice(0, 3).map((r) => [r.at - t0, r.data.length]), b.text, b.binary.slice(0, 3).map((r) => [r.at - t0, r.data.length]));
  console.log(JSON.stringify((await (await gw.api('/api/streams', { token })).json()), null, 1));
  await a.close();
  await b.close();
  expect(a.binary[0]!.data.subarray(0, 4).toString()).toBe('jsmp');
});
