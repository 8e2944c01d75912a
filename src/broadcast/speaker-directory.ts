import type { MqttDeviceConfig } from '../config/schema.js';
import { UserError } from '../core/errors.js';
import type { DevicePresenceTracker } from '../mqtt/device-presence.js';
import type { MqttSpeakerDriver, PublishTargets } from '../../devices/mqtt-speaker/driver.js';
import { SPEAKER_KIND, type SpeakerState } from '../../devices/mqtt-speaker/protocol.js';
import type { JobTargets } from './job.js';

export interface SpeakerView {
  id: string;
  groups: string[];
  availability: 'online' | 'offline' | 'unknown';
  state: SpeakerState | null;
}

export interface ResolvedTargets {
  /** Every speaker reached. */
  speakers: string[];
  online: string[];
  offline: string[];
  /** Topics to publish to: each named group once, plus named speakers outside those groups. */
  publish: PublishTargets;
}

/**
 * The configured speakers (`mqtt.devices` of kind speakers) and their groups: resolves what an
 * officer names (speaker ids, group names) into speakers and the fewest topics that reach them.
 */
export class SpeakerDirectory {
  private readonly groups = new Map<string, string[]>();
  private readonly speakerGroups = new Map<string, string[]>();

  constructor(
    devices: readonly MqttDeviceConfig[],
    private readonly presence: DevicePresenceTracker,
    private readonly driver: MqttSpeakerDriver,
  ) {
    for (const d of devices) {
      if (d.kind !== SPEAKER_KIND) continue;
      this.speakerGroups.set(d.id, [...d.groups]);
      for (const g of d.groups) this.groups.set(g, [...(this.groups.get(g) ?? []), d.id]);
    }
  }

  list(): SpeakerView[] {
    return [...this.speakerGroups].map(([id, groups]) => ({
      id,
      groups,
      availability: this.presence.get(SPEAKER_KIND, id)?.availability ?? 'unknown',
      state: this.driver.state(id) ?? null,
    }));
  }

  groupList(): Array<{ name: string; speakers: string[] }> {
    return [...this.groups].map(([name, speakers]) => ({ name, speakers })).sort((a, b) => a.name.localeCompare(b.name));
  }

  isOnline(id: string): boolean {
    return this.presence.get(SPEAKER_KIND, id)?.availability === 'online';
  }

  resolve(targets: JobTargets): ResolvedTargets {
    const unknownSpeakers = targets.speakers.filter((id) => !this.speakerGroups.has(id));
    const unknownGroups = targets.groups.filter((g) => !this.groups.has(g));
    if (unknownSpeakers.length || unknownGroups.length) {
      const known = [...this.groups.keys()].join(', ') || 'none';
      const details = { speakers: unknownSpeakers, groups: unknownGroups };
      if (unknownSpeakers.length) throw new UserError('speakers.unknown', { speakers: unknownSpeakers.join(', '), known }, 400, 'unknown_target', details);
      throw new UserError('groups.unknown', { groups: unknownGroups.join(', '), known }, 400, 'unknown_target', details);
    }
    if (targets.speakers.length + targets.groups.length === 0) throw new UserError('speakers.no-target');
    const groups = [...new Set(targets.groups)];
    const inGroups = new Set(groups.flatMap((g) => this.groups.get(g) ?? []));
    const single = [...new Set(targets.speakers)].filter((id) => !inGroups.has(id));
    const speakers = [...new Set([...inGroups, ...single])].sort();
    return {
      speakers,
      online: speakers.filter((s) => this.isOnline(s)),
      offline: speakers.filter((s) => !this.isOnline(s)),
      publish: { groups, speakers: single },
    };
  }
}
