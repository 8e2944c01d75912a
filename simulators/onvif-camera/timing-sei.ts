/**
 * A benchmark's timing mark inside the H.264 stream: an SEI "user data unregistered" message
 * (payload type 5, H.264 D.1.6) that carries the host wall clock at which the picture was rendered,
 * its frame number and the pan it was rendered at. It travels with the picture through RTSP, the gateway's ffmpeg copy, the
 * fMP4 fragments and WebRTC's RTP untouched (decoders ignore unknown user data), so each hop can
 * say how old the picture is without decoding it. Off by default (`timingSei`): a field camera
 * sends no such thing.
 */
export const TIMING_SEI_UUID = Buffer.from('c6a7e1b2d4f54a3e9b1c0de1a7e5c0de', 'hex');

export interface PictureTiming {
  renderedAt: number;
  frame: number;
  /** Where the camera pointed when the picture was rendered (degrees, 0.01 steps). */
  panDeg: number;
}

/** 00 00 0x (x <= 3) gets an emulation prevention byte, as in every NAL unit payload. */
function escape(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

function unescape(ebsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of ebsp) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** The SEI NAL unit (header included, no start code) for one picture. */
export function timingSeiNal(t: PictureTiming): Buffer {
  const body = Buffer.alloc(16);
  body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(t.renderedAt))), 0);
  body.writeUInt32BE(t.frame >>> 0, 8);
  body.writeInt32BE(Math.round(t.panDeg * 100), 12);
  const payload = Buffer.concat([TIMING_SEI_UUID, body]);
  const rbsp = Buffer.concat([Buffer.from([5, payload.length]), payload, Buffer.from([0x80])]);
  return Buffer.concat([Buffer.from([0x06]), escape(rbsp)]);
}

/** The timing in one H.264 NAL unit, or undefined when it is not our SEI. */
export function readTimingSei(nal: Uint8Array): PictureTiming | undefined {
  if (nal.length < 20 || (nal[0]! & 0x1f) !== 6) return undefined;
  const rbsp = unescape(Buffer.from(nal.subarray(1)));
  if (rbsp[0] !== 5 || rbsp[1] !== 32 || rbsp.length < 34) return undefined;
  if (!rbsp.subarray(2, 18).equals(TIMING_SEI_UUID)) return undefined;
  return { renderedAt: Number(rbsp.readBigUInt64BE(18)), frame: rbsp.readUInt32BE(26), panDeg: rbsp.readInt32BE(30) / 100 };
}
