/** Annex B byte-stream parsing (H.264 / H.265) into NAL units and access units. */
import type { VideoCodec } from './context.js';

export interface AccessUnit {
  /** NAL units without start codes (access unit delimiters removed). */
  nals: Buffer[];
  keyframe: boolean;
}

export function nalType(codec: VideoCodec, nal: Buffer): number {
  return codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
}

const AUD: Record<VideoCodec, number> = { h264: 9, h265: 35 };

export function isKeyframeNal(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === 5 : type >= 16 && type <= 21;
}

export function isParameterSet(codec: VideoCodec, type: number): boolean {
  return codec === 'h264' ? type === 7 || type === 8 : type >= 32 && type <= 34;
}

/**
 * Splits an Annex B stream into access units, delimited by the AUD that the encoder writes
 * before every picture (x264 aud=1, x265 aud=1). An access unit is emitted when the next one
 * begins, which costs one frame interval of latency and never splits a picture.
 */
export class AnnexBSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private current: Buffer[] = [];

  constructor(
    private readonly codec: VideoCodec,
    private readonly onAccessUnit: (au: AccessUnit) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const buf = this.pending;
    let start = findStartCode(buf, 0);
    if (start < 0) return;
    for (;;) {
      const nalStart = start + (buf[start + 2] === 1 ? 3 : 4);
      const next = findStartCode(buf, nalStart);
      if (next < 0) {
        this.pending = buf.subarray(start);
        return;
      }
      // a 4-byte start code's leading zero belongs to it, not to the NAL before
      this.nal(buf.subarray(nalStart, next));
      start = next;
    }
  }

  private nal(nal: Buffer): void {
    if (nal.length === 0) return;
    const type = nalType(this.codec, nal);
    if (type === AUD[this.codec]) {
      this.flush();
      return;
    }
    this.current.push(Buffer.from(nal));
  }

  private flush(): void {
    if (this.current.length === 0) return;
    const nals = this.current;
    this.current = [];
    this.onAccessUnit({ nals, keyframe: nals.some((n) => isKeyframeNal(this.codec, nalType(this.codec, n))) });
  }
}

const START_CODE = Buffer.from([0, 0, 1]);

/** Index of the next 00 00 01 or 00 00 00 01 at or after `from`, -1 if none. */
function findStartCode(buf: Buffer, from: number): number {
  const i = buf.indexOf(START_CODE, from);
  if (i < 0) return -1;
  return i > from && buf[i - 1] === 0 ? i - 1 : i;
}
