import type { MqttDeviceConfig } from '../config/schema.js';
import { UserError } from '../core/errors.js';
import type { DevicePresenceTracker } from '../mqtt/device-presence.js';
import type { PublishTargets } from '../../devices/mqtt-speaker/driver.js';
import { SPEAKER_KIND, type SpeakerState } from '../../devices/mqtt-speaker/protocol.js';
import type { CameraSpeakerTargets } from './camera-speakers/camera-targets.js';
import type { JobTargets } from './job.js';
import { isCameraTarget, type SpeakerOutput } from './speaker-output.js';

export interface SpeakerView {
  id: string;
  /** `speaker`: an MQTT speaker; `camera`: a camera's own loudspeaker (ONVIF backchannel). */
  kind: 'speaker' | 'camera';
  /** A camera loudspeaker: the camera's id and display name. */
  cameraId?: string;
  name?: string;
  groups: string[];
  availability: 'online' | 'offline' | 'unknown';
  /** When the availability last changed (null: never seen). */
  since: string | null;
  state: SpeakerState | null;
}

export interface ResolvedTargets {
  /** Every speaker reached. */
  speakers: string[];
  online: string[];
  offline: string[];
  /** Topics to publish to: each named group once, plus named speakers outside those groups (camera loudspeakers always by name). */
  publish: PublishTargets;
}

/**
 * The configured speakers (`mqtt.devices` of kind speakers, and the camera loudspeakers whose
 * backchannel answered) and their groups: resolves what an officer names (speaker ids, group
 * names) into speakers and the fewest topics that reach them.
 */
export class SpeakerDirectory {
  private readonly groups = new Map<string, string[]>();
  private readonly speakerGroups = new Map<string, string[]>();

  constructor(
    devices: readonly MqttDeviceConfig[],
    private readonly presence: DevicePresenceTracker,
    private readonly driver: SpeakerOutput,
    private readonly cameras?: CameraSpeakerTargets,
  ) {
    for (const d of devices) {
      if (d.kind !== SPEAKER_KIND) continue;
      this.speakerGroups.set(d.id, [...d.groups]);
      for (const g of d.groups) this.groups.set(g, [...(this.groups.get(g) ?? []), d.id]);
    }
  }

  list(): SpeakerView[] {
    const speakers: SpeakerView[] = [...this.speakerGroups].map(([id, groups]) => ({
      id,
      kind: 'speaker',
      groups,
      availability: this.presence.get(SPEAKER_KIND, id)?.availability ?? 'unknown',
      since: this.presence.get(SPEAKER_KIND, id)?.since ?? null,
      state: this.driver.state(id) ?? null,
    }));
    const cameras: SpeakerView[] = (this.cameras?.offered() ?? []).map((c) => ({
      id: c.id,
      kind: 'camera',
      cameraId: c.cameraId,
      name: c.name,
      groups: c.groups,
      availability: c.online ? 'online' : 'offline',
      since: c.since,
      state: this.driver.state(c.id) ?? null,
    }));
    return [...speakers, ...cameras];
  }

  groupList(): Array<{ name: string; speakers: string[] }> {
    return [...this.allGroups()].map(([name, speakers]) => ({ name, speakers })).sort((a, b) => a.name.localeCompare(b.name));
  }

  isOnline(id: string): boolean {
    if (isCameraTarget(id)) return this.cameras?.isOnline(id) ?? false;
    return this.presence.get(SPEAKER_KIND, id)?.availability === 'online';
  }

  resolve(targets: JobTargets): ResolvedTargets {
    const groupsNow = this.allGroups();
    const offeredCameras = new Set((this.cameras?.offered() ?? []).map((c) => c.id));
    for (const id of targets.speakers) {
      const camera = isCameraTarget(id) ? this.cameras?.byTarget(id) : undefined;
      if (camera && !offeredCameras.has(id)) throw new UserError('camera-speaker.unavailable', { camera: camera.name, reason: camera.reason ?? 'it has not been checked yet' }, 409, 'target_unavailable');
    }
    const unknownSpeakers = targets.speakers.filter((id) => !this.speakerGroups.has(id) && !offeredCameras.has(id));
    const unknownGroups = targets.groups.filter((g) => !groupsNow.has(g) && !this.cameraGroupNames().has(g));
    if (unknownSpeakers.length || unknownGroups.length) {
      const known = [...groupsNow.keys()].join(', ') || 'none';
      const details = { speakers: unknownSpeakers, groups: unknownGroups };
      if (unknownSpeakers.length) throw new UserError('speakers.unknown', { speakers: unknownSpeakers.join(', '), known }, 400, 'unknown_target', details);
      throw new UserError('groups.unknown', { groups: unknownGroups.join(', '), known }, 400, 'unknown_target', details);
    }
    if (targets.speakers.length + targets.groups.length === 0) throw new UserError('speakers.no-target');
    const groups = [...new Set(targets.groups)];
    const inGroups = new Set(groups.flatMap((g) => groupsNow.get(g) ?? []));
    const single = [...new Set(targets.speakers)].filter((id) => !inGroups.has(id));
    const speakers = [...new Set([...inGroups, ...single])].sort();
    // Camera loudspeakers have no group topic: they are reached by name, also through a group.
    const named = [...new Set([...single, ...speakers.filter(isCameraTarget)])];
    return {
      speakers,
      online: speakers.filter((s) => this.isOnline(s)),
      offline: speakers.filter((s) => !this.isOnline(s)),
      publish: { groups: groups.filter((g) => this.groups.has(g)), speakers: named },
    };
  }

  /** Groups of the MQTT speakers with the offered camera loudspeakers added. */
  private allGroups(): Map<string, string[]> {
    const all = new Map([...this.groups].map(([g, members]) => [g, [...members]]));
    for (const c of this.cameras?.offered() ?? []) for (const g of c.groups) all.set(g, [...(all.get(g) ?? []), c.id]);
    return all;
  }

  /** Groups named by any configured camera loudspeaker (known even while none of them is offered). */
  private cameraGroupNames(): Set<string> {
    return new Set((this.cameras?.views() ?? []).flatMap((c) => c.groups));
  }
}
