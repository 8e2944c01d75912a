/**
 * One ONVIF audio backchannel session to a camera's loudspeaker: DESCRIBE with
 * `Require: www.onvif.org/ver20/backchannel`, SETUP of the sendonly audio track over TCP
 * interleaved, PLAY, then RTP packets with G.711 payloads; GET_PARAMETER (or OPTIONS, for
 * cameras without it) keeps the session alive; TEARDOWN on close. The `Require` header goes on
 * every request of the session, as the ONVIF Streaming spec asks.
 */
import { randomBytes } from 'node:crypto';
import { BACKCHANNEL_REQUIRE } from './protocol.js';
import { findBackchannel, type BackchannelTrack } from './backchannel-sdp.js';
import { RtspConnection, RtspError, type RtspResponse } from './rtsp-connection.js';

/** The camera answers, but offers no usable backchannel (not a fault to retry soon). */
export class BackchannelUnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BackchannelUnsupportedError';
  }
}

export interface BackchannelSessionOptions {
  /** The profile's RTSP URL, without credentials. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Connect and each request. */
  timeoutMs: number;
}

const REQUIRE = { Require: BACKCHANNEL_REQUIRE };
/** Interleaved channels asked for (RTP, RTCP); the camera's answer wins. */
const CHANNELS = [0, 1] as const;

export class BackchannelSession {
  private seq = randomBytes(2).readUInt16BE(0);
  private timestamp = randomBytes(4).readUInt32BE(0);
  private readonly ssrc = randomBytes(4).readUInt32BE(0);
  private keepAlive: NodeJS.Timeout | undefined;
  private keepAliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'GET_PARAMETER';
  private closing = false;
  packetsSent = 0;

  private constructor(
    private readonly connection: RtspConnection,
    readonly track: BackchannelTrack,
    private readonly sessionId: string,
    private readonly aggregateUrl: string,
    private readonly channel: number,
    timeoutSec: number,
  ) {
    const every = Math.max(2, Math.min(30, timeoutSec / 2)) * 1000;
    this.keepAlive = setInterval(() => void this.ping(), every);
    connection.onClose(() => this.stopKeepAlive());
  }

  /** DESCRIBE, SETUP, PLAY. Throws BackchannelUnsupportedError when the camera offers none. */
  static async open(options: BackchannelSessionOptions): Promise<BackchannelSession> {
    const target = new URL(options.url);
    if (target.protocol !== 'rtsp:') throw new BackchannelUnsupportedError(`its stream address is ${target.protocol}, not rtsp:`);
    const url = `rtsp://${target.host}${target.pathname}${target.search}`;
    const connection = await RtspConnection.open({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 554), username: options.username, password: options.password, timeoutMs: options.timeoutMs });
    try {
      const described = await connection.request('DESCRIBE', url, { Accept: 'application/sdp', ...REQUIRE });
      if (described.status === 551 || (described.headers.unsupported ?? '').includes(BACKCHANNEL_REQUIRE)) {
        throw new BackchannelUnsupportedError('the camera refuses the ONVIF audio backchannel (RTSP 551 Option not supported)');
      }
      expectOk(described, 'DESCRIBE');
      const base = described.headers['content-base'] ?? described.headers['content-location'] ?? url;
      const found = findBackchannel(described.body, base);
      if (!found.ok) throw new BackchannelUnsupportedError(found.reason);
      const setup = await connection.request('SETUP', found.track.controlUrl, { Transport: `RTP/AVP/TCP;unicast;interleaved=${CHANNELS[0]}-${CHANNELS[1]}`, ...REQUIRE });
      if (setup.status === 461) throw new BackchannelUnsupportedError('the camera refuses RTP over the RTSP connection (461 Unsupported Transport)');
      expectOk(setup, 'SETUP');
      const sessionHeader = setup.headers.session ?? '';
      const sessionId = sessionHeader.split(';')[0]!.trim();
      if (!sessionId || sessionId.length > 256) throw new RtspError('the camera answered SETUP without a Session', 'protocol');
      const timeoutSec = Number(/timeout=(\d+)/.exec(sessionHeader)?.[1] ?? 60);
      const channel = Number(/interleaved=(\d+)/.exec(setup.headers.transport ?? '')?.[1] ?? CHANNELS[0]);
      const aggregate = base.replace(/\/$/, '');
      const played = await connection.request('PLAY', aggregate, { Session: sessionId, Range: 'npt=0.000-', ...REQUIRE });
      expectOk(played, 'PLAY');
      return new BackchannelSession(connection, found.track, sessionId, aggregate, channel & 0xff, Number.isFinite(timeoutSec) && timeoutSec > 0 ? timeoutSec : 60);
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.connection.closed;
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.connection.onClose(listener);
  }

  get backlogBytes(): number {
    return this.connection.backlogBytes;
  }

  /**
   * One RTP packet: `payload` is G.711 in the track's codec, one byte per sample. `marker` on the
   * first packet after a silence; `gapSamples` moves the timestamp on over a pause.
   */
  send(payload: Buffer, marker: boolean, gapSamples = 0): boolean {
    this.timestamp = (this.timestamp + gapSamples) >>> 0;
    const packet = Buffer.allocUnsafe(12 + payload.length);
    packet[0] = 0x80;
    packet[1] = (marker ? 0x80 : 0) | (this.track.payloadType & 0x7f);
    packet.writeUInt16BE(this.seq, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    payload.copy(packet, 12);
    this.seq = (this.seq + 1) & 0xffff;
    this.timestamp = (this.timestamp + payload.length) >>> 0;
    const ok = this.connection.writeInterleaved(this.channel, packet);
    if (ok) this.packetsSent++;
    return ok;
  }

  /** TEARDOWN (waits at most `timeoutMs`), then closes the connection. */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stopKeepAlive();
    if (!this.connection.closed) {
      await this.connection.request('TEARDOWN', this.aggregateUrl, { Session: this.sessionId, ...REQUIRE }, timeoutMs).catch(() => undefined);
    }
    this.connection.close('backchannel closed');
  }

  /** Drops the connection at once (no TEARDOWN). */
  abort(reason: string): void {
    this.stopKeepAlive();
    this.connection.close(reason);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  private async ping(): Promise<void> {
    if (this.connection.closed || this.closing) return;
    try {
      const reply = await this.connection.request(this.keepAliveMethod, this.aggregateUrl, { Session: this.sessionId, ...REQUIRE });
      if (reply.status === 454) this.connection.close('the camera forgot the backchannel session (454 Session Not Found)');
      else if ((reply.status === 405 || reply.status === 501) && this.keepAliveMethod === 'GET_PARAMETER') this.keepAliveMethod = 'OPTIONS';
    } catch {
      // the connection reports its own end
    }
  }
}

function expectOk(reply: RtspResponse, method: string): void {
  if (reply.status === 401) throw new RtspError(`the camera refused the user name or password for ${method}`, 'auth', 401);
  if (reply.status !== 200) throw new RtspError(`the camera answered ${method} with ${reply.status} ${reply.reason}`.trim(), 'protocol', reply.status);
}
