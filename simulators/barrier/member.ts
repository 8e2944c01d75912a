import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CommunityMember, CommunityMemberFactory } from '../community.js';
import { parseBarrierBehaviours } from './behaviours.js';
import { BarrierFleet, type FleetBarrier } from './fleet.js';

/** What the guard room calls the demo's barriers and lanes (the config's display names). */
const DEMO_NAMES: Record<string, { name: string; lanes: Record<string, string> }> = {
  'gate-north': { name: '北门车行道闸', lanes: { 'lane-1': '1号车道', 'lane-2': '2号车道', 'lane-3': '3号车道' } },
  'gate-south': { name: '南门车行道闸', lanes: { 'lane-1': '1号车道', 'lane-2': '2号车道', 'lane-3': '3号车道' } },
  'gate-east-ped': { name: '东门人行闸', lanes: { 'turnstile-1': '1号闸机', 'turnstile-2': '2号闸机', 'turnstile-3': '3号闸机' } },
};
const DEMO_BARRIERS: ReadonlyArray<Omit<FleetBarrier, 'password'>> = [
  { id: 'gate-north', kind: 'vehicle' },
  { id: 'gate-south', kind: 'vehicle' },
  { id: 'gate-east-ped', kind: 'pedestrian' },
];

/** The demo community's barriers: two vehicle gates and a pedestrian gate, with daily traffic. */
export const createBarrierMember: CommunityMemberFactory = async (ctx): Promise<CommunityMember> => {
  const dir = join(ctx.dataDir, 'barriers');
  mkdirSync(dir, { recursive: true });
  const credentialsFile = join(dir, 'credentials.json');
  const saved = existsSync(credentialsFile) ? (JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>) : {};
  // BARRIER_BEHAVIOURS (e.g. `clock-skew=-7200000`) gives every demo barrier those field behaviours.
  const behaviours = parseBarrierBehaviours(process.env.BARRIER_BEHAVIOURS);
  const barriers = DEMO_BARRIERS.map((b) => ({ ...b, password: saved[b.id] ?? randomBytes(18).toString('base64url'), behaviours }));
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(barriers.map((b) => [b.id, b.password])), null, 2), { mode: 0o600 });
  let fleet: BarrierFleet | undefined;
  return {
    name: 'barriers',
    gatewayConfig: () => ({ mqtt: { devices: barriers.map((b) => ({ id: b.id, kind: 'barriers', password: b.password, groups: [], ...DEMO_NAMES[b.id] })) } }),
    async start({ mqttUrl }) {
      fleet = new BarrierFleet({ barriers, baseTopic: 'community', dataDir: dir, log: ctx.log.child({ sim: 'barriers' }), traffic: { mode: 'daily', peakPerHour: 240 } });
      await fleet.start(mqttUrl);
    },
    async stop() {
      await fleet?.stop();
      fleet = undefined;
    },
    describe: () =>
      barriers.map((b) => `barrier ${b.id} (${b.kind}), daily traffic up to 240 passages/h; journal in ${dir}${behaviours.length ? `; behaviours ${behaviours.map((x) => x.name).join(', ')}` : ''}`),
  };
};
