import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CommunityMember, CommunityMemberFactory } from '../community.js';
import { SimulatedDoorSensor } from '../door-sensor/sensor.js';
import { parseAlarmDeviceBehaviours } from './behaviours.js';
import { SimulatedAlarmButton } from './button.js';

const DEMO_BUTTONS = ['btn-b3-u2', 'btn-gate-north'] as const;
const DEMO_DOORS = ['door-b3-u2-0701'] as const;

/**
 * The demo community's alarm devices: two one-key alarm buttons (building 3 unit 2, the north
 * gate) and the door sensor of a home that can be put under watch (building 3 unit 2 room 701).
 * They only send what they are made to (tests and the demo's control press them).
 */
export const createAlarmDevicesMember: CommunityMemberFactory = async (ctx): Promise<CommunityMember> => {
  const dir = join(ctx.dataDir, 'alarm-devices');
  mkdirSync(dir, { recursive: true });
  const credentialsFile = join(dir, 'credentials.json');
  const saved = existsSync(credentialsFile) ? (JSON.parse(readFileSync(credentialsFile, 'utf8')) as Record<string, string>) : {};
  const behaviours = parseAlarmDeviceBehaviours(process.env.ALARM_DEVICE_BEHAVIOURS);
  const ids = [...DEMO_BUTTONS, ...DEMO_DOORS];
  const passwords = Object.fromEntries(ids.map((id) => [id, saved[id] ?? randomBytes(18).toString('base64url')]));
  writeFileSync(credentialsFile, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  let devices: Array<SimulatedAlarmButton | SimulatedDoorSensor> = [];
  return {
    name: 'alarm-devices',
    gatewayConfig: () => ({
      mqtt: {
        devices: [
          ...DEMO_BUTTONS.map((id) => ({ id, kind: 'alarm-buttons', password: passwords[id], groups: [] })),
          ...DEMO_DOORS.map((id) => ({ id, kind: 'door-sensors', password: passwords[id], groups: [] })),
        ],
      },
    }),
    async start({ mqttUrl }) {
      const common = { baseTopic: 'community', dataDir: dir, log: ctx.log.child({ sim: 'alarm-devices' }), behaviours };
      devices = [
        ...DEMO_BUTTONS.map((id) => new SimulatedAlarmButton({ ...common, id, password: passwords[id]! })),
        ...DEMO_DOORS.map((id) => new SimulatedDoorSensor({ ...common, id, password: passwords[id]! })),
      ];
      for (const d of devices) await d.start(mqttUrl);
    },
    async stop() {
      for (const d of devices.reverse()) await d.stop();
      devices = [];
    },
    describe: () => [`alarm buttons ${DEMO_BUTTONS.join(', ')}; door sensor ${DEMO_DOORS.join(', ')}; journals in ${dir}`],
  };
};
