/**
 * Cuts ffmpeg's MPEG-TS output into units at picture boundaries, so that a viewer falling
 * behind can drop whole pictures and resume at an I-picture. ffmpeg starts one PES packet per
 * video picture; its first TS packet carries the MPEG1 headers that tell the picture type.
 */
import type { MediaUnit } from './types.js';

const TS_PACKET = 188;
const SYNC = 0x47;

/** Whether a TS packet starts a video PES, and whether that picture is an I-picture. */
export function inspectTsPacket(packet: Buffer): { videoStart: boolean; keyframe: boolean } {
  if (packet[0] !== SYNC || !(packet[1]! & 0x40)) return { videoStart: false, keyframe: false };
  const adaptation = (packet[3]! >> 4) & 0x3;
  if (!(adaptation & 0x1)) return { videoStart: false, keyframe: false };
  const payload = 4 + (adaptation & 0x2 ? 1 + packet[4]! : 0);
  if (payload + 9 > TS_PACKET) return { videoStart: false, keyframe: false };
  const isPes = packet[payload] === 0 && packet[payload + 1] === 0 && packet[payload + 2] === 1;
  const streamId = packet[payload + 3]!;
  if (!isPes || (streamId & 0xf0) !== 0xe0) return { videoStart: false, keyframe: false };
  const es = payload + 9 + packet[payload + 8]!;
  return { videoStart: true, keyframe: startsIntraPicture(packet.subarray(es)) };
}

/** MPEG1 elementary data begins with a sequence header (0xB3) or an I-picture header. */
function startsIntraPicture(es: Buffer): boolean {
  for (let i = 0; i + 5 < es.length; i++) {
    if (es[i] !== 0 || es[i + 1] !== 0 || es[i + 2] !== 1) continue;
    const code = es[i + 3]!;
    if (code === 0xb3) return true;
    if (code === 0x00) return ((es[i + 5]! >> 3) & 0x7) === 1;
  }
  return false;
}

export class TsSplitter {
  private remainder: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingStart = false;
  private pendingKey = false;
  /** Set once a picture has started; data before the first picture (tables) is held for it. */
  private sawPicture = false;

  constructor(private readonly onUnit: (unit: MediaUnit) => void) {}

  push(chunk: Buffer): void {
    let data = this.remainder.length ? Buffer.concat([this.remainder, chunk]) : chunk;
    // Resynchronise on the sync byte if ffmpeg's output was cut oddly (it never is in practice).
    let offset = 0;
    while (offset < data.length && data[offset] !== SYNC) offset++;
    for (; offset + TS_PACKET <= data.length; offset += TS_PACKET) {
      const packet = data.subarray(offset, offset + TS_PACKET);
      const { videoStart, keyframe } = inspectTsPacket(packet);
      if (videoStart) {
        this.flush();
        this.pendingStart = true;
        this.pendingKey = keyframe;
        this.sawPicture = true;
      }
      this.pending.push(packet);
    }
    data = data.subarray(offset);
    this.remainder = Buffer.from(data);
    // Hand over what we have now (no waiting for the next picture: latency), once pictures flow.
    if (this.sawPicture) this.flush();
  }

  reset(): void {
    this.remainder = Buffer.alloc(0);
    this.pending = [];
    this.pendingStart = this.pendingKey = this.sawPicture = false;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.onUnit({ data, frameStart: this.pendingStart, keyframe: this.pendingKey });
    this.pendingStart = this.pendingKey = false;
  }
}
