import { PayloadError } from '../../src/core/mqtt-contract.js';

/**
 * The binary audio frame every speaker receives on `.../audio`: a fixed 20-byte header, then the
 * encoded samples of 20-40 ms of mono audio.
 *
 * | offset | size | field                                                         |
 * | ------ | ---- | ------------------------------------------------------------- |
 * | 0      | 1    | version (1)                                                   |
 * | 1      | 1    | codec: 0 = G.711 mu-law 8 kHz, 1 = 16-bit PCM little-endian   |
 * | 2      | 1    | flags: bit 0 = end of stream (the payload may be empty)       |
 * | 3      | 1    | frame duration in ms                                          |
 * | 4      | 4    | stream number (uint32 BE, from the job's `play` message)      |
 * | 8      | 4    | sequence number (uint32 BE, +1 per frame, from 0)             |
 * | 12     | 8    | capture time (float64 BE, ms since the Unix epoch)            |
 * | 20     | n    | encoded samples                                               |
 */
export const AUDIO_FRAME_VERSION = 1;
export const AUDIO_FRAME_HEADER_BYTES = 20;

export const CODEC_IDS = { pcmu: 0, s16le: 1 } as const;
export type AudioCodec = keyof typeof CODEC_IDS;
export const AUDIO_CODECS = Object.keys(CODEC_IDS) as AudioCodec[];
const CODEC_BY_ID = new Map<number, AudioCodec>(Object.entries(CODEC_IDS).map(([name, id]) => [id, name as AudioCodec]));

/** Sample rate each codec runs at on the wire. */
export const CODEC_SAMPLE_RATE: Record<AudioCodec, number> = { pcmu: 8000, s16le: 16000 };
/** Bytes per sample of each codec. */
export const CODEC_BYTES_PER_SAMPLE: Record<AudioCodec, number> = { pcmu: 1, s16le: 2 };

export interface AudioFrame {
  codec: AudioCodec;
  endOfStream: boolean;
  frameMs: number;
  stream: number;
  sequence: number;
  /** Capture time, ms since the Unix epoch (fractional). */
  capturedAt: number;
  data: Buffer;
}

export function encodeAudioFrame(frame: AudioFrame): Buffer {
  const out = Buffer.allocUnsafe(AUDIO_FRAME_HEADER_BYTES + frame.data.length);
  out.writeUInt8(AUDIO_FRAME_VERSION, 0);
  out.writeUInt8(CODEC_IDS[frame.codec], 1);
  out.writeUInt8(frame.endOfStream ? 1 : 0, 2);
  out.writeUInt8(frame.frameMs, 3);
  out.writeUInt32BE(frame.stream >>> 0, 4);
  out.writeUInt32BE(frame.sequence >>> 0, 8);
  out.writeDoubleBE(frame.capturedAt, 12);
  frame.data.copy(out, AUDIO_FRAME_HEADER_BYTES);
  return out;
}

export function decodeAudioFrame(payload: Buffer): AudioFrame {
  if (payload.length < AUDIO_FRAME_HEADER_BYTES) throw new PayloadError(`audio frame shorter than its ${AUDIO_FRAME_HEADER_BYTES}-byte header`);
  const version = payload.readUInt8(0);
  if (version !== AUDIO_FRAME_VERSION) throw new PayloadError(`audio frame version ${version} is not supported (expected ${AUDIO_FRAME_VERSION})`);
  const codec = CODEC_BY_ID.get(payload.readUInt8(1));
  if (!codec) throw new PayloadError(`unknown audio codec id ${payload.readUInt8(1)}`);
  const data = payload.subarray(AUDIO_FRAME_HEADER_BYTES);
  if (data.length % CODEC_BYTES_PER_SAMPLE[codec] !== 0) throw new PayloadError(`${codec} payload of ${data.length} bytes is not whole samples`);
  return {
    codec,
    endOfStream: (payload.readUInt8(2) & 1) === 1,
    frameMs: payload.readUInt8(3),
    stream: payload.readUInt32BE(4),
    sequence: payload.readUInt32BE(8),
    capturedAt: payload.readDoubleBE(12),
    data,
  };
}

export const AUDIO_FRAME_DESCRIPTION = `A 20-byte header, then the encoded samples (all integers big-endian):

| offset | size | field |
| --- | --- | --- |
| 0 | 1 | version, \`1\` |
| 1 | 1 | codec: \`0\` G.711 mu-law 8 kHz (default, every speaker must decode it), \`1\` 16-bit PCM little-endian 16 kHz (optional) |
| 2 | 1 | flags: bit 0 = end of stream (payload may be empty) |
| 3 | 1 | frame duration in ms (20-40) |
| 4 | 4 | stream number (uint32), announced in the job's \`play\` message |
| 8 | 4 | sequence number (uint32, +1 per frame from 0; a jump is a lost frame) |
| 12 | 8 | capture time (float64, ms since the Unix epoch) |
| 20 | n | samples: 160 bytes per 20 ms for G.711 mu-law |
`;
