/**
 * The baseline in its own process: node-rtsp-stream serving one RTSP URL on its own WebSocket
 * port (argv[2]: JSON { rtspUrl, wsPort, width, height, rate, kbps, ffmpegPath }). Prints "ready".
 */
import { createRequire } from 'node:module';

const o = JSON.parse(process.argv[2]!) as { rtspUrl: string; wsPort: number; width: number; height: number; rate: number; kbps: number; ffmpegPath: string };
const require = createRequire(import.meta.url);
const Stream = require('node-rtsp-stream') as new (options: Record<string, unknown>) => { stop(): void };
// As fair as it allows: the same output rate and bitrate as the gateway's jsmpeg transcode.
// It cannot take input options (they would land after -i), so no -rtsp_transport tcp: ffmpeg
// tries UDP first, which the simulator serves. Its ffmpeg log goes to our stdout: ignored.
const stream = new Stream({
  name: 'bench',
  streamUrl: o.rtspUrl,
  wsPort: o.wsPort,
  width: o.width,
  height: o.height,
  ffmpegPath: o.ffmpegPath,
  ffmpegOptions: { '-r': o.rate, '-b:v': `${o.kbps}k`, '-maxrate': `${o.kbps}k`, '-bufsize': `${Math.round(o.kbps / 2)}k`, '-bf': 0, '-g': o.rate, '-loglevel': 'error' },
});
process.stderr.write('ready\n');
process.on('SIGTERM', () => {
  stream.stop();
  process.exit(0);
});
