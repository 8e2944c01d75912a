/**
 * Reads the encoder's H.264 from an FLV byte stream: one video tag per picture, so a picture is
 * complete the moment its tag is, where the Annex B splitter (nal.ts) had to wait for the next
 * picture's delimiter (one frame interval, 67 ms at 15 fps). A real camera hands each picture to
 * its RTP packetiser as soon as it is encoded; this is how the simulator does the same.
 */
import type { AccessUnit } from './nal.js';

const FLV_HEADER_BYTES = 9;
const TAG_HEADER_BYTES = 11;
const PREVIOUS_TAG_SIZE_BYTES = 4;
const TAG_VIDEO = 9;
const CODEC_AVC = 7;
const AVC_NALU = 1;
/** A tag bigger than this is a broken stream, not a picture. */
const MAX_TAG_BYTES = 16 << 20;

export class FlvH264Reader {
  private pending: Buffer = Buffer.alloc(0);
  private headerSeen = false;

  constructor(private readonly onAccessUnit: (au: AccessUnit) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    const buf = this.pending;
    if (!this.headerSeen) {
      if (buf.length < FLV_HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES) return;
      if (buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('encoder output is not FLV');
      at = buf.readUInt32BE(5) + PREVIOUS_TAG_SIZE_BYTES;
      this.headerSeen = true;
    }
    while (buf.length - at >= TAG_HEADER_BYTES) {
      const type = buf[at]! & 0x1f;
      const size = buf.readUIntBE(at + 1, 3);
      if (size > MAX_TAG_BYTES) throw new Error(`FLV tag of ${size} bytes`);
      const end = at + TAG_HEADER_BYTES + size + PREVIOUS_TAG_SIZE_BYTES;
      if (buf.length < end) break;
      if (type === TAG_VIDEO) this.videoTag(buf.subarray(at + TAG_HEADER_BYTES, at + TAG_HEADER_BYTES + size));
      at = end;
    }
    this.pending = at >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
  }

  /** A video tag: frame type/codec, AVC packet type, composition time, then length-prefixed NAL units. */
  private videoTag(body: Buffer): void {
    if (body.length < 5 || (body[0]! & 0x0f) !== CODEC_AVC || body[1] !== AVC_NALU) return; // the sequence header: SPS/PPS also come in-band
    const nals: Buffer[] = [];
    for (let at = 5; at + 4 <= body.length; ) {
      const len = body.readUInt32BE(at);
      at += 4;
      if (len === 0 || at + len > body.length) break;
      const nal = Buffer.from(body.subarray(at, at + len));
      at += len;
      if ((nal[0]! & 0x1f) !== 9) nals.push(nal); // access unit delimiters are not sent
    }
    if (nals.length > 0) this.onAccessUnit({ nals, keyframe: nals.some((n) => (n[0]! & 0x1f) === 5) });
  }
}
