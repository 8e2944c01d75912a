/**
 * A simulated camera in a process of its own for the latency benchmark, so that the browser
 * driving and stamp reading in the benchmark's process cannot delay its pictures. Started with
 * its options as JSON in argv[2]; prints one JSON line (URLs, credentials) once it listens, then
 * answers each `stats` line on stdin with how long its encoder took per picture (render -> the
 * picture handed to RTSP, ms, the last 300 pictures). Ends when stdin closes.
 */
import { createInterface } from 'node:readline';
import { CameraSimulator } from '../../simulators/onvif-camera/camera.js';
import type { CameraSimulatorOptions } from '../../simulators/onvif-camera/options.js';

const options = JSON.parse(process.argv[2] ?? '{}') as CameraSimulatorOptions;
const cam = new CameraSimulator(options);
await cam.start();
const encodeMs: number[] = [];
const off = cam.encoders.get('main')!.subscribe((au) => {
  encodeMs.push(Date.now() - au.renderedAt);
  if (encodeMs.length > 300) encodeMs.shift();
});
process.stdout.write(`${JSON.stringify({ urls: cam.urls, credentials: { username: cam.options.username, password: cam.options.password } })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify({ encodeMs: encodeMs.splice(0) })}\n`);
});
lines.on('close', () => {
  off();
  void cam.stop().then(() => process.exit(0));
});
