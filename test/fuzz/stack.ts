/**
 * What a fuzz target runs against: a minimal site (no demo simulators) with one simulated camera
 * behind the hostile camera, one barrier and one speaker in mqtt.devices (so their topics have
 * identities), an integration for the gateway topics, a simulated speaker online (so a live talk
 * really starts), and the gateway in its own process on fixed ports (a restart keeps them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/core/net.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { HostileCamera } from './hostile-camera.js';
import { FUZZ_USERS, FuzzGateway } from './target.js';

export const BASE_TOPIC = 'community';
export const CAMERA_ID = 'cam-1';
export const BARRIER = { id: 'gate-1', kind: 'barriers', password: 'fuzz-barrier-secret', groups: ['all'] } as const;
export const SPEAKER = { id: 'spk-1', kind: 'speakers', password: 'fuzz-speaker-secret', groups: ['all'] } as const;
export const INTEGRATION = { name: 'fuzz-integration', password: 'fuzz-integration-secret' } as const;
/** The camera's SOAP timeout in the fuzzed gateway; a camera request must end well within a few of these. */
export const CAMERA_REQUEST_TIMEOUT_MS = 1000;
/** PullMessages is a long poll: the gateway waits this long for events, plus 10 s for the answer. */
export const PULL_TIMEOUT_MS = 1000;
export const PULL_ANSWER_MARGIN_MS = 10_000;

export interface FuzzStack {
  gateway: FuzzGateway;
  camera: HostileCamera;
  mqttUrl: () => string;
  stop(): Promise<void>;
}

export async function startFuzzStack(options: { speaker?: boolean; logLevel?: 'warn' | 'error' } = {}): Promise<FuzzStack> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-fuzz-'));
  let sim: RunningCamera | undefined;
  let camera: HostileCamera | undefined;
  let fleet: SpeakerFleet | undefined;
  let gateway: FuzzGateway | undefined;
  const stop = async () => {
    // The speaker says goodbye over MQTT: before the gateway's broker goes.
    await fleet?.stop();
    await gateway?.stop();
    await camera?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sim = await startCameraSimulator({
      name: 'Fuzz camera',
      main: { width: 320, height: 180, fps: 5, bitrateKbps: 128 },
      sub: { width: 320, height: 180, fps: 5, bitrateKbps: 128 },
      encoderLingerMs: 200,
    });
    camera = new HostileCamera({ host: sim.urls.host, port: sim.urls.onvifPort });
    await camera.start();
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    gateway = new FuzzGateway(dir, {
      site: { id: 'fuzz', name: 'Fuzz site' },
      http: { host: '127.0.0.1', port: httpPort },
      mqtt: {
        baseTopic: BASE_TOPIC,
        embedded: { host: '127.0.0.1', port: mqttPort },
        devices: [BARRIER, SPEAKER],
        integrations: [INTEGRATION],
      },
      auth: { users: Object.values(FUZZ_USERS) },
      storage: { dataDir: join(dir, 'data') },
      log: { level: options.logLevel ?? 'error', pretty: false },
      cameras: {
        list: [{ id: CAMERA_ID, name: 'Fuzz camera', host: '127.0.0.1', port: camera.port, username: sim.credentials.username, password: sim.credentials.password }],
        requestTimeoutMs: CAMERA_REQUEST_TIMEOUT_MS,
        eventSubscription: { pullTimeoutMs: PULL_TIMEOUT_MS },
        pollIntervalMs: 500,
        reconnect: { initialMs: 100, maxMs: 500 },
        // A fuzzed discovery must not send multicast: probe a closed loopback port.
        discovery: { targets: ['127.0.0.1:9'], maxDurationMs: 300 },
      },
      streaming: { graceMs: 0 },
      broadcast: { talk: { idleTimeoutMs: 1000, maxSeconds: 10 } },
    });
    await gateway.start();
    if (options.speaker) {
      fleet = new SpeakerFleet({ speakers: [SPEAKER], baseTopic: BASE_TOPIC, dataDir: join(dir, 'speaker') });
      await fleet.start({ mqttUrl: `mqtt://127.0.0.1:${mqttPort}` });
    }
    return { gateway, camera, mqttUrl: () => `mqtt://127.0.0.1:${mqttPort}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
