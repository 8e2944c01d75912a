/**
 * The latency benchmark's Node MSE viewer (see latency-hops.ts), alone in its process: argv is the
 * gateway's URL, a token and the camera id. Prints `open`, then one JSON line per picture:
 * [time on the 90 kHz line, rendered at, fragment arrived at, pan in degrees]. Ends when stdin closes.
 */
import WebSocket from 'ws';
import { readTimingSei } from '../../simulators/onvif-camera/timing-sei.js';
import { fragmentSamples, h264Config, type H264Config } from '../../src/streaming/webrtc/fmp4-samples.js';

const [base, token, camera] = process.argv.slice(2) as [string, string, string];
const ws = new WebSocket(`${base.replace('http', 'ws')}/api/streams/${camera}?profile=main&format=mse&token=${encodeURIComponent(token)}`, { headers: { origin: base } });
let config: H264Config | undefined;
ws.on('message', (data: Buffer, binary) => {
  const at = Date.now();
  if (!binary) return;
  if (!config) {
    config = h264Config(data);
    return;
  }
  for (const sample of fragmentSamples(data, config.nalLengthSize)) {
    const timing = sample.nals.map((n) => readTimingSei(n)).find((t) => t !== undefined);
    if (timing) process.stdout.write(`${JSON.stringify([Math.round((sample.time * 90000) / config.timescale) % 2 ** 32, timing.renderedAt, at, timing.panDeg])}\n`);
  }
});
ws.once('open', () => {
  ws.send(JSON.stringify({ type: 'hello', codecs: ['avc1.42E01E', 'avc1.42C01F', 'avc1.4D401F', 'avc1.640028', 'avc1.640033', 'avc1.64001F'] }));
  process.stdout.write('open\n');
});
ws.once('error', (err) => {
  console.error(`fragment clock: ${err.message}`);
  process.exit(1);
});
process.stdin.resume();
process.stdin.on('end', () => {
  ws.close();
  process.exit(0);
});
