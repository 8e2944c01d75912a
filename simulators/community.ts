import type { Logger } from '../src/core/logger.js';
import { freePort } from '../src/core/net.js';
import { createAlarmDevicesMember } from './alarm-button/member.js';
import { createBarrierMember } from './barrier/member.js';
import { createCameraMember } from './cameras-member.js';
import { createSpeakerMember } from './speaker/fleet.js';

/**
 * The simulated community that `npm start` (demo mode) and `community-gateway sim` run: cameras,
 * barriers, speakers — each kind adds its member factory to MEMBERS. Simulators speak the same
 * wire protocols as the real hardware; the gateway learns about them only through the
 * configuration fragment each member returns, exactly as an installer would write it.
 */
export interface CommunityContext {
  /** Where simulators keep their state (presets, unacknowledged entries, recorded audio). */
  dataDir: string;
  host: string;
  log: Logger;
  /** Ports chosen by an earlier plan (a restarted simulator process binds the same ones). */
  ports?: PortBook;
}

/** The ports a plan chose, by name, so that a restarted simulator binds the same ones. */
export class PortBook {
  private readonly known: Record<string, number>;

  constructor(
    private readonly host: string,
    known: Record<string, number> = {},
  ) {
    this.known = { ...known };
  }

  /** The port remembered under `key`, or a free one (then remembered). */
  async take(key: string): Promise<number> {
    const known = this.known[key];
    if (known !== undefined) return known;
    const port = await freePort(this.host);
    this.known[key] = port;
    return port;
  }

  entries(): Record<string, number> {
    return { ...this.known };
  }
}

export interface CommunityMember {
  name: string;
  /** Configuration the gateway needs for these devices (merged into its config; arrays are appended). */
  gatewayConfig(): Record<string, unknown>;
  /** Starts the devices; MQTT devices connect to `mqttUrl`. */
  start(env: { mqttUrl: string }): Promise<void>;
  stop(): Promise<void>;
  /** Lines printed at start (what runs where). */
  describe(): string[];
}

export type CommunityMemberFactory = (ctx: CommunityContext) => Promise<CommunityMember>;

/**
 * Every simulated device kind of the demo community. Each device issue adds its factory.
 * `usesMqtt`: its devices connect to the gateway's broker, so they start after the gateway;
 * the others (cameras) start before it, so the gateway finds them up when it connects.
 */
export const MEMBERS: Array<{ kind: string; usesMqtt: boolean; create: CommunityMemberFactory }> = [
  { kind: 'cameras', usesMqtt: false, create: (ctx) => createCameraMember(ctx) },
  { kind: 'barriers', usesMqtt: true, create: createBarrierMember },
  { kind: 'speakers', usesMqtt: true, create: (ctx) => createSpeakerMember(ctx) },
  { kind: 'alarms', usesMqtt: true, create: createAlarmDevicesMember },
];

/** Deep merge where arrays are appended (the file's devices plus the demo's), other values replaced. */
export function appendMerge(base: unknown, extra: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(extra)) return [...base, ...extra];
  if (base && extra && typeof base === 'object' && typeof extra === 'object' && !Array.isArray(base) && !Array.isArray(extra)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(extra as Record<string, unknown>)) out[k] = appendMerge(out[k], v);
    return out;
  }
  return extra === undefined ? base : extra;
}

export class Community {
  private started: CommunityMember[] = [];

  constructor(readonly members: readonly CommunityMember[]) {}

  gatewayConfig(): Record<string, unknown> {
    return this.members.reduce<Record<string, unknown>>((acc, m) => appendMerge(acc, m.gatewayConfig()) as Record<string, unknown>, {});
  }

  describe(): string[] {
    return this.members.flatMap((m) => m.describe());
  }

  async start(env: { mqttUrl: string }): Promise<void> {
    for (const member of this.members) {
      await member.start(env);
      this.started.push(member);
    }
  }

  async stop(): Promise<void> {
    for (const member of this.started.reverse()) await member.stop();
    this.started = [];
  }
}

/** Creates the members (allocating ports and credentials) without starting them. */
export async function planCommunity(ctx: CommunityContext, kinds?: readonly string[]): Promise<Community> {
  const chosen = MEMBERS.filter((m) => !kinds || kinds.length === 0 || kinds.includes(m.kind));
  const members: CommunityMember[] = [];
  for (const m of chosen) members.push(await m.create(ctx));
  return new Community(members);
}
