/**
 * One WebRTC viewer of a camera: a werift peer connection with one send-only H.264 track, fed by
 * the camera's shared `mse` stream (the same ffmpeg and RTSP session as MSE viewers and the
 * recorder). Each fMP4 fragment is one picture: its samples' NAL units go out as RTP (RFC 6184)
 * with the fragment's own decode time on the 90 kHz clock, SPS and PPS before every keyframe.
 * Until the connection is up the pictures since the last keyframe are held (bounded) and sent on
 * connect, so the first picture does not wait for the next keyframe.
 *
 * Where the stream has a relay in front of ffmpeg (RTSP over TCP), the viewer also gets the
 * camera's own RTP (`videoRtp`), two pictures earlier than the fragments: ffmpeg's parser and its
 * MP4 fragmenter each hold a picture until the next one begins (133 ms at 15 fps). It starts on
 * the fragments (the cached GOP plays at once) and hands over to the camera's RTP at the first
 * picture both carry (same time: the relay's first RTP timestamp is ffmpeg's time zero), or at
 * the camera's next keyframe, so the decoder never sees a gap.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters, RtpHeader, RtpPacket } from 'werift';
import type { CameraAudioTrack } from '../camera-clock.js';
import type { StreamSink } from '../live-stream.js';
import type { MediaUnit } from '../types.js';
import { fragmentSamples, h264Config, type H264Config } from './fmp4-samples.js';
import { H264Depacketizer, type RtpPicture } from './h264-depacketizer.js';
import { packetizeH264 } from './h264-packetizer.js';

/** A picture on the fragments' 90 kHz time line. */
interface Picture {
  time90k: number;
  nals: Buffer[];
  bytes: number;
}

/** RTP payload size: fits a 1500-byte Ethernet MTU with IP, UDP, SRTP and header extensions. */
const MAX_RTP_PAYLOAD = 1150;
/** Most bytes held while the connection comes up (a GOP of a main stream). */
const MAX_HELD_BYTES = 8 * 1024 * 1024;
/**
 * The playout-delay RTP header extension (webrtc.org experiments; Chromium offers it): min = max = 0
 * asks the browser to show each picture as soon as it is decoded, without the jitter buffer's
 * smoothing delay, which grows with the arrival jitter of a loaded LAN or machine. Live video
 * from a guard room's cameras wants the newest picture, not a smooth one.
 */
export const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';
const PLAYOUT_DELAY_ZERO = Buffer.from([0, 0, 0]);
const G711_CODECS = (): RTCRtpCodecParameters[] => [
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1 }),
  new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1 }),
];
/** A connection that stays `disconnected` this long is ended. */
const DISCONNECTED_GRACE_MS = 5000;

export interface IcePolicy {
  /** Addresses offered as host candidates; the pairs and the answer keep only these. */
  addresses: readonly string[];
  interfaceAddress?: string;
  additionalHostAddresses: string[];
  portRange?: [number, number];
}

export type ViewerEnd = 'closed' | 'failed' | 'timeout' | 'codec' | 'stream';

export class WebrtcViewer implements StreamSink {
  droppedUnits = 0;
  sentPictures = 0;
  private pc: RTCPeerConnection | undefined;
  /** The id the browser gave the playout-delay extension; null: not negotiated. */
  private playoutDelayId: number | null | undefined;
  private track: MediaStreamTrack | undefined;
  private config: H264Config | undefined;
  private connected = false;
  private waitKeyframe = true;
  private held: MediaUnit[] = [];
  private heldBytes = 0;
  private sequence = Math.floor(Math.random() * 0xffff);
  private closed = false;
  private lostTimer: NodeJS.Timeout | undefined;
  private readonly closeHandlers: Array<() => void> = [];
  private initWaiters: Array<(config: H264Config | undefined) => void> = [];
  /** `fragments` until the hand-over to the camera's RTP (`rtp`). */
  private source: 'fragments' | 'rtp' = 'fragments';
  private depacketizer: H264Depacketizer | undefined;
  private firstRtp: number | undefined;
  /** The camera's pictures since its last keyframe (or since this viewer came), until the hand-over. */
  private rtpPictures: Picture[] = [];
  private rtpBytes = 0;
  /** Pictures sent from the camera's RTP (the rest came from the fragments). */
  rtpPicturesSent = 0;
  /** The camera's G.711 on its way to the browser (undefined: no audio track in this session). */
  private audioTrack: MediaStreamTrack | undefined;
  /** Audio packets passed to the browser. */
  audioPacketsSent = 0;

  constructor(
    readonly id: string,
    private readonly ice: IcePolicy,
    private readonly onEnd: (why: ViewerEnd, detail: string) => void,
  ) {}

  /** Resolves with the stream's H.264 configuration once its init segment arrived (undefined: not H.264). */
  streamConfig(timeoutMs: number): Promise<H264Config | undefined> {
    if (this.config) return Promise.resolve(this.config);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the camera stream did not start in time')), timeoutMs);
      this.initWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
      this.onClose(() => {
        clearTimeout(timer);
        reject(new Error('viewer closed'));
      });
    });
  }

  /**
   * Answers the browser's offer (non-trickle: the answer carries every candidate). `audio`: the
   * camera's G.711 to pass through (webrtcAudio), or undefined for video only.
   */
  async answer(offerSdp: string, config: H264Config, gatherTimeoutMs: number, audio?: CameraAudioTrack): Promise<string> {
    const allowed = new Set(this.ice.addresses);
    const withAudio = audio !== undefined && /\r?\nm=audio /.test(offerSdp);
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv6: false,
      ...(this.ice.interfaceAddress ? { iceInterfaceAddresses: { udp4: this.ice.interfaceAddress } } : {}),
      ...(this.ice.additionalHostAddresses.length ? { iceAdditionalHostAddresses: this.ice.additionalHostAddresses } : {}),
      ...(this.ice.portRange ? { icePortRange: this.ice.portRange } : {}),
      iceFilterCandidatePair: (pair) => allowed.size === 0 || allowed.has(pair.protocol.localCandidate?.host ?? ''),
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/H264',
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
            parameters: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${config.profileLevelId}`,
          }),
        ],
        // G.711 is always offered back (an offer's audio section with no codec in common fails the answer);
        // a camera without sound gets an inactive audio section.
        audio: withAudio ? [new RTCRtpCodecParameters({ mimeType: `audio/${audio.encoding}`, clockRate: audio.clockRate, channels: 1 })] : G711_CODECS(),
      },
      headerExtensions: { video: [new RTCRtpHeaderExtensionParameters({ uri: PLAYOUT_DELAY_URI })], audio: [] },
    });
    this.pc = pc;
    this.track = new MediaStreamTrack({ kind: 'video' });
    const video = pc.addTransceiver(this.track, { direction: 'sendonly' });
    // Apart streams: the browser then plays each at once instead of holding the video back to
    // keep it in step with the audio (lip sync would add the audio's jitter buffer to the video).
    video.sender.streamId = `video-${this.id}`;
    if (withAudio) {
      this.audioTrack = new MediaStreamTrack({ kind: 'audio' });
      pc.addTransceiver(this.audioTrack, { direction: 'sendonly' }).sender.streamId = `audio-${this.id}`;
    } else if (/\r?\nm=audio /.test(offerSdp)) {
      pc.addTransceiver('audio', { direction: 'inactive' });
    }
    pc.connectionStateChange.subscribe((state) => {
      if (this.lostTimer) clearTimeout(this.lostTimer);
      this.lostTimer = undefined;
      if (state === 'connected') this.onConnected();
      else if (state === 'failed') this.end('failed', 'the WebRTC connection failed');
      else if (state === 'closed') this.end('closed', 'the WebRTC connection closed');
      else if (state === 'disconnected') {
        // The browser went away without hanging up (tab killed, network lost): give it a moment.
        this.lostTimer = setTimeout(() => this.end('failed', 'the browser stopped answering'), DISCONNECTED_GRACE_MS);
      }
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: withoutMdnsCandidates(offerSdp) });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, gatherTimeoutMs);
      pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return keepCandidates(sdp, allowed);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  private onConnected(): void {
    if (this.connected) return;
    this.connected = true;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const unit of held) this.send(unit);
  }

  // --- StreamSink ---
  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  control(message: Record<string, unknown>): void {
    void message; // status text is for WebSocket players; a WebRTC tile sees the frames stop
  }

  raw(data: Buffer): void {
    // The only raw data on an mse stream is its init segment.
    this.config = h264Config(data);
    const waiters = this.initWaiters;
    this.initWaiters = [];
    for (const w of waiters) w(this.config);
    if (!this.config) this.end('codec', 'the camera does not send H.264');
  }

  resync(): void {
    this.waitKeyframe = true;
    this.held = [];
    this.heldBytes = 0;
    this.source = 'fragments';
  }

  videoRtp(packet: Buffer, firstRtp: number): void {
    if (this.closed) return;
    if (firstRtp !== this.firstRtp || !this.depacketizer) {
      // a new connection to the camera (ffmpeg restarted): a new time line
      this.firstRtp = firstRtp;
      this.depacketizer = new H264Depacketizer((p) => this.onRtpPicture(p));
      this.clearRtpPictures();
      this.source = 'fragments';
    }
    this.depacketizer.push(packet);
  }

  /** The camera's audio RTP (G.711): passed through as it is; the sender sets its own SSRC and payload type. */
  audioRtp(packet: Buffer): void {
    if (this.closed || !this.connected || !this.audioTrack) return;
    let rtp: RtpPacket;
    try {
      rtp = RtpPacket.deSerialize(packet);
    } catch {
      return; // a packet that does not parse is dropped, like a lost one
    }
    rtp.header.extensions = [];
    this.audioTrack.writeRtp(rtp);
    this.audioPacketsSent++;
  }

  private onRtpPicture(p: RtpPicture): void {
    const picture: Picture = { time90k: (p.timestamp - this.firstRtp!) >>> 0, nals: p.nals, bytes: p.nals.reduce((n, nal) => n + nal.length, 0) };
    if (this.source === 'rtp') {
      if (this.connected) this.sendPicture(picture, true);
      return;
    }
    if (p.keyframe) this.clearRtpPictures();
    if (this.rtpBytes + picture.bytes > MAX_HELD_BYTES) {
      this.clearRtpPictures();
      return;
    }
    this.rtpPictures.push(picture);
    this.rtpBytes += picture.bytes;
    // A keyframe of the camera's own: the decoder can start over here, whatever the fragments sent.
    if (p.keyframe && this.connected && this.config) {
      this.waitKeyframe = false;
      this.handOver(0);
    }
  }

  /** From now on the camera's RTP: the held pictures from `index` on go out now. */
  private handOver(index: number): void {
    this.source = 'rtp';
    const rest = this.rtpPictures.slice(index);
    this.clearRtpPictures();
    for (const picture of rest) this.sendPicture(picture, true);
  }

  private clearRtpPictures(): void {
    this.rtpPictures = [];
    this.rtpBytes = 0;
  }

  unit(unit: MediaUnit): boolean {
    if (this.closed || !this.config) return false;
    if (this.source === 'rtp') return true; // the camera's RTP carries this picture already
    if (this.waitKeyframe) {
      if (!unit.keyframe) {
        this.droppedUnits++;
        return false;
      }
      this.waitKeyframe = false;
    }
    if (!this.connected) {
      if (unit.keyframe) {
        this.held = [];
        this.heldBytes = 0;
      }
      if (this.heldBytes + unit.data.length > MAX_HELD_BYTES) {
        this.droppedUnits++;
        this.waitKeyframe = true;
        this.held = [];
        this.heldBytes = 0;
        return false;
      }
      this.held.push(unit);
      this.heldBytes += unit.data.length;
      return true;
    }
    this.send(unit);
    return true;
  }

  close(code: number, reason: string): void {
    void code;
    this.end('stream', reason);
  }

  private send(unit: MediaUnit): void {
    const config = this.config;
    const track = this.track;
    if (!config || !track) return;
    let samples;
    try {
      samples = fragmentSamples(unit.data, config.nalLengthSize);
    } catch {
      // A fragment that does not parse is skipped, like a lost packet; the next keyframe repairs.
      this.droppedUnits++;
      return;
    }
    for (const sample of samples) {
      if (this.source === 'rtp') return;
      const time90k = Math.round((sample.time * 90000) / config.timescale) % 2 ** 32;
      this.sendPicture({ time90k, nals: sample.nals, bytes: 0 }, false);
      // the camera's RTP has this picture too: what follows comes from there
      const same = this.rtpPictures.findIndex((p) => p.time90k === time90k);
      if (same >= 0) this.handOver(same + 1);
    }
  }

  private sendPicture(picture: Picture, fromRtp: boolean): void {
    const config = this.config;
    const track = this.track;
    if (!config || !track) return;
    const hasIdr = picture.nals.some((n) => (n[0]! & 0x1f) === 5);
    const hasSps = picture.nals.some((n) => (n[0]! & 0x1f) === 7);
    const nals = hasIdr && !hasSps ? [...config.sps, ...config.pps, ...picture.nals] : picture.nals;
    if (this.playoutDelayId === undefined) this.playoutDelayId = this.pc?.getTransceivers()[0]?.headerExtensions.find((e) => e.uri === PLAYOUT_DELAY_URI)?.id ?? null;
    const extensions = this.playoutDelayId !== null ? [{ id: this.playoutDelayId, payload: PLAYOUT_DELAY_ZERO }] : [];
    for (const p of packetizeH264(nals, MAX_RTP_PAYLOAD)) {
      const header = new RtpHeader({ payloadType: 96, sequenceNumber: this.sequence, timestamp: picture.time90k, marker: p.marker, extensions });
      this.sequence = (this.sequence + 1) & 0xffff;
      track.writeRtp(new RtpPacket(header, p.payload));
    }
    this.sentPictures++;
    if (fromRtp) this.rtpPicturesSent++;
  }

  private end(why: ViewerEnd, detail: string): void {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    this.clearRtpPictures();
    if (this.lostTimer) clearTimeout(this.lostTimer);
    const handlers = this.closeHandlers.splice(0);
    for (const h of handlers) h();
    for (const w of this.initWaiters.splice(0)) w(undefined);
    this.track?.stop();
    this.audioTrack?.stop();
    void this.pc?.close().catch(() => {});
    this.onEnd(why, detail);
  }

  /** Ends the viewer (the browser hung up, the gateway stops, a timeout). */
  stop(why: ViewerEnd = 'closed', detail = 'ended'): void {
    this.end(why, detail);
  }
}

/** Drops the offer's mDNS (`.local`) candidates: resolving them would send multicast queries; the browser's checks reach us anyway (peer-reflexive). */
export function withoutMdnsCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => !(line.startsWith('a=candidate:') && /\s\S+\.local\s/i.test(line)))
    .join('\r\n');
}

/** Keeps only the answer's candidates on the allowed addresses (all when the set is empty). */
export function keepCandidates(sdp: string, allowed: ReadonlySet<string>): string {
  if (allowed.size === 0) return sdp;
  return sdp
    .split(/\r?\n/)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const address = line.split(' ')[4];
      return address !== undefined && allowed.has(address);
    })
    .join('\r\n');
}
