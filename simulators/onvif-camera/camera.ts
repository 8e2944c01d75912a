/**
 * One simulated 360-degree PTZ camera: ONVIF over HTTP, RTSP video of the panorama, snapshots,
 * WS-Discovery and the fault/control API, wired together with one start/stop lifecycle.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrapDeg } from '../../devices/onvif-camera/protocol.js';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import type { Service } from '../../src/core/lifecycle.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { freePort } from '../../src/core/net.js';
import { VIDEO_SOURCE_TOKEN, SERVICE_PATHS, type CameraContext, type CameraUrls, type ProfileSpec } from './context.js';
import { CameraControl, type FaultState } from './control.js';
import { DigestAuth } from './digest-auth.js';
import { AudioSource } from './audio-source.js';
import { DiscoveryResponder } from './discovery.js';
import { VideoEncoder } from './encoder.js';
import { resolveOptions, type CameraSimulatorOptions, type ResolvedOptions } from './options.js';
import { PresetStore } from './presets.js';
import { PtzModel } from './ptz-model.js';
import type { BackchannelStats } from './rtsp/backchannel.js';
import { RtspServer } from './rtsp/server.js';
import { SceneRenderer, type SceneFigure } from './scene.js';
import { loadPersonSprite, type Sprite } from './scene/sprite.js';
import { scopeList } from './soap/device-service.js';
import { SoapFault } from './soap/envelope.js';
import { EventBroker, type CameraEvent } from './soap/event-broker.js';
import { OnvifHttpServer } from './soap/http-server.js';
import { UsernameTokenVerifier } from './soap/security.js';
import { encodeJpeg } from './snapshot.js';
import { buildState, type CameraState } from './state.js';
import { TOPICS } from '../../devices/onvif-camera/protocol.js';

export class CameraSimulator implements Service {
  readonly name: string;
  readonly options: ResolvedOptions;
  readonly ptz: PtzModel;
  readonly presets: PresetStore;
  readonly events = new EventBroker();
  readonly faults: FaultState;
  readonly backchannelStats: BackchannelStats = { files: [], packets: 0, samples: 0, ignoredPackets: 0 };
  readonly encoders = new Map<string, VideoEncoder>();
  readonly profiles: ProfileSpec[];
  /** The microphone (option `audio`), shared by every profile's RTSP sessions. */
  readonly audio: AudioSource | undefined;
  readonly log: Logger;
  readonly control: CameraControl;
  readonly state: CameraState;
  urls!: CameraUrls;
  http: OnvifHttpServer | undefined;
  rtsp: RtspServer | undefined;
  discovery: DiscoveryResponder | undefined;
  private readonly renderers = new Map<string, SceneRenderer>();
  private readonly lastFrames = new Map<string, Buffer>();
  private readonly ffmpegPath: string;
  private started = false;
  private readonly requestedPorts: { port: number | undefined; rtspPort: number | undefined };
  /** Figures walking through the scene, with their start time and path. */
  readonly figures = new Set<{ startedAt: number; durationMs: number; fromAz: number; toAz: number; elDeg: number; heightDeg: number; sprite?: Sprite }>();
  private personSprite: Promise<Sprite> | undefined;

  constructor(opts: CameraSimulatorOptions = {}) {
    this.options = resolveOptions(opts, opts.dataDir ? join(opts.dataDir, 'speaker') : join(tmpdir(), 'camera-sim-speaker'));
    this.name = `camera-sim:${this.options.id}`;
    this.log = opts.logger ?? silentLogger();
    this.ffmpegPath = opts.ffmpegPath ?? resolveFfmpeg().path;
    this.requestedPorts = { port: opts.port, rtspPort: opts.rtspPort };
    const o = this.options;
    this.ptz = new PtzModel(o.ptzRanges, o.ptzSpeeds, o.initialPosition);
    this.presets = new PresetStore(o.id, o.dataDir);
    this.faults = {
      http: { delayMs: 0, failNext: 0, failFault: new SoapFault('env:Receiver', ['ter:Action'], 'simulated failure') },
      clockOffsetMs: o.clockOffsetMs,
      videoFrozen: false,
      online: false,
      rebooting: false,
    };
    this.profiles = [
      { token: 'main', name: 'MainStream', ...o.main, codec: o.h265 ? 'h265' : 'h264', encoderToken: 'VideoEncoder_main' },
      { token: 'sub', name: 'SubStream', ...o.sub, codec: 'h264', encoderToken: 'VideoEncoder_sub' },
    ];
    for (const p of this.profiles) {
      this.encoders.set(p.token, new VideoEncoder({ ffmpegPath: this.ffmpegPath, profile: p, render: (prof, i) => this.renderFrame(prof, i), log: this.log, lingerMs: o.encoderLingerMs, timingSei: o.timingSei, panDeg: () => this.ptz.position().panDeg }));
    }
    this.audio = o.audio ? new AudioSource(o.audio, o.audioToneHz) : undefined;
    this.control = new CameraControl(this);
    this.state = buildState(this);
    // The motion property exists from the start: every subscriber gets its Initialized state at once.
    this.events.setProperty(this.motionEvent(false, 'Initialized'), `${TOPICS.motionAlarm}/${VIDEO_SOURCE_TOKEN}`);
  }

  cameraNow(): number {
    return Date.now() + this.faults.clockOffsetMs;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.presets.load((m) => this.log.warn(m));
    // Ports the simulator picks itself can be taken by another process between the pick and the
    // listen (outgoing connections draw from the same range): pick again and retry then.
    for (let attempt = 1; ; attempt++) {
      await this.createServers();
      this.started = true;
      try {
        await this.goOnline();
        break;
      } catch (err) {
        this.started = false;
        await this.goOffline();
        const picked = !this.requestedPorts.port || !this.requestedPorts.rtspPort;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !picked || attempt >= 5) throw err;
        this.log.debug({ attempt }, 'a picked port was taken before listening; picking again');
      }
    }
    this.control.startAutoMotion();
    this.log.info({ urls: this.urls }, 'camera simulator started');
  }

  /** Chooses the ports (when not given) and builds the HTTP, RTSP and discovery servers. */
  private async createServers(): Promise<void> {
    const o = this.options;
    const port = this.requestedPorts.port || (await freePort(o.host));
    const rtspPort = this.requestedPorts.rtspPort || (await freePort(o.host));
    const base = `http://${o.host}:${port}`;
    const rtspBase = `rtsp://${o.host}:${rtspPort}`;
    this.urls = {
      host: o.host,
      onvifPort: port,
      rtspPort,
      onvif: base + SERVICE_PATHS.device,
      media: base + SERVICE_PATHS.media,
      ptz: base + SERVICE_PATHS.ptz,
      events: base + SERVICE_PATHS.events,
      rtsp: Object.fromEntries(this.profiles.map((p) => [p.token, `${rtspBase}/${p.token}`])),
      snapshot: Object.fromEntries(this.profiles.map((p) => [p.token, `${base}${SERVICE_PATHS.snapshot}${p.token}.jpg`])),
    };
    const creds = (): { username: string; password: string } => ({ username: o.username, password: o.password });
    const ctx = this.context();
    this.http = new OnvifHttpServer({
      ctx,
      host: o.host,
      port,
      tokens: new UsernameTokenVerifier(creds, () => this.cameraNow(), o.authWindowSec * 1000),
      digest: new DigestAuth('ONVIF Camera', creds, true),
      faults: this.faults.http,
      snapshot: (token) => this.snapshot(token),
      log: this.log,
    });
    this.rtsp = new RtspServer({
      host: o.host,
      port: rtspPort,
      profiles: this.profiles,
      encoders: this.encoders,
      ...(this.audio ? { audio: this.audio } : {}),
      digest: new DigestAuth('RTSP Camera', creds, false),
      sessionName: o.name,
      backchannel: { enabled: o.backchannel, dir: o.backchannelDir, stats: this.backchannelStats, cameraName: o.id, codec: o.backchannelCodec },
      log: this.log,
    });
    if (o.discovery) {
      this.discovery = new DiscoveryResponder({
        host: o.host,
        port: o.discovery.port,
        multicast: o.discovery.multicast,
        endpointUuid: o.uuid,
        scopes: () => scopeList(ctx),
        xaddrs: () => this.urls.onvif,
        log: this.log,
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.control.dispose();
    await this.goOffline();
    this.ptz.dispose();
  }

  /** Brings every server up (start, end of a reboot, back from offline). */
  async goOnline(): Promise<void> {
    if (this.faults.online || !this.started) return;
    await this.http!.start();
    await this.rtsp!.start();
    await this.discovery?.start();
    this.faults.online = true;
  }

  /** Takes every server down: sockets closed, sessions and subscriptions gone, encoders stopped. */
  async goOffline(): Promise<void> {
    this.faults.online = false;
    this.events.clear();
    await this.discovery?.stop();
    await this.rtsp?.stop();
    await this.http?.stop();
    await Promise.all([...this.encoders.values()].map((e) => e.stop()));
    this.audio?.stop();
  }

  /** Every figure currently in the scene, at its position now. */
  figuresNow(now = performance.now()): SceneFigure[] {
    const out: SceneFigure[] = [];
    for (const f of this.figures) {
      const t = Math.min(1, (now - f.startedAt) / f.durationMs);
      out.push({ azDeg: wrapDeg(f.fromAz + (f.toAz - f.fromAz) * t), elDeg: f.elDeg, heightDeg: f.heightDeg, ...(f.sprite ? { sprite: f.sprite } : {}) });
    }
    return out;
  }

  /** The photographed person for `look: 'person'` figures, decoded once. */
  loadPersonSprite(): Promise<Sprite> {
    return (this.personSprite ??= loadPersonSprite(this.ffmpegPath));
  }

  publishMotion(state: boolean): void {
    this.events.publish(this.motionEvent(state, 'Changed'), `${TOPICS.motionAlarm}/${VIDEO_SOURCE_TOKEN}`);
  }

  private motionEvent(state: boolean, propertyOperation: 'Initialized' | 'Changed'): CameraEvent {
    return { topic: TOPICS.motionAlarm, utcTime: this.cameraNow(), propertyOperation, source: { Source: VIDEO_SOURCE_TOKEN }, data: { State: String(state) } };
  }

  /** One yuv420p frame of a profile as the camera sees it now. */
  renderFrame(profile: ProfileSpec, frameIndex: number): Buffer {
    const last = this.lastFrames.get(profile.token);
    if (this.faults.videoFrozen && last) return last;
    let renderer = this.renderers.get(profile.token);
    if (!renderer) {
      renderer = new SceneRenderer(profile.width, profile.height);
      this.renderers.set(profile.token, renderer);
    }
    const view = this.ptz.position();
    const wallMs = Date.now();
    const frame = renderer.render(view, {
      stamp: { frame: frameIndex, wallMs, ...view },
      caption: `${new Date(this.cameraNow()).toISOString().slice(0, 19).replace('T', ' ')} ${this.options.name} P${view.panDeg.toFixed(1)} T${view.tiltDeg.toFixed(1)} Z${view.zoom.toFixed(1)}X`,
      figures: this.figuresNow(),
    });
    this.lastFrames.set(profile.token, frame);
    return frame;
  }

  private async snapshot(token: string): Promise<Buffer> {
    const profile = this.profiles.find((p) => p.token === token)!;
    return encodeJpeg(this.ffmpegPath, profile, this.renderFrame(profile, 0));
  }

  private context(): CameraContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const sim = this;
    return {
      identity: {
        name: sim.options.name,
        manufacturer: sim.options.manufacturer,
        model: sim.options.model,
        firmwareVersion: '1.0.0-sim',
        serialNumber: `SIM-${sim.options.uuid.slice(0, 8).toUpperCase()}`,
        hardwareId: 'PTZ360',
        location: sim.options.location,
        uuid: sim.options.uuid,
      },
      profiles: sim.profiles,
      get urls() {
        return sim.urls;
      },
      ptz: sim.ptz,
      presets: sim.presets,
      events: sim.events,
      presetsSupported: sim.options.presets,
      behaviours: sim.options.behaviours,
      backchannel: sim.options.backchannel,
      cameraNow: () => sim.cameraNow(),
      reboot: (seconds) => void sim.control.reboot(seconds),
      rebootSeconds: sim.options.rebootSeconds,
    };
  }
}
