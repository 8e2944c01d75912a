/** A live, read-only view of a simulated camera for tests and demos. */
import type { PtzPhysical } from '../../devices/onvif-camera/protocol.js';
import type { CameraSimulator } from './camera.js';
import type { Preset } from './presets.js';
import type { PtzStatusSnapshot } from './ptz-model.js';
import type { BackchannelStats } from './rtsp/backchannel.js';
import type { SoapCallRecord } from './soap/http-server.js';

export interface EncoderState {
  running: boolean;
  readers: number;
  /** How many times ffmpeg was started for this profile. */
  runs: number;
  framesEncoded: number;
}

export interface CameraState {
  readonly online: boolean;
  readonly rebooting: boolean;
  readonly ptz: PtzStatusSnapshot;
  readonly presets: readonly Preset[];
  readonly home: PtzPhysical | null;
  readonly clockOffsetMs: number;
  /** The camera's clock now, ms since epoch. */
  readonly cameraTime: number;
  readonly videoFrozen: boolean;
  readonly rtspSessions: number;
  readonly playingSessions: number;
  readonly rtspRequests: Readonly<Record<string, number>>;
  /** Ports named in the request URLs of the open RTSP connections (a relay in front of the client names its own). */
  readonly rtspRequestUrlPorts: readonly number[];
  /** The microphone (option `audio`): its codec, packets made, and the tracks each open RTSP session set up. */
  readonly audio: { codec: string | null; packets: number; sessionTracks: ReadonlyArray<readonly string[]> };
  readonly encoders: Readonly<Record<string, EncoderState>>;
  readonly eventSubscriptions: number;
  /** The most subscriptions held at once (control.resetPeakSubscriptions() starts again). */
  readonly peakEventSubscriptions: number;
  readonly eventsPublished: number;
  readonly figuresInScene: number;
  /** The last 500 SOAP calls, oldest first. */
  readonly soapCalls: readonly SoapCallRecord[];
  readonly backchannel: Readonly<BackchannelStats>;
  readonly probesAnswered: number;
}

export function buildState(cam: CameraSimulator): CameraState {
  return {
    get online() {
      return cam.faults.online;
    },
    get rebooting() {
      return cam.faults.rebooting;
    },
    get ptz() {
      return cam.ptz.status();
    },
    get presets() {
      return cam.presets.list();
    },
    get home() {
      return cam.presets.home;
    },
    get clockOffsetMs() {
      return cam.faults.clockOffsetMs;
    },
    get cameraTime() {
      return cam.cameraNow();
    },
    get videoFrozen() {
      return cam.faults.videoFrozen;
    },
    get rtspSessions() {
      return cam.rtsp?.sessions.length ?? 0;
    },
    get playingSessions() {
      return cam.rtsp?.sessions.filter((s) => s.playing).length ?? 0;
    },
    get rtspRequests() {
      return { ...(cam.rtsp?.requestCounts ?? {}) };
    },
    get rtspRequestUrlPorts() {
      return cam.rtsp?.requestUrlPorts ?? [];
    },
    get audio() {
      return { codec: cam.audio?.codec ?? null, packets: cam.audio?.packetsMade ?? 0, sessionTracks: (cam.rtsp?.sessions ?? []).map((s) => [...s.tracks.keys()]) };
    },
    get encoders() {
      return Object.fromEntries(
        [...cam.encoders].map(([token, e]) => [token, { running: e.running, readers: e.readers, runs: e.runs, framesEncoded: e.framesEncoded }]),
      );
    },
    get eventSubscriptions() {
      return cam.events.subscriptionCount;
    },
    get peakEventSubscriptions() {
      return cam.events.peakSubscriptionCount;
    },
    get eventsPublished() {
      return cam.events.publishedCount;
    },
    get figuresInScene() {
      return cam.figures.size;
    },
    get soapCalls() {
      return cam.http?.calls ?? [];
    },
    get backchannel() {
      return cam.backchannelStats;
    },
    get probesAnswered() {
      return cam.discovery?.probesAnswered ?? 0;
    },
  };
}
