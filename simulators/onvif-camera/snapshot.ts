/** Snapshot JPEGs: one raw frame through a short-lived ffmpeg (mjpeg). */
import { spawn } from 'node:child_process';
import type { ProfileSpec } from './context.js';

export function encodeJpeg(ffmpegPath: string, profile: ProfileSpec, yuv: Buffer, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, [
      '-hide_banner', '-loglevel', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${profile.width}x${profile.height}`, '-i', 'pipe:0',
      '-frames:v', '1', '-q:v', '5', '-f', 'mjpeg', 'pipe:1',
    ]);
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.on('error', () => {});
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg snapshot failed (${code}): ${err.trim()}`));
    });
    child.stdin.end(yuv);
  });
}
