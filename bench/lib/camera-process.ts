/** Starts bench/lib/camera-child.ts: a simulated camera in its own process (see there). */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CameraUrls } from '../../simulators/onvif-camera/context.js';
import type { CameraSimulatorOptions } from '../../simulators/onvif-camera/options.js';

export interface CameraProcess {
  pid: number;
  urls: CameraUrls;
  credentials: { username: string; password: string };
  /** render -> picture out of the encoder, ms, for the pictures since the last call. */
  encodeMs(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startCameraProcess(options: CameraSimulatorOptions): Promise<CameraProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/camera-child.ts', JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the camera process did not answer')), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hello = JSON.parse(await nextLine(60_000)) as { urls: CameraUrls; credentials: { username: string; password: string } };
  return {
    pid: child.pid!,
    ...hello,
    encodeMs: async () => {
      child.stdin!.write('stats\n');
      return (JSON.parse(await nextLine(10_000)) as { encodeMs: number[] }).encodeMs;
    },
    stop: async () => {
      child.stdin!.end();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
  };
}
