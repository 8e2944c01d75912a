import { spawn } from 'node:child_process';
import type { StreamSource } from '../cameras/stream-sources.js';

const MAX_JPEG_BYTES = 4 * 1024 * 1024;

/**
 * One JPEG frame of a camera's stream, by ffmpeg. The camera URL (with its credentials) goes to
 * ffmpeg on stdin as a one-entry ffconcat list, never on the command line. Bounded in time and size.
 */
export function grabJpeg(ffmpeg: string, source: StreamSource, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      ['-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin', '-f', 'concat', '-safe', '0', '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,tcp,udp,tls', '-i', 'pipe:0', '-an', '-frames:v', '1', '-vf', 'scale=min(1280\\,iw):-2', '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > MAX_JPEG_BYTES) child.kill('SIGKILL');
      else chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-500)));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(chunks);
      if (code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) resolve(jpeg);
      else reject(new Error(`ffmpeg could not take a snapshot (exit ${code}): ${stderr.trim() || 'no picture'}`));
    });
    const quoted = `'${[...source.rtspUrl].map((c) => (c.charCodeAt(0) < 0x20 ? encodeURIComponent(c) : c)).join('').replace(/'/g, "'\\''")}'`;
    child.stdin.on('error', () => {});
    child.stdin.end(['ffconcat version 1.0', `file ${quoted}`, 'option rtsp_transport tcp', `option timeout ${timeoutMs * 1000}`, ''].join('\n'));
  });
}
