/**
 * RTP packetisation of video access units: H.264 per RFC 6184 (single NAL or FU-A) and H.265
 * per RFC 7798 (single NAL or FU type 49); marker bit on the last packet of a picture.
 */
import { randomBytes } from 'node:crypto';
import type { VideoCodec } from '../context.js';

export const DEFAULT_MTU_PAYLOAD = 1400;

export class RtpPacketizer {
  private seq: number;
  readonly ssrc: number;

  constructor(
    private readonly codec: VideoCodec,
    private readonly payloadType = 96,
    private readonly maxPayload = DEFAULT_MTU_PAYLOAD,
  ) {
    this.seq = randomBytes(2).readUInt16BE(0);
    this.ssrc = randomBytes(4).readUInt32BE(0);
  }

  /** The sequence number the next packet will carry (for RTP-Info). */
  get nextSeq(): number {
    return this.seq;
  }

  packetize(nals: readonly Buffer[], timestamp: number): Buffer[] {
    const packets: Buffer[] = [];
    nals.forEach((nal, i) => {
      const lastNal = i === nals.length - 1;
      if (nal.length <= this.maxPayload) {
        packets.push(this.packet(nal, timestamp, lastNal));
        return;
      }
      const headerLen = this.codec === 'h264' ? 1 : 2;
      const body = nal.subarray(headerLen);
      const chunk = this.maxPayload - headerLen - 1;
      for (let off = 0; off < body.length; off += chunk) {
        const start = off === 0;
        const end = off + chunk >= body.length;
        const fuHeader = this.fuHeaders(nal, start, end);
        packets.push(this.packet(Buffer.concat([fuHeader, body.subarray(off, off + chunk)]), timestamp, lastNal && end));
      }
    });
    return packets;
  }

  private fuHeaders(nal: Buffer, start: boolean, end: boolean): Buffer {
    const se = (start ? 0x80 : 0) | (end ? 0x40 : 0);
    if (this.codec === 'h264') {
      return Buffer.from([(nal[0]! & 0xe0) | 28, se | (nal[0]! & 0x1f)]);
    }
    const type = (nal[0]! >> 1) & 0x3f;
    return Buffer.from([(nal[0]! & 0x81) | (49 << 1), nal[1]!, se | type]);
  }

  private packet(payload: Buffer, timestamp: number, marker: boolean): Buffer {
    const header = Buffer.allocUnsafe(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | this.payloadType;
    header.writeUInt16BE(this.seq, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.seq = (this.seq + 1) & 0xffff;
    return Buffer.concat([header, payload]);
  }
}

export interface RtpPacketView {
  payloadType: number;
  seq: number;
  timestamp: number;
  payload: Buffer;
}

/** Reads an RTP packet (CSRCs, header extension and padding handled); undefined if malformed. */
export function parseRtp(packet: Buffer): RtpPacketView | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const csrcCount = packet[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (offset > end) return undefined;
  return { payloadType: packet[1]! & 0x7f, seq: packet.readUInt16BE(2), timestamp: packet.readUInt32BE(4), payload: packet.subarray(offset, end) };
}

/** Seconds between 1900-01-01 (NTP) and 1970-01-01 (Unix). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

/**
 * An RTCP sender report (RFC 3550 6.4.1) without report blocks: the wall clock (NTP) of the
 * instant whose RTP timestamp is `rtpTimestamp`, so that a receiver can map RTP time to the
 * camera's own capture time, as real cameras let it.
 */
export function senderReport(ssrc: number, wallMs: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  const seconds = Math.floor(wallMs / 1000);
  b.writeUInt32BE((seconds + NTP_UNIX_OFFSET_S) >>> 0, 8);
  b.writeUInt32BE(Math.floor(((wallMs - seconds * 1000) / 1000) * 2 ** 32) >>> 0, 12);
  b.writeUInt32BE(rtpTimestamp >>> 0, 16);
  b.writeUInt32BE(packets >>> 0, 20);
  b.writeUInt32BE(octets >>> 0, 24);
  return b;
}
