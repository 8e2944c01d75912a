/**
 * The camera's loudspeaker: PCMU or PCMA (G.711 mu-law or A-law, 8 kHz) RTP from an ONVIF backchannel is
 * decoded to 16-bit PCM and written to a WAV file, finished when the session ends.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { alawToLinear } from '../../../devices/onvif-camera/g711.js';
import { parseRtp } from './rtp.js';

const SAMPLE_RATE = 8000;

/** G.711 mu-law byte -> linear 16-bit sample. */
export function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export interface BackchannelStats {
  /** WAV files written so far (finished ones and the one being written). */
  files: string[];
  packets: number;
  /** PCMU payload bytes received (= samples). */
  samples: number;
  ignoredPackets: number;
}

export class BackchannelRecorder {
  private fd: number | undefined;
  private dataBytes = 0;
  readonly file: string;

  constructor(
    dir: string,
    cameraName: string,
    private readonly stats: BackchannelStats,
    private readonly codec: 'pcmu' | 'pcma' = 'pcmu',
  ) {
    mkdirSync(dir, { recursive: true });
    const safe = cameraName.replace(/[^A-Za-z0-9_-]/g, '_');
    this.file = join(dir, `${safe}-speaker-${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}.wav`);
  }

  /** Handles one RTP packet from the client. */
  packet(raw: Buffer): void {
    const rtp = parseRtp(raw);
    if (!rtp || rtp.payloadType !== (this.codec === 'pcma' ? 8 : 0)) {
      this.stats.ignoredPackets++;
      return;
    }
    if (this.fd === undefined) {
      this.fd = openSync(this.file, 'w');
      writeSync(this.fd, wavHeader(0));
      this.stats.files.push(this.file);
    }
    const pcm = Buffer.allocUnsafe(rtp.payload.length * 2);
    const decode = this.codec === 'pcma' ? alawToLinear : muLawToLinear;
    for (let i = 0; i < rtp.payload.length; i++) pcm.writeInt16LE(decode(rtp.payload[i]!), i * 2);
    writeSync(this.fd, pcm);
    this.dataBytes += pcm.length;
    this.stats.packets++;
    this.stats.samples += rtp.payload.length;
  }

  /** Writes the final sizes into the header and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, wavHeader(this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
