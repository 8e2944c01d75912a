/**
 * The demo community's cameras: four simulated ONVIF PTZ cameras on loopback (ports allocated
 * at plan time so the gateway's configuration names them before they start), with presets kept
 * in the simulators' data directory.
 */
import { freePort } from '../src/core/net.js';
import type { CommunityContext, CommunityMember } from './community.js';
import { startCameraSimulator, type RunningCamera } from './onvif-camera/index.js';

const NAMES = ['东门', '西门', '停车场', '北门'];
/** The demo cameras' stream profiles (the scene renderer's tests render at these sizes too). */
export const DEMO_MAIN = { width: 960, height: 540, fps: 10, bitrateKbps: 1024 } as const;
export const DEMO_SUB = { width: 640, height: 360, fps: 10, bitrateKbps: 384 } as const;
/** Speakers near each demo camera (ids/groups of simulators/speaker/fleet.ts), for push-to-talk from its view. */
const NEAR_SPEAKERS: ReadonlyArray<readonly string[]> = [['group:gate-east'], ['group:gate-west'], ['lobby-a-speaker'], ['group:gates']];

export async function createCameraMember(ctx: CommunityContext, count = 4): Promise<CommunityMember> {
  const plan: Array<{ id: string; name: string; port: number; rtspPort: number }> = [];
  const port = (key: string) => ctx.ports?.take(key) ?? freePort(ctx.host);
  for (let i = 0; i < count; i++) {
    const id = `camera-${i + 1}`;
    plan.push({ id, name: NAMES[i] ?? `Camera ${i + 1}`, port: await port(`${id}.onvif`), rtspPort: await port(`${id}.rtsp`) });
  }
  let running: RunningCamera[] = [];
  return {
    name: 'cameras',
    gatewayConfig: () => ({
      cameras: { list: plan.map((p, i) => ({ id: p.id, name: p.name, host: ctx.host, port: p.port, username: 'admin', password: 'admin123', speakers: [...(NEAR_SPEAKERS[i] ?? ['group:all'])] })) },
    }),
    async start() {
      running = [];
      for (const [i, p] of plan.entries()) {
        running.push(
          await startCameraSimulator({
            id: p.id,
            name: p.name,
            host: ctx.host,
            port: p.port,
            rtspPort: p.rtspPort,
            dataDir: ctx.dataDir,
            main: { ...DEMO_MAIN },
            sub: { ...DEMO_SUB },
            initialPosition: { panDeg: (i * 360) / plan.length, tiltDeg: -5 },
            autoMotionEverySec: 60,
            logger: ctx.log,
          }),
        );
      }
    },
    async stop() {
      await Promise.all(running.map((c) => c.stop()));
      running = [];
    },
    describe: () => plan.map((p) => `camera ${p.id} (${p.name}): ONVIF http://${ctx.host}:${p.port}/onvif/device_service`),
  };
}
