/**
 * The camera's own capture clock for a live stream: ffmpeg reads the camera's RTCP sender reports
 * (RFC 3550 6.4.1: "RTP time R was wall clock W at the camera") but its command line exposes
 * nothing of them, so the gateway puts a loopback relay between ffmpeg and the camera (RTSP over
 * TCP, interleaved). The relay passes every byte through unchanged in both directions and reads,
 * on the way to ffmpeg, the SDP (which payload type is video), the RTP timestamp of the first
 * video packet (ffmpeg's time zero: its output's decode times count from it) and each sender
 * report on the video's RTCP channel. `wallMsAt(t)` then says when the picture at media time t
 * (seconds of ffmpeg's output) was taken, by the camera's clock.
 *
 * Everything read from the camera is bounded: a header that does not end within 64 KiB, or a
 * body over 64 KiB, stops the reading (the bytes still pass), and the clock stays unknown.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

const MAX_TEXT = 64 * 1024;
/** Seconds between 1900-01-01 (NTP) and 1970-01-01 (Unix). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
/** RTP clock of H.264 and H.265 video (RFC 6184, RFC 7798). */
const VIDEO_CLOCK_HZ = 90_000;

/** The camera's audio track as its SDP describes it (what ffmpeg set up through the relay). */
export interface CameraAudioTrack {
  /** Encoding name, upper case: PCMU, PCMA, MPEG4-GENERIC (AAC), ... */
  encoding: string;
  clockRate: number;
  channels: number;
  payloadType: number;
}

/** Static RTP payload types (RFC 3551) a camera may offer without an rtpmap. */
const STATIC_AUDIO: Record<number, { encoding: string; clockRate: number }> = { 0: { encoding: 'PCMU', clockRate: 8000 }, 8: { encoding: 'PCMA', clockRate: 8000 } };

/** The first audio track the client receives (not the ONVIF backchannel, `a=sendonly`) in an SDP; null: none. */
export function sdpAudioTrack(sdp: string): CameraAudioTrack | null {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1, 17);
  for (const section of sections) {
    const m = /^m=audio \d+ [A-Z/]+ ([\d ]+)/.exec(section);
    if (!m || /^a=sendonly\s*$/m.test(section)) continue;
    const payloadType = Number(m[1]!.trim().split(' ')[0]);
    if (!Number.isInteger(payloadType) || payloadType > 127) continue;
    const map = new RegExp(`^a=rtpmap:${payloadType} ([^/\\s]+)/(\\d+)(?:/(\\d+))?`, 'm').exec(section);
    const known = STATIC_AUDIO[payloadType];
    if (!map && !known) continue;
    return {
      encoding: (map?.[1] ?? known!.encoding).toUpperCase().slice(0, 32),
      clockRate: Number(map?.[2] ?? known!.clockRate),
      channels: Number(map?.[3] ?? 1),
      payloadType,
    };
  }
  return null;
}

export interface SenderReport {
  ntpMs: number;
  rtpTimestamp: number;
}

/** Reads the camera -> ffmpeg byte stream: RTSP replies (with SDP) and interleaved RTP/RTCP. */
export class InterleavedReader {
  private buf: Buffer = Buffer.alloc(0);
  private broken = false;
  private videoPayloadType: number | undefined;
  private videoChannel: number | undefined;
  private audioChannel: number | undefined;
  /** The camera's audio track (from the SDP; null: it has none; undefined: no SDP yet). */
  audio: CameraAudioTrack | null | undefined;
  /** Each audio RTP packet of the camera's audio track (WebRTC viewers' G.711). */
  onAudioRtp: ((packet: Buffer) => void) | undefined;
  /** RTP timestamp of the first video packet of this connection. */
  firstRtp: number | undefined;
  report: SenderReport | undefined;
  /** Each video RTP packet on its way to ffmpeg (WebRTC sends the camera's pictures from these). */
  onVideoRtp: ((packet: Buffer) => void) | undefined;

  push(chunk: Buffer): void {
    if (this.broken) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length === 0) return;
      if (this.buf[0] === 0x24) {
        if (this.buf.length < 4) return;
        const len = this.buf.readUInt16BE(2);
        if (this.buf.length < 4 + len) return;
        this.packet(this.buf[1]!, this.buf.subarray(4, 4 + len));
        this.buf = this.buf.subarray(4 + len);
        continue;
      }
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_TEXT) this.broken = true;
        return;
      }
      const head = this.buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (length > MAX_TEXT) {
        this.broken = true;
        return;
      }
      if (this.buf.length < end + 4 + length) return;
      if (/\r\ncontent-type:\s*application\/sdp/i.test(head)) this.sdp(this.buf.subarray(end + 4, end + 4 + length).toString('latin1'));
      this.buf = this.buf.subarray(end + 4 + length);
    }
  }

  private sdp(text: string): void {
    const m = /^m=video \d+ [A-Z/]+ (\d+)/m.exec(text);
    if (m) this.videoPayloadType = Number(m[1]);
    this.audio = sdpAudioTrack(text);
  }

  private packet(channel: number, p: Buffer): void {
    if (p.length < 8 || p[0]! >> 6 !== 2) return;
    if (channel % 2 === 0) {
      if (this.videoChannel === undefined && p.length >= 12 && (p[1]! & 0x7f) === this.videoPayloadType) this.videoChannel = channel;
      if (channel !== this.videoChannel) {
        if (this.audioChannel === undefined && this.audio && p.length >= 12 && (p[1]! & 0x7f) === this.audio.payloadType) this.audioChannel = channel;
        if (channel === this.audioChannel) this.onAudioRtp?.(p);
        return;
      }
      if (this.firstRtp === undefined) this.firstRtp = p.readUInt32BE(4);
      this.onVideoRtp?.(p);
      return;
    }
    if (this.videoChannel === undefined || channel !== this.videoChannel + 1) return;
    // a compound RTCP packet: walk its parts for the sender report (PT 200)
    for (let at = 0; at + 4 <= p.length; ) {
      const len = (p.readUInt16BE(at + 2) + 1) * 4;
      if (p[at + 1] === 200 && at + 20 <= p.length) {
        const seconds = p.readUInt32BE(at + 8) - NTP_UNIX_OFFSET_S;
        const fraction = p.readUInt32BE(at + 12) / 2 ** 32;
        this.report = { ntpMs: (seconds + fraction) * 1000, rtpTimestamp: p.readUInt32BE(at + 16) };
      }
      at += len;
    }
  }
}

/** Wall clock (camera's, epoch ms) of the picture at `mediaSeconds` after the first video packet; undefined while unknown. */
export function wallMsAt(reader: Pick<InterleavedReader, 'firstRtp' | 'report'>, mediaSeconds: number): number | undefined {
  const sr = reader.report;
  if (reader.firstRtp === undefined || !sr) return undefined;
  // 32-bit RTP arithmetic: the difference between the first packet and the report, signed
  const sinceReport = ((reader.firstRtp - sr.rtpTimestamp) | 0) / VIDEO_CLOCK_HZ;
  return sr.ntpMs + (sinceReport + mediaSeconds) * 1000;
}

/**
 * One relay per ffmpeg run: `open(url)` listens on 127.0.0.1 and returns the URL ffmpeg is to
 * use (same credentials and path); each connection is relayed to the camera, and the clock is
 * read from the latest. `close()` ends it all.
 */
export class CameraClockRelay {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private reader = new InterleavedReader();
  /**
   * The camera's video RTP packets of the connection that streams, with the RTP timestamp of its
   * first packet (ffmpeg's time zero), as they pass: before ffmpeg's parser and fragmenter, which
   * each hold a picture until the next one starts (two frame intervals).
   */
  onVideoRtp: ((packet: Buffer, firstRtp: number) => void) | undefined;
  /** The camera's audio RTP packets of the connection that streams, as they pass. */
  onAudioRtp: ((packet: Buffer) => void) | undefined;

  /** The camera's audio track on the connection that streams: null when it has none, undefined before its SDP passed. */
  get audio(): CameraAudioTrack | null | undefined {
    return this.reader.audio;
  }

  /** Only plain RTSP over TCP is relayed (RTSPS and UDP carry their RTCP where the relay cannot read it). */
  static applies(rtspUrl: string, transport: 'tcp' | 'udp'): boolean {
    return transport === 'tcp' && rtspUrl.startsWith('rtsp://');
  }

  async open(rtspUrl: string): Promise<string> {
    await this.close();
    const target = new URL(rtspUrl);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 554);
    this.reader = new InterleavedReader();
    const server = createServer((client) => {
      // ffmpeg may open more than one connection (after a refused login, say): the latest one streams
      const reader = new InterleavedReader();
      this.reader = reader;
      reader.onVideoRtp = (packet) => {
        if (this.reader === reader && reader.firstRtp !== undefined) this.onVideoRtp?.(packet, reader.firstRtp);
      };
      reader.onAudioRtp = (packet) => {
        if (this.reader === reader) this.onAudioRtp?.(packet);
      };
      const camera = createConnection({ host, port });
      for (const s of [client, camera]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      camera.on('data', (chunk: Buffer) => reader.push(chunk));
      client.pipe(camera);
      camera.pipe(client);
      client.on('close', () => camera.destroy());
      camera.on('close', () => client.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port: local } = server.address() as { port: number };
    const url = new URL(rtspUrl);
    url.hostname = '127.0.0.1';
    url.port = String(local);
    return url.toString();
  }

  /** The camera's wall clock (epoch ms) of the picture at `mediaSeconds` of the current run; undefined while unknown. */
  wallMsAt(mediaSeconds: number): number | undefined {
    return wallMsAt(this.reader, mediaSeconds);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
