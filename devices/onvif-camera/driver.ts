/**
 * The ONVIF camera driver: everything the gateway asks of a camera, over the npm `onvif` client.
 * It connects with clock-offset compensation, reads what the camera can do and refuses what it
 * cannot with a clear NotSupportedError, re-reads the camera's clock when a call is refused for
 * its timestamp, retries once on a stale keep-alive socket, and maps every failure to the
 * gateway's errors. Passwords never leave this object except inside RTSP URLs for ffmpeg.
 */
import { DeviceUnavailableError, NotSupportedError, TimeoutError, UserError } from '../../src/core/errors.js';
import { readCapabilities, type CameraCapabilities, type ProfileInfo } from './capabilities.js';
import { clockOffsetMs, isAuthFailure, resyncClock } from './clock.js';
import { PullPointLoop, type CameraEvent, type EventHealth, type PullPointOptions } from './events.js';
import { checkMediaHost, fetchSnapshot } from './media-fetch.js';
import { OnvifCallError, OnvifClient } from './onvif-client.js';
import type { CameraPreset, DeviceInformation, PtzPosition, PtzStatus, PtzVector } from './driver-types.js';
import { formatXmlDuration } from './protocol.js';
import { withCredentials, xmlEscape } from './xml-text.js';

/** The camera answers, but refuses the configured user name or password. */
export class CameraLoginRefusedError extends UserError {
  constructor(label: string, operation: string) {
    super('camera.login-refused', { camera: label, operation }, 502, 'camera_auth');
    this.name = 'CameraLoginRefusedError';
  }
}

export interface OnvifCameraOptions {
  /** Camera id, used in error messages. */
  label: string;
  host: string;
  port: number;
  path?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Per-request timeout, ms: also the total deadline of every SOAP call and snapshot. */
  requestTimeoutMs: number;
  /** Hosts besides `host` that snapshot and RTSP URLs may name (the password goes there too). */
  mediaHosts?: readonly string[] | undefined;
  /** Largest snapshot accepted, bytes. Default 8 MiB. */
  maxSnapshotBytes?: number | undefined;
}

type Capability = 'ptz' | 'continuousMove' | 'absoluteMove' | 'relativeMove' | 'zoom' | 'presets' | 'home' | 'snapshot' | 'events';

const CAPABILITY_TEXT: Record<Capability, string> = {
  ptz: 'pan/tilt/zoom',
  continuousMove: 'continuous moves',
  absoluteMove: 'absolute moves',
  relativeMove: 'relative moves',
  zoom: 'zoom',
  presets: 'presets',
  home: 'a home position',
  snapshot: 'snapshots',
  events: 'events',
};

interface RawStatus {
  position: { x: number | string; y: number | string; zoom: number | string };
  moveStatus?: { panTilt?: string; zoom?: string } | string;
}

interface RawPreset {
  $: { token: string };
  name?: string;
  PTZPosition?: { panTilt?: { $?: { x?: string; y?: string } }; zoom?: { $?: { x?: string } } };
}

export class OnvifCameraDriver {
  private client: OnvifClient | undefined;
  private caps: CameraCapabilities | undefined;
  private events: PullPointLoop | undefined;
  private readonly writeListeners = new Set<(body: string) => void>();

  constructor(readonly options: OnvifCameraOptions) {}


  /** Connects (closing any earlier connection) and reads the camera's capabilities. */
  async connect(): Promise<CameraCapabilities> {
    this.close();
    const { host, port, path, username, password, requestTimeoutMs } = this.options;
    const client = new OnvifClient({ host, port, path, username, password, timeoutMs: requestTimeoutMs, deadlineMs: requestTimeoutMs });
    this.client = client;
    client.onRequestWritten((body) => {
      for (const l of this.writeListeners) l(body);
    });
    try {
      await this.guard('connect', () => client.connect(), false);
      // Many cameras answer GetServices without a login, and the client's connect swallows the
      // NotAuthorized of GetProfiles: no profiles means "ask again and see why".
      if ((client.cam.profiles ?? []).length === 0) await this.guard('GetProfiles', (c) => c.call('getProfiles'), false);
      this.caps = await readCapabilities(client);
      return this.caps;
    } catch (err) {
      if (this.client === client) this.close();
      throw err;
    }
  }

  get connected(): boolean {
    return this.client !== undefined && this.caps !== undefined && !this.client.isClosed;
  }

  get capabilities(): CameraCapabilities {
    if (!this.caps) throw new DeviceUnavailableError('camera.not-connected', { camera: this.options.label });
    return this.caps;
  }

  /** Maker, model, firmware, serial number (GetDeviceInformation). */
  async deviceInformation(): Promise<DeviceInformation> {
    const info = await this.guard('GetDeviceInformation', (c) => c.call<Record<string, unknown>>('getDeviceInformation'));
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 128) : null);
    return { manufacturer: text(info?.manufacturer), model: text(info?.model), firmwareVersion: text(info?.firmwareVersion), serialNumber: text(info?.serialNumber), hardwareId: text(info?.hardwareId) };
  }

  /** The camera's clock minus the gateway's, ms. */
  get clockOffsetMs(): number {
    return this.client ? clockOffsetMs(this.client) : 0;
  }

  /** Called synchronously just before every SOAP request's bytes are written (benchmarks, tests). */
  onRequestWritten(listener: (body: string) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** How the camera's event subscription is doing (null when events are not running). */
  get eventHealth(): EventHealth | null {
    return this.events ? { ...this.events.health } : null;
  }

  /** Unsubscribes what the camera holds for us (bounded), then closes. For a clean stop. */
  async shutdown(): Promise<void> {
    const events = this.events;
    this.events = undefined;
    await events?.stop().catch(() => {});
    this.close();
  }

  close(): void {
    this.events?.halt();
    this.events = undefined;
    this.client?.close();
    this.client = undefined;
    this.caps = undefined;
  }

  /** A cheap call that proves the camera answers and accepts our credentials. */
  async ping(): Promise<void> {
    await this.guard('GetSystemDateAndTime', (c) => c.call('getSystemDateAndTime'));
  }

  /** Velocities -1..1; the camera stops by itself after `timeoutMs` unless told again. */
  async continuousMove(v: PtzVector, timeoutMs: number): Promise<void> {
    const caps = this.need('continuousMove');
    const zoom = caps.zoom ? v.zoom : 0;
    await this.guard('ContinuousMove', (c) =>
      c.request(
        'ptz',
        'http://www.onvif.org/ver20/ptz/wsdl/ContinuousMove',
        `<ContinuousMove xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>${xmlEscape(caps.ptzProfileToken!)}</ProfileToken><Velocity>` +
          `<PanTilt x="${num(v.pan)}" y="${num(v.tilt)}" xmlns="http://www.onvif.org/ver10/schema"/>` +
          (caps.zoom ? `<Zoom x="${num(zoom)}" xmlns="http://www.onvif.org/ver10/schema"/>` : '') +
          `</Velocity><Timeout>${formatXmlDuration(timeoutMs)}</Timeout></ContinuousMove>`,
      ),
    );
  }

  async stop(): Promise<void> {
    const caps = this.need('ptz');
    await this.guard('Stop', (c) =>
      c.request(
        'ptz',
        'http://www.onvif.org/ver20/ptz/wsdl/Stop',
        `<Stop xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>${xmlEscape(caps.ptzProfileToken!)}</ProfileToken><PanTilt>true</PanTilt><Zoom>true</Zoom></Stop>`,
      ),
    );
  }

  async absoluteMove(p: Partial<PtzPosition>, speed?: number): Promise<void> {
    const caps = this.need('absoluteMove');
    if (p.zoom !== undefined && !caps.zoom) throw this.unsupported('zoom');
    const current = p.x === undefined || p.y === undefined ? (await this.status()).position : undefined;
    await this.guard('AbsoluteMove', (c) =>
      c.call('absoluteMove', {
        profileToken: caps.ptzProfileToken,
        x: p.x ?? current!.x,
        y: p.y ?? current!.y,
        ...(p.zoom !== undefined ? { zoom: p.zoom } : { onlySendPanTilt: true }),
        ...(speed !== undefined ? { speed: { x: speed, y: speed, zoom: speed } } : {}),
      }),
    );
  }

  async relativeMove(t: Partial<PtzPosition>, speed?: number): Promise<void> {
    const caps = this.need('relativeMove');
    if (t.zoom && !caps.zoom) throw this.unsupported('zoom');
    await this.guard('RelativeMove', (c) =>
      c.call('relativeMove', {
        profileToken: caps.ptzProfileToken,
        x: t.x ?? 0,
        y: t.y ?? 0,
        zoom: t.zoom ?? 0,
        ...(speed !== undefined ? { speed: { x: speed, y: speed, zoom: speed } } : {}),
      }),
    );
  }

  /** Zoom only, to an absolute position 0..1. */
  async zoomTo(zoom: number, speed?: number): Promise<void> {
    const caps = this.need('zoom');
    if (!caps.absoluteMove) throw this.unsupported('absoluteMove');
    await this.guard('AbsoluteMove', (c) =>
      c.call('absoluteMove', { profileToken: caps.ptzProfileToken, zoom, onlySendZoom: true, ...(speed !== undefined ? { speed: { zoom: speed } } : {}) }),
    );
  }

  async status(): Promise<PtzStatus> {
    const caps = this.need('ptz');
    const raw = await this.guard('GetStatus', (c) => c.call<RawStatus>('getStatus', { profileToken: caps.ptzProfileToken }));
    const ms = raw.moveStatus;
    const states = typeof ms === 'string' ? [ms] : [ms?.panTilt, ms?.zoom].filter((s): s is string => typeof s === 'string');
    const moving = states.length === 0 || states.every((s) => s === 'UNKNOWN') ? undefined : states.some((s) => s === 'MOVING');
    return { position: { x: Number(raw.position.x), y: Number(raw.position.y), zoom: Number(raw.position.zoom) }, moving };
  }

  async gotoHome(speed?: number): Promise<void> {
    const caps = this.need('home');
    await this.guard('GotoHomePosition', (c) =>
      c.call('gotoHomePosition', { profileToken: caps.ptzProfileToken, ...(speed !== undefined ? { speed: { x: speed, y: speed, zoom: speed } } : {}) }),
    );
  }

  async setHome(): Promise<void> {
    const caps = this.need('home');
    await this.guard('SetHomePosition', (c) => c.call('setHomePosition', { profileToken: caps.ptzProfileToken }));
  }

  async presets(): Promise<CameraPreset[]> {
    const caps = this.need('presets');
    const raw = await this.guard('GetPresets', (c) => c.call<Record<string, RawPreset>>('getPresets', { profileToken: caps.ptzProfileToken }));
    return Object.values(raw).map((p) => {
      const pt = p.PTZPosition?.panTilt?.$;
      const z = p.PTZPosition?.zoom?.$;
      return {
        token: p.$.token,
        name: String(p.name ?? p.$.token),
        position: pt ? { x: Number(pt.x), y: Number(pt.y), zoom: Number(z?.x ?? 0) } : null,
      };
    });
  }

  /** Saves the current position as a new preset (no token) or over an existing one; returns its token. */
  async setPreset(name: string, token?: string): Promise<string> {
    const caps = this.need('presets');
    const answer = await this.guard(
      'SetPreset',
      (c) =>
        c.request(
          'ptz',
          'http://www.onvif.org/ver20/ptz/wsdl/SetPreset',
          `<SetPreset xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>${xmlEscape(caps.ptzProfileToken!)}</ProfileToken>` +
            `<PresetName>${xmlEscape(name)}</PresetName>${token ? `<PresetToken>${xmlEscape(token)}</PresetToken>` : ''}</SetPreset>`,
        ),
      token !== undefined,
    );
    const found = /"presetToken":\["?([^"\]]+)"?\]/.exec(JSON.stringify(answer))?.[1];
    if (found) return found;
    if (token) return token;
    throw new UserError('camera.preset-no-token', { camera: this.options.label }, 502, 'camera_fault');
  }

  async gotoPreset(token: string, speed?: number): Promise<void> {
    const caps = this.need('presets');
    await this.guard('GotoPreset', (c) =>
      c.call('gotoPreset', { profileToken: caps.ptzProfileToken, preset: xmlEscape(token), ...(speed !== undefined ? { speed: { x: speed, y: speed, zoom: speed } } : {}) }),
    );
  }

  async removePreset(token: string): Promise<void> {
    const caps = this.need('presets');
    await this.guard('RemovePreset', (c) => c.call('removePreset', { profileToken: caps.ptzProfileToken, presetToken: xmlEscape(token) }));
  }

  profile(token: string): ProfileInfo | undefined {
    return this.capabilities.profiles.find((p) => p.token === token);
  }

  /** The RTSP URL of a profile with the camera's credentials inserted: for ffmpeg only. */
  async streamUriWithCredentials(profileToken: string): Promise<string> {
    const raw = await this.guard('GetStreamUri', (c) => c.call<{ uri: string }>('getStreamUri', { protocol: 'RTSP', profileToken }));
    checkMediaHost(raw.uri, 'stream', this.options);
    return withCredentials(raw.uri, this.options.username, this.options.password);
  }

  /** Tokens of the camera's audio outputs (GetAudioOutputs): a loudspeaker for the backchannel. */
  async audioOutputs(): Promise<string[]> {
    const answer = await this.guard('GetAudioOutputs', (c) => c.request('media', 'http://www.onvif.org/ver10/media/wsdl/GetAudioOutputs', '<GetAudioOutputs xmlns="http://www.onvif.org/ver10/media/wsdl"/>'));
    return [...JSON.stringify(answer ?? null).matchAll(/"token":"([^"]{1,64})"/g)].map((m) => m[1]!).slice(0, 16);
  }

  async snapshot(profileToken: string): Promise<{ contentType: string; body: Buffer }> {
    this.need('snapshot');
    const { uri } = await this.guard('GetSnapshotUri', (c) => c.call<{ uri: string }>('getSnapshotUri', { profileToken }));
    checkMediaHost(uri, 'snapshot', this.options);
    return fetchSnapshot(uri, this.options);
  }

  /** Starts the PullPoint loop; events arrive until close() or stopEvents(). */
  startEvents(onEvent: (e: CameraEvent) => void, onError: (err: unknown) => void, options?: PullPointOptions): void {
    if (!this.capabilities.events || !this.client) return;
    this.events?.halt();
    this.events = new PullPointLoop(this.client, onEvent, onError, options);
    this.events.start();
  }

  private need(capability: Capability): CameraCapabilities {
    const caps = this.capabilities;
    // Without PTZ at all, say so: the PTZ node was never read.
    if (capability !== 'ptz' && capability !== 'snapshot' && capability !== 'events' && !caps.ptz) throw this.unsupported('ptz');
    if (!caps[capability]) throw this.unsupported(capability);
    return caps;
  }

  /** The reason states what was observed (capabilities.reasons), not a guess. */
  private unsupported(capability: Capability): NotSupportedError {
    const observed = this.caps?.reasons?.[capability];
    const text = observed ? `${CAPABILITY_TEXT[capability]} (${observed})` : CAPABILITY_TEXT[capability];
    return new NotSupportedError('camera.not-supported', { camera: this.options.label, feature: text });
  }

  /** Runs one call: re-reads the clock and retries once when refused; retries once on a stale socket. */
  private async guard<T>(operation: string, fn: (c: OnvifClient) => Promise<T>, retryOnReset = true): Promise<T> {
    const client = this.client;
    if (!client) throw new DeviceUnavailableError('camera.not-connected', { camera: this.options.label });
    try {
      return await fn(client);
    } catch (first) {
      if (client.isClosed) throw this.mapError(first, operation);
      const e = first as OnvifCallError;
      if (isAuthFailure(e) && operation !== 'connect') {
        try {
          await resyncClock(client);
          return await fn(client);
        } catch (second) {
          throw this.mapError(second, operation);
        }
      }
      if (retryOnReset && e.network && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
        try {
          return await fn(client);
        } catch (second) {
          throw this.mapError(second, operation);
        }
      }
      throw this.mapError(first, operation);
    }
  }

  private mapError(err: unknown, operation: string): Error {
    if (err instanceof UserError) return err;
    const e = err as OnvifCallError;
    const label = this.options.label;
    if (e.code === 'ETOOLARGE' || (e.code?.startsWith('HTTP_') && !isAuthFailure(e))) return new UserError('camera.failed', { camera: label, operation, reason: e.message }, 502, 'camera_fault');
    if (e.network) {
      if (/timeout/i.test(e.message) || e.code === 'ETIMEDOUT') return new TimeoutError('camera.timeout', { camera: label, operation });
      return new DeviceUnavailableError('camera.unreachable', { camera: label, operation, reason: e.code ?? e.message });
    }
    if (e.faults?.includes('ter:ActionNotSupported') || /Not Implemented|not supported/i.test(e.message ?? '')) {
      return new NotSupportedError('camera.operation-unsupported', { camera: label, operation, reason: e.message });
    }
    if (isAuthFailure(e)) return new CameraLoginRefusedError(label, operation);
    return new UserError('camera.refused', { camera: label, operation, reason: e.message }, 502, 'camera_fault', e.faults?.length ? { faults: e.faults } : undefined);
  }
}

function num(v: number): string {
  return String(Math.round(Math.max(-1, Math.min(1, v)) * 1e4) / 1e4);
}

export type { CameraCapabilities, ProfileInfo } from './capabilities.js';
export type { CameraPreset, DeviceInformation, PtzPosition, PtzStatus, PtzVector } from './driver-types.js';
export type { CameraEvent } from './events.js';
