/**
 * One RTSP session: its tracks (video out, optional backchannel in), their transports
 * (TCP interleaved or UDP) and the subscription to the profile's shared encoder.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ProfileSpec } from '../context.js';
import { audioRtpMap, type AudioPacket, type AudioSource } from '../audio-source.js';
import type { EncodedAccessUnit, VideoEncoder } from '../encoder.js';
import type { BackchannelRecorder } from './backchannel.js';
import { RtpPacketizer, senderReport } from './rtp.js';

export type TrackTransport =
  | { kind: 'tcp'; channels: [number, number] }
  | { kind: 'udp'; clientHost: string; clientPorts: [number, number]; sockets: [UdpSocket, UdpSocket] };

export interface Track {
  id: 'video' | 'backchannel' | 'audio';
  transport: TrackTransport;
}

/** How often the session sends an RTCP sender report (RFC 3550 suggests about 5 s; cameras often send every 1-5 s). */
const SENDER_REPORT_MS = 1000;

/** Bytes queued on a TCP connection beyond which video is dropped until the next keyframe. */
const TCP_BACKLOG_LIMIT = 4 << 20;

export class RtspSession {
  readonly id = randomBytes(8).toString('hex');
  readonly tracks = new Map<Track['id'], Track>();
  lastSeen = Date.now();
  private unsubscribe: (() => void) | undefined;
  private waitingForKeyframe = true;
  private readonly packetizer: RtpPacketizer;
  private readonly timestampBase = randomBytes(4).readUInt32BE(0);
  recorder: BackchannelRecorder | undefined;
  packetsSent = 0;
  private octetsSent = 0;
  private lastReportAt = -Infinity;
  private hungNow = false;
  private unsubscribeAudio: (() => void) | undefined;
  private readonly audioRtp = { seq: randomBytes(2).readUInt16BE(0), ssrc: randomBytes(4).readUInt32BE(0), base: randomBytes(4).readUInt32BE(0), packets: 0, octets: 0, lastReportAt: -Infinity, first: true };

  /** A hung camera: the session and its socket stay open but no more video is sent. */
  set hung(on: boolean) {
    if (this.hungNow && !on) this.waitingForKeyframe = true;
    this.hungNow = on;
  }

  constructor(
    readonly profile: ProfileSpec,
    private readonly connection: Socket,
    private readonly encoder: VideoEncoder,
    private readonly audio?: AudioSource,
  ) {
    this.packetizer = new RtpPacketizer(profile.codec);
  }

  get playing(): boolean {
    return this.unsubscribe !== undefined;
  }

  get ssrcHex(): string {
    return this.packetizer.ssrc.toString(16).toUpperCase().padStart(8, '0');
  }

  get nextSeq(): number {
    return this.packetizer.nextSeq;
  }

  play(): void {
    if (this.unsubscribe || !this.tracks.has('video')) return;
    this.waitingForKeyframe = true;
    this.unsubscribe = this.encoder.subscribe((au) => this.sendVideo(au));
    if (this.audio && this.tracks.has('audio')) this.unsubscribeAudio = this.audio.subscribe((p) => this.sendAudio(p));
  }

  pause(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeAudio?.();
    this.unsubscribeAudio = undefined;
  }

  close(): void {
    this.pause();
    for (const track of this.tracks.values()) {
      if (track.transport.kind === 'udp') for (const s of track.transport.sockets) s.close();
    }
    this.tracks.clear();
    this.recorder?.close();
    this.recorder = undefined;
  }

  /** Interleaved data from the client on a channel (backchannel RTP, or RTCP we ignore). */
  interleaved(channel: number, data: Buffer): void {
    this.lastSeen = Date.now();
    const bc = this.tracks.get('backchannel');
    if (bc?.transport.kind === 'tcp' && bc.transport.channels[0] === channel) this.recorder?.packet(data);
  }

  /** 20 ms of the microphone as one RTP packet (RFC 3551), a sender report once a second, on the audio track's transport. */
  private sendAudio(p: AudioPacket): void {
    const track = this.tracks.get('audio');
    if (!track || this.hungNow || !this.audio) return;
    const a = this.audioRtp;
    const { payloadType } = audioRtpMap(this.audio.codec);
    const timestamp = (a.base + p.samples) >>> 0;
    const header = Buffer.allocUnsafe(12);
    header[0] = 0x80;
    header[1] = (a.first ? 0x80 : 0) | payloadType; // marker: the first packet of a talkspurt
    header.writeUInt16BE(a.seq, 2);
    header.writeUInt32BE(timestamp, 4);
    header.writeUInt32BE(a.ssrc, 8);
    a.first = false;
    a.seq = (a.seq + 1) & 0xffff;
    a.packets++;
    a.octets += p.payload.length;
    const packet = Buffer.concat([header, p.payload]);
    const report = p.wallMs - a.lastReportAt >= SENDER_REPORT_MS ? senderReport(a.ssrc, p.wallMs, timestamp, a.packets, a.octets) : undefined;
    if (report) a.lastReportAt = p.wallMs;
    this.send(track.transport, packet, report);
  }

  private send(transport: TrackTransport, packet: Buffer, report: Buffer | undefined): void {
    if (transport.kind === 'tcp') {
      if (this.connection.destroyed || this.connection.writableLength > TCP_BACKLOG_LIMIT) return;
      const frames: Buffer[] = [];
      for (const [channel, p] of [[transport.channels[0], packet], ...(report ? [[transport.channels[1], report] as const] : [])] as const) {
        const h = Buffer.allocUnsafe(4);
        h[0] = 0x24;
        h[1] = channel;
        h.writeUInt16BE(p.length, 2);
        frames.push(h, p);
      }
      this.connection.write(Buffer.concat(frames));
    } else {
      transport.sockets[0].send(packet, transport.clientPorts[0], transport.clientHost);
      if (report) transport.sockets[1].send(report, transport.clientPorts[1], transport.clientHost);
    }
  }

  private sendVideo(au: EncodedAccessUnit): void {
    const track = this.tracks.get('video');
    if (!track || this.hungNow) return;
    if (this.waitingForKeyframe) {
      if (!au.keyframe) return;
      this.waitingForKeyframe = false;
    }
    const transport = track.transport;
    if (transport.kind === 'tcp' && this.connection.writableLength > TCP_BACKLOG_LIMIT) {
      this.waitingForKeyframe = true; // slow reader: skip to the next keyframe rather than buffer without bound
      return;
    }
    const rtpTimestamp = (this.timestampBase + au.pts90k) >>> 0;
    const packets = this.packetizer.packetize(au.nals, rtpTimestamp);
    this.packetsSent += packets.length;
    for (const p of packets) this.octetsSent += p.length - 12;
    // After the picture's packets (a receiver cannot count on a report before the first packet):
    // the picture was rendered at au.renderedAt, its RTP time is rtpTimestamp.
    const now = Date.now();
    const report = now - this.lastReportAt >= SENDER_REPORT_MS ? senderReport(this.packetizer.ssrc, au.renderedAt, rtpTimestamp, this.packetsSent, this.octetsSent) : undefined;
    if (report) this.lastReportAt = now;
    if (transport.kind === 'tcp') {
      if (this.connection.destroyed) return;
      const frames: Buffer[] = [];
      const frame = (channel: number, p: Buffer): void => {
        const h = Buffer.allocUnsafe(4);
        h[0] = 0x24;
        h[1] = channel;
        h.writeUInt16BE(p.length, 2);
        frames.push(h, p);
      };
      for (const p of packets) frame(transport.channels[0], p);
      if (report) frame(transport.channels[1], report);
      this.connection.write(Buffer.concat(frames));
    } else {
      for (const p of packets) transport.sockets[0].send(p, transport.clientPorts[0], transport.clientHost);
      if (report) transport.sockets[1].send(report, transport.clientPorts[1], transport.clientHost);
    }
  }
}

/** Two UDP sockets (RTP, RTCP) on the given address; tries for adjacent even/odd ports. */
export async function bindUdpPair(host: string): Promise<[UdpSocket, UdpSocket]> {
  const bind = (port: number): Promise<UdpSocket> =>
    new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', (err) => {
        s.close();
        reject(err);
      });
      s.bind(port, host, () => {
        s.removeAllListeners('error');
        s.on('error', () => {});
        resolve(s);
      });
    });
  for (let attempt = 0; attempt < 5; attempt++) {
    const rtp = await bind(0);
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      try {
        return [rtp, await bind(port + 1)];
      } catch {
        // taken: try again
      }
    }
    rtp.close();
  }
  return [await bind(0), await bind(0)];
}
