/**
 * The `jsmpeg` format: MPEG-TS carrying MPEG1 video, as node-rtsp-stream sends it to JSMpeg.
 * Every connection starts with its 8-byte header: ASCII `jsmp`, width and height as 16-bit
 * big-endian integers. We take the size from the camera profile (node-rtsp-stream scraped it
 * from ffmpeg's log and sometimes sent 0x0).
 */

export const JSMPEG_MAGIC = 'jsmp';

export function jsmpegHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(8);
  header.write(JSMPEG_MAGIC, 0, 'ascii');
  header.writeUInt16BE(width & 0xffff, 4);
  header.writeUInt16BE(height & 0xffff, 6);
  return header;
}

export function parseJsmpegHeader(data: Uint8Array): { width: number; height: number } | undefined {
  if (data.length < 8 || Buffer.from(data.subarray(0, 4)).toString('ascii') !== JSMPEG_MAGIC) return undefined;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.readUInt16BE(4), height: view.readUInt16BE(6) };
}

/** Frame rates MPEG1 video can signal (ISO 11172-2), integer ones first. */
const MPEG1_RATES = [24, 25, 30, 50, 60] as const;

/**
 * The output frame rate for a camera of `fps`: MPEG1 refuses anything but its standard rates
 * (a 15 fps camera breaks node-rtsp-stream unless `-r` is given), so take the smallest standard
 * rate not below the camera's; ffmpeg repeats frames to fill it.
 */
export function mpeg1OutputRate(fps: number): number {
  if (!(fps > 0)) return 25;
  return MPEG1_RATES.find((r) => r >= fps - 0.01) ?? 60;
}

/** Bitrate for the MPEG1 transcode: about 0.08 bit per pixel per output frame, 300k..8M. */
export function mpeg1BitrateKbps(width: number, height: number, outputFps: number, configured: number | null): number {
  if (configured) return configured;
  return Math.round(Math.min(8000, Math.max(300, (width * height * outputFps * 0.08) / 1000)));
}
