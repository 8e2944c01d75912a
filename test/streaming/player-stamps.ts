/** Reads the simulator's frame stamp back from the player page (tests and the streaming benchmark). */
import type { Page } from 'playwright-core';
import { decodeFrameStamp, stampHeight, type FrameStamp } from '../../simulators/onvif-camera/index.js';

/** Reads the stamp band from what the page shows (canvas or video) and when it was read. */
export async function readStamp(page: Page): Promise<{ stamp: FrameStamp | undefined; at: number; checksum: number }> {
  const grab = await page.evaluate(() => {
    const el = (window as unknown as { cgPlayer: { element: HTMLCanvasElement | HTMLVideoElement | null } }).cgPlayer.element;
    if (!el) return undefined;
    const width = el instanceof HTMLVideoElement ? el.videoWidth : el.width;
    const height = el instanceof HTMLVideoElement ? el.videoHeight : el.height;
    if (!width || !height) return undefined;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(el, 0, 0, width, height);
    const at = Date.now();
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const band = Math.max(2, Math.floor(width / 64)) * 3 + 8;
    const luma: number[] = [];
    for (let i = 0; i < width * Math.min(band, height); i++) luma.push((rgba[i * 4]! * 77 + rgba[i * 4 + 1]! * 150 + rgba[i * 4 + 2]! * 29) >> 8);
    let checksum = 0;
    for (let i = 0; i < rgba.length; i += 397) checksum = (checksum * 31 + rgba[i]!) | 0;
    return { width, rows: Math.min(band, height), luma, at, checksum };
  });
  if (!grab) return { stamp: undefined, at: Date.now(), checksum: 0 };
  if (grab.rows < stampHeight(grab.width)) throw new Error(`read ${grab.rows} rows, the stamp needs ${stampHeight(grab.width)}`);
  return { stamp: decodeFrameStamp(Uint8Array.from(grab.luma), grab.width, grab.rows), at: grab.at, checksum: grab.checksum };
}

/** Several stamp reads: the picture advances; latency = read time - render time in the camera. */
export async function watchStamps(page: Page, samples = 8): Promise<{ latencies: number[]; frames: number[]; checksums: Set<number> }> {
  const latencies: number[] = [];
  const frames: number[] = [];
  const checksums = new Set<number>();
  for (let i = 0; i < samples * 3 && latencies.length < samples; i++) {
    const { stamp, at, checksum } = await readStamp(page);
    if (stamp) {
      latencies.push(at - stamp.wallMs);
      frames.push(stamp.frame);
      checksums.add(checksum);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { latencies, frames, checksums };
}

