/**
 * The camera's microphone: a steady test tone, encoded as the camera's audio codec and cut into
 * RTP payloads of 20 ms (G.711, RFC 3551: 160 samples at 8 kHz). Shared by every RTSP session
 * that set up the audio track; its timer runs only while someone listens.
 */
import { encodeG711 } from '../../devices/onvif-camera/g711.js';

export type CameraAudioCodec = 'pcmu' | 'pcma';

export interface AudioPacket {
  /** RTP payload: 20 ms of the tone in the camera's codec. */
  payload: Buffer;
  /** Samples since the source started (the RTP timestamp before the session's random base). */
  samples: number;
  /** Host wall clock of the packet's first sample (sender reports). */
  wallMs: number;
}

export type AudioListener = (packet: AudioPacket) => void;

export const AUDIO_CLOCK_HZ = 8000;
const PACKET_MS = 20;
const SAMPLES_PER_PACKET = (AUDIO_CLOCK_HZ * PACKET_MS) / 1000;

/** RTP payload type, encoding name and clock rate as the SDP offers them (RFC 3551 static types). */
export function audioRtpMap(codec: CameraAudioCodec): { payloadType: number; name: string; clockRate: number } {
  return codec === 'pcma' ? { payloadType: 8, name: 'PCMA', clockRate: AUDIO_CLOCK_HZ } : { payloadType: 0, name: 'PCMU', clockRate: AUDIO_CLOCK_HZ };
}

export class AudioSource {
  private readonly listeners = new Set<AudioListener>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sent = 0;
  /** Packets made since the simulator started (tests). */
  packetsMade = 0;

  constructor(
    readonly codec: CameraAudioCodec,
    /** The tone's frequency, Hz. */
    readonly toneHz: number,
    /** Peak amplitude, 16-bit linear. */
    private readonly amplitude = 8000,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  subscribe(listener: AudioListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.startedAt = performance.now();
      this.sent = 0;
      this.tick();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    this.listeners.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends every packet that is due (at most 5 at once after a stall: a suspended process skips ahead), then waits for the next. */
  private tick(): void {
    const due = Math.floor((performance.now() - this.startedAt) / PACKET_MS) + 1;
    if (due - this.sent > 5) this.sent = due - 5;
    const wallNow = Date.now();
    while (this.sent < due) {
      const samples = this.sent * SAMPLES_PER_PACKET;
      const packet: AudioPacket = { payload: this.tone(samples), samples, wallMs: wallNow - (due - 1 - this.sent) * PACKET_MS };
      this.sent++;
      this.packetsMade++;
      for (const l of this.listeners) l(packet);
    }
    const next = this.startedAt + this.sent * PACKET_MS;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - performance.now()));
  }

  private tone(firstSample: number): Buffer {
    const pcm = new Int16Array(SAMPLES_PER_PACKET);
    const step = (2 * Math.PI * this.toneHz) / AUDIO_CLOCK_HZ;
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(this.amplitude * Math.sin(step * (firstSample + i)));
    return encodeG711(this.codec, pcm);
  }
}
