import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Service } from '../../src/core/lifecycle.js';
import type { Logger } from '../../src/core/logger.js';
import type { CommunityContext, CommunityMember } from '../community.js';
import { SimulatedSpeaker } from './speaker.js';

/** What the guard room calls the demo's speakers and groups (the config's display names). */
const DEMO_SPEAKER_NAMES: Record<string, string> = { 'gate-east-speaker': '东门音柱', 'gate-west-speaker': '西门音柱', 'lobby-a-speaker': 'A栋大堂音柱', 'lobby-b-speaker': 'B栋大堂音柱' };
const DEMO_GROUP_NAMES: Record<string, string> = { all: '全部音柱', gates: '各出入口', 'gate-east': '东门', 'gate-west': '西门', 'building-a': 'A栋', 'building-b': 'B栋' };

export interface SpeakerSpec {
  id: string;
  password: string;
  groups: readonly string[];
  nativeTts?: readonly string[];
  codecs?: readonly string[];
}

export interface SpeakerFleetOptions {
  speakers: readonly SpeakerSpec[];
  baseTopic: string;
  /** Recordings go to `<dataDir>/<speaker id>/<job id>.wav`. */
  dataDir: string;
  nativeTtsMsPerChar?: number;
  log?: Logger;
}

/** N simulated speakers, started and stopped together. */
export class SpeakerFleet implements Service {
  readonly name = 'speaker-fleet';
  readonly speakers: SimulatedSpeaker[];

  constructor(options: SpeakerFleetOptions) {
    this.speakers = options.speakers.map(
      (s) =>
        new SimulatedSpeaker({
          id: s.id,
          password: s.password,
          groups: s.groups,
          baseTopic: options.baseTopic,
          recordDir: join(options.dataDir, s.id),
          ...(s.nativeTts ? { nativeTts: s.nativeTts } : {}),
          ...(s.codecs ? { codecs: s.codecs } : {}),
          ...(options.nativeTtsMsPerChar ? { nativeTtsMsPerChar: options.nativeTtsMsPerChar } : {}),
          ...(options.log ? { log: options.log } : {}),
        }),
    );
  }

  get(id: string): SimulatedSpeaker {
    const speaker = this.speakers.find((s) => s.id === id);
    if (!speaker) throw new Error(`no simulated speaker ${id}`);
    return speaker;
  }

  async start(env?: { mqttUrl: string }): Promise<void> {
    await Promise.all(this.speakers.map((s) => s.start(env)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.speakers.map((s) => s.stop()));
  }
}

/** The demo community's speakers: two gates and two lobbies, every one in group `all`. */
const DEMO_SPEAKERS: ReadonlyArray<Omit<SpeakerSpec, 'password'>> = [
  { id: 'gate-east-speaker', groups: ['all', 'gates', 'gate-east'] },
  { id: 'gate-west-speaker', groups: ['all', 'gates', 'gate-west'] },
  { id: 'lobby-a-speaker', groups: ['all', 'building-a'] },
  { id: 'lobby-b-speaker', groups: ['all', 'building-b'], nativeTts: ['en'] },
];

/** Passwords are generated once and kept in the simulator's data dir, so restarts reuse them. */
function demoCredentials(dir: string): Record<string, string> {
  const file = join(dir, 'credentials.json');
  const known = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const s of DEMO_SPEAKERS) {
    if (!known[s.id]) {
      known[s.id] = randomBytes(12).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(known, null, 2), { mode: 0o600 });
  }
  return known;
}

/** `speakers` member of the simulated community (`npm start`, `community-gateway sim speakers`). */
export async function createSpeakerMember(ctx: CommunityContext, baseTopic = 'community'): Promise<CommunityMember> {
  const dir = join(ctx.dataDir, 'speakers');
  const passwords = demoCredentials(dir);
  const specs = DEMO_SPEAKERS.map((s) => ({ ...s, password: passwords[s.id]! }));
  const fleet = new SpeakerFleet({ speakers: specs, baseTopic, dataDir: join(dir, 'recordings'), log: ctx.log });
  return {
    name: 'speakers',
    gatewayConfig: () => ({
      names: { groups: DEMO_GROUP_NAMES },
      mqtt: { devices: specs.map((s) => ({ id: s.id, kind: 'speakers', password: s.password, groups: [...s.groups], ...(DEMO_SPEAKER_NAMES[s.id] ? { name: DEMO_SPEAKER_NAMES[s.id] } : {}) })) },
    }),
    start: (env) => fleet.start(env),
    stop: () => fleet.stop(),
    describe: () => specs.map((s) => `speaker ${s.id} (groups ${s.groups.join(', ')}${s.nativeTts ? '; native TTS' : ''}) records to ${join(dir, 'recordings', s.id)}`),
  };
}
