/**
 * The camera's RTSP 1.0 server (RFC 2326): OPTIONS, DESCRIBE, SETUP (TCP interleaved or UDP),
 * PLAY, PAUSE, TEARDOWN, GET_PARAMETER/SET_PARAMETER keep-alives, Digest auth, CSeq echo,
 * Session headers with timeout, and the ONVIF audio backchannel.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { BACKCHANNEL_REQUIRE } from '../../../devices/onvif-camera/protocol.js';
import type { Logger } from '../../../src/core/logger.js';
import type { Service } from '../../../src/core/lifecycle.js';
import type { ProfileSpec } from '../context.js';
import type { DigestAuth } from '../digest-auth.js';
import type { AudioSource } from '../audio-source.js';
import type { VideoEncoder } from '../encoder.js';
import { BackchannelRecorder, type BackchannelStats } from './backchannel.js';
import { AUDIO_TRACK, BACKCHANNEL_TRACK, buildSdp, VIDEO_TRACK } from './sdp.js';
import { bindUdpPair, RtspSession, type Track } from './session.js';

export interface RtspServerDeps {
  host: string;
  port: number;
  profiles: readonly ProfileSpec[];
  encoders: ReadonlyMap<string, VideoEncoder>;
  /** The microphone: every profile's SDP offers its audio track. */
  audio?: AudioSource;
  digest: DigestAuth;
  sessionName: string;
  backchannel: { enabled: boolean; dir: string; stats: BackchannelStats; cameraName: string; codec?: 'pcmu' | 'pcma' };
  sessionTimeoutSec?: number;
  log: Logger;
}

interface RtspRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

const PUBLIC = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';
const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  459: 'Aggregate Operation Not Allowed',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  551: 'Option not supported',
};

export class RtspServer implements Service {
  readonly name = 'rtsp';
  private server: Server | undefined;
  private readonly connections = new Map<Socket, Map<string, RtspSession>>();
  private reaper: NodeJS.Timeout | undefined;
  /** Requests answered, by method (tests check what a client did). */
  readonly requestCounts: Record<string, number> = {};
  /** Per open connection, the ports named in its requests' URLs (a client behind a relay names the relay's). */
  private readonly urlPorts = new Map<Socket, Set<number>>();

  constructor(private readonly deps: RtspServerDeps) {}

  /** Ports that the clients of the open connections named in their request URLs (tests find the client through them). */
  get requestUrlPorts(): number[] {
    return [...new Set([...this.urlPorts.values()].flatMap((ports) => [...ports]))];
  }

  get sessions(): RtspSession[] {
    return [...this.connections.values()].flatMap((m) => [...m.values()]);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const timeoutMs = (this.deps.sessionTimeoutSec ?? 60) * 1000;
    this.reaper = setInterval(() => {
      const now = Date.now();
      for (const [socket, sessions] of this.connections) {
        for (const [id, s] of sessions) {
          if (now - s.lastSeen > timeoutMs) {
            this.deps.log.info({ session: id }, 'rtsp session timed out');
            s.close();
            sessions.delete(id);
          }
        }
        if (sessions.size === 0 && now - ((socket as Socket & { lastActivity?: number }).lastActivity ?? now) > timeoutMs) socket.destroy();
      }
    }, 5000);
  }

  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    const server = this.server;
    this.server = undefined;
    this.dropSessions();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private hung = false;

  /** Hangs (or resumes) the video of every session, open and future: sockets stay open, no packets flow. */
  hangVideo(on: boolean): void {
    this.hung = on;
    for (const sessions of this.connections.values()) for (const s of sessions.values()) s.hung = on;
  }

  /** Closes every RTSP connection and session at once (a fault the control API can inject). */
  dropSessions(): number {
    let n = 0;
    for (const [socket, sessions] of this.connections) {
      for (const s of sessions.values()) s.close();
      n += sessions.size;
      socket.destroy();
    }
    this.connections.clear();
    return n;
  }

  private accept(socket: Socket): void {
    const sessions = new Map<string, RtspSession>();
    this.connections.set(socket, sessions);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      (socket as Socket & { lastActivity?: number }).lastActivity = Date.now();
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (buffer.length === 0) break;
        if (buffer[0] === 0x24) {
          if (buffer.length < 4) break;
          const len = buffer.readUInt16BE(2);
          if (buffer.length < 4 + len) break;
          const channel = buffer[1]!;
          const data = buffer.subarray(4, 4 + len);
          buffer = buffer.subarray(4 + len);
          for (const s of sessions.values()) s.interleaved(channel, data);
          continue;
        }
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > 65536) socket.destroy(); // no request is that long
          break;
        }
        const head = buffer.subarray(0, end).toString('utf8');
        const req = parseHead(head);
        const bodyLen = Number(req?.headers['content-length'] ?? 0);
        if (buffer.length < end + 4 + bodyLen) break;
        const body = buffer.subarray(end + 4, end + 4 + bodyLen);
        buffer = buffer.subarray(end + 4 + bodyLen);
        if (!req) {
          socket.write(response(400, '0', {}));
          continue;
        }
        req.body = body;
        // answer in order, one at a time (DESCRIBE may wait for the encoder)
        queue = queue.then(() => this.handle(socket, sessions, req)).catch((err: unknown) => {
          this.deps.log.warn({ err }, 'rtsp request failed');
          if (!socket.destroyed) socket.write(response(500, req.headers.cseq ?? '0', {}));
        });
      }
    });
    const cleanup = (): void => {
      for (const s of sessions.values()) s.close();
      sessions.clear();
      this.connections.delete(socket);
      this.urlPorts.delete(socket);
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());
  }

  private async handle(socket: Socket, sessions: Map<string, RtspSession>, req: RtspRequest): Promise<void> {
    if (socket.destroyed) return;
    const cseq = req.headers.cseq ?? '0';
    const reply = (status: number, headers: Record<string, string> = {}, body?: string): void => {
      if (!socket.destroyed) socket.write(response(status, cseq, headers, body));
    };
    this.requestCounts[req.method] = (this.requestCounts[req.method] ?? 0) + 1;
    const urlPort = Number(/^rtsps?:\/\/[^/]*:(\d+)/.exec(req.url)?.[1]);
    if (Number.isInteger(urlPort) && urlPort > 0 && urlPort < 65536) {
      const ports = this.urlPorts.get(socket) ?? new Set<number>();
      if (ports.size < 8) ports.add(urlPort);
      this.urlPorts.set(socket, ports);
    }
    const sessionId = req.headers.session?.split(';')[0]?.trim();
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (session) session.lastSeen = Date.now();

    if (req.method === 'OPTIONS') return reply(200, { Public: PUBLIC });
    if (!['DESCRIBE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER'].includes(req.method)) return reply(501);
    if (!this.deps.digest.verify(req.method, req.headers.authorization)) return reply(401, { 'WWW-Authenticate': this.deps.digest.challenge() });

    const target = this.resolve(req.url);
    const wantsBackchannel = (req.headers.require ?? '').split(',').some((r) => r.trim() === BACKCHANNEL_REQUIRE);
    if (wantsBackchannel && !this.deps.backchannel.enabled) return reply(551, { Unsupported: BACKCHANNEL_REQUIRE });

    switch (req.method) {
      case 'DESCRIBE': {
        if (!target) return reply(404);
        const encoder = this.deps.encoders.get(target.profile.token)!;
        let sets: Buffer[];
        try {
          sets = await encoder.parameterSets();
        } catch (err) {
          this.deps.log.error({ err }, 'no parameter sets for DESCRIBE');
          return reply(503);
        }
        const sdp = buildSdp({
          profile: target.profile,
          parameterSets: sets,
          host: this.deps.host,
          sessionName: this.deps.sessionName,
          backchannel: wantsBackchannel ? (this.deps.backchannel.codec ?? 'pcmu') : false,
          audio: this.deps.audio?.codec ?? false,
        });
        return reply(200, { 'Content-Type': 'application/sdp', 'Content-Base': `${target.base}/` }, sdp);
      }
      case 'SETUP':
        return this.setup(socket, sessions, session, req, target, reply);
      case 'PLAY': {
        if (!session) return reply(454);
        session.play();
        return reply(200, {
          Session: `${session.id};timeout=${this.deps.sessionTimeoutSec ?? 60}`,
          Range: 'npt=0.000-',
          'RTP-Info': `url=${target?.base ?? ''}/${VIDEO_TRACK};seq=${session.nextSeq}`,
        });
      }
      case 'PAUSE':
        if (!session) return reply(454);
        session.pause();
        return reply(200, { Session: session.id });
      case 'TEARDOWN':
        if (!session) return reply(454);
        session.close();
        sessions.delete(session.id);
        return reply(200, { Session: session.id });
      default:
        // GET_PARAMETER / SET_PARAMETER: keep-alive
        if (sessionId && !session) return reply(454);
        return reply(200, session ? { Session: session.id } : {});
    }
  }

  private async setup(
    socket: Socket,
    sessions: Map<string, RtspSession>,
    existing: RtspSession | undefined,
    req: RtspRequest,
    target: { profile: ProfileSpec; base: string; track: string | undefined } | undefined,
    reply: (status: number, headers?: Record<string, string>) => void,
  ): Promise<void> {
    if (!target) return reply(404);
    const trackId: Track['id'] | undefined =
      target.track === undefined || target.track === VIDEO_TRACK ? 'video' : target.track === BACKCHANNEL_TRACK ? 'backchannel' : target.track === AUDIO_TRACK ? 'audio' : undefined;
    if (!trackId) return reply(404);
    if (trackId === 'audio' && !this.deps.audio) return reply(404);
    if (trackId === 'backchannel' && !this.deps.backchannel.enabled) return reply(404);
    if (existing && existing.profile.token !== target.profile.token) return reply(459);
    const transportHeader = req.headers.transport ?? '';
    const session = existing ?? new RtspSession(target.profile, socket, this.deps.encoders.get(target.profile.token)!, this.deps.audio);
    session.hung = this.hung;
    let transportReply: string;
    const interleaved = /interleaved=(\d+)(?:-(\d+))?/.exec(transportHeader);
    const clientPort = /client_port=(\d+)(?:-(\d+))?/.exec(transportHeader);
    if (/RTP\/AVP\/TCP/i.test(transportHeader)) {
      const a = interleaved ? Number(interleaved[1]) : { video: 0, backchannel: 2, audio: 4 }[trackId];
      const b = interleaved?.[2] ? Number(interleaved[2]) : a + 1;
      session.tracks.set(trackId, { id: trackId, transport: { kind: 'tcp', channels: [a, b] } });
      transportReply = `RTP/AVP/TCP;unicast;interleaved=${a}-${b};ssrc=${session.ssrcHex}`;
    } else if (clientPort && !/multicast/i.test(transportHeader)) {
      const ports: [number, number] = [Number(clientPort[1]), clientPort[2] ? Number(clientPort[2]) : Number(clientPort[1]) + 1];
      const sockets = await bindUdpPair(this.deps.host);
      const clientHost = socket.remoteAddress?.replace(/^::ffff:/, '') ?? this.deps.host;
      session.tracks.set(trackId, { id: trackId, transport: { kind: 'udp', clientHost, clientPorts: ports, sockets } });
      sockets[0].on('message', (msg) => {
        session.lastSeen = Date.now();
        if (trackId === 'backchannel') session.recorder?.packet(msg);
      });
      sockets[1].on('message', () => {
        session.lastSeen = Date.now();
      });
      transportReply = `RTP/AVP;unicast;client_port=${ports[0]}-${ports[1]};server_port=${sockets[0].address().port}-${sockets[1].address().port};ssrc=${session.ssrcHex}`;
    } else {
      if (!existing) session.close();
      return reply(461);
    }
    if (trackId === 'backchannel' && !session.recorder) {
      const bc = this.deps.backchannel;
      session.recorder = new BackchannelRecorder(bc.dir, bc.cameraName, bc.stats, bc.codec ?? 'pcmu');
    }
    sessions.set(session.id, session);
    reply(200, { Session: `${session.id};timeout=${this.deps.sessionTimeoutSec ?? 60}`, Transport: transportReply });
  }

  /** Profile, aggregate base URL and track (if any) for a request URL. */
  private resolve(url: string): { profile: ProfileSpec; base: string; track: string | undefined } | undefined {
    const m = /^rtsp:\/\/[^/]+\/([^/?]+)(?:\/([^?]*))?/.exec(url);
    if (!m) return undefined;
    const profile = this.deps.profiles.find((p) => p.token === m[1]);
    if (!profile) return undefined;
    const track = m[2] ? m[2].replace(/\/$/, '') || undefined : undefined;
    return { profile, base: `rtsp://${this.deps.host}:${this.deps.port}/${profile.token}`, track };
  }
}

function parseHead(head: string): RtspRequest | undefined {
  const lines = head.split('\r\n');
  const [method, url, version] = lines[0]!.split(' ');
  if (!method || !url || !version?.startsWith('RTSP/')) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { method: method.toUpperCase(), url, headers, body: Buffer.alloc(0) };
}

function response(status: number, cseq: string, headers: Record<string, string>, body?: string): string {
  const lines = [`RTSP/1.0 ${status} ${STATUS_TEXT[status] ?? 'Error'}`, `CSeq: ${cseq}`, 'Server: community-gateway camera simulator', `Date: ${new Date().toUTCString()}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}
