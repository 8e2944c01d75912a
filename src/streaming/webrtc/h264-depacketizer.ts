/**
 * The camera's H.264 RTP (RFC 6184: single NAL units, STAP-A, FU-A) back into pictures, each
 * handed on the moment its last packet (marker bit) arrives, or when a packet of the next
 * picture shows the marker was lost. Everything the camera sends is bounded: a picture over
 * `maxPictureBytes`, a fragment without its start or a sequence gap drops the picture (the
 * receiver repairs at the next keyframe, as after any loss).
 */
export interface RtpPicture {
  /** The camera's RTP timestamp (90 kHz). */
  timestamp: number;
  nals: Buffer[];
  keyframe: boolean;
}

/** Payload and header fields of an RTP packet; undefined when malformed. */
export function readRtp(p: Buffer): { seq: number; timestamp: number; marker: boolean; payloadType: number; payload: Buffer } | undefined {
  if (p.length < 12 || p[0]! >> 6 !== 2) return undefined;
  let at = 12 + (p[0]! & 0x0f) * 4;
  if (p[0]! & 0x10) {
    if (p.length < at + 4) return undefined;
    at += 4 + p.readUInt16BE(at + 2) * 4;
  }
  let end = p.length;
  if (p[0]! & 0x20) end -= p[p.length - 1]!;
  if (at >= end) return undefined;
  return { seq: p.readUInt16BE(2), timestamp: p.readUInt32BE(4), marker: (p[1]! & 0x80) !== 0, payloadType: p[1]! & 0x7f, payload: p.subarray(at, end) };
}

export class H264Depacketizer {
  private nals: Buffer[] = [];
  private bytes = 0;
  private timestamp: number | undefined;
  private fragment: Buffer[] | undefined;
  private lastSeq: number | undefined;
  private broken = false;
  /** Pictures dropped (loss, malformed, oversize). */
  dropped = 0;

  constructor(
    private readonly onPicture: (picture: RtpPicture) => void,
    private readonly maxPictureBytes = 4 << 20,
  ) {}

  push(packet: Buffer): void {
    const rtp = readRtp(packet);
    if (!rtp) return;
    if (this.timestamp !== undefined && rtp.timestamp !== this.timestamp) this.finish(); // marker lost: the next picture began
    if (this.lastSeq !== undefined && rtp.seq !== ((this.lastSeq + 1) & 0xffff)) this.broken = true;
    this.lastSeq = rtp.seq;
    this.timestamp = rtp.timestamp;
    this.payload(rtp.payload);
    if (rtp.marker) this.finish();
  }

  /** Counts bytes as they come (fragments too): false once the picture is over its bound. */
  private room(bytes: number): boolean {
    this.bytes += bytes;
    if (this.bytes > this.maxPictureBytes) this.broken = true;
    return !this.broken;
  }

  private add(nal: Buffer, counted = false): void {
    if (nal.length === 0) return;
    if (counted || this.room(nal.length)) this.nals.push(nal);
  }

  private payload(payload: Buffer): void {
    const type = payload[0]! & 0x1f;
    if (type >= 1 && type <= 23) {
      this.add(Buffer.from(payload));
    } else if (type === 24) {
      // STAP-A: 16-bit sizes, then the NAL units
      for (let at = 1; at + 2 <= payload.length; ) {
        const len = payload.readUInt16BE(at);
        at += 2;
        if (at + len > payload.length) {
          this.broken = true;
          return;
        }
        this.add(Buffer.from(payload.subarray(at, at + len)));
        at += len;
      }
    } else if (type === 28 && payload.length > 2) {
      const fu = payload[1]!;
      if (fu & 0x80) this.fragment = [Buffer.from([(payload[0]! & 0xe0) | (fu & 0x1f)])];
      if (!this.fragment) {
        this.broken = true;
        return;
      }
      if (!this.room(payload.length - 2)) {
        this.fragment = undefined;
        return;
      }
      this.fragment.push(Buffer.from(payload.subarray(2)));
      if (fu & 0x40) {
        this.add(Buffer.concat(this.fragment), true);
        this.fragment = undefined;
      }
    }
    // other types (STAP-B, MTAP, FU-B) are not sent in packetization-mode 1 by cameras: ignored
  }

  private finish(): void {
    const { nals, timestamp, broken } = this;
    this.nals = [];
    this.bytes = 0;
    this.fragment = undefined;
    this.broken = false;
    this.timestamp = undefined;
    if (timestamp === undefined) return;
    if (broken) {
      this.dropped++;
      return;
    }
    if (nals.length === 0) return;
    this.onPicture({ timestamp, nals, keyframe: nals.some((n) => (n[0]! & 0x1f) === 5) });
  }
}
