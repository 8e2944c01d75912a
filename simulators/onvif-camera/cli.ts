/**
 * `community-gateway sim camera ...`: starts one camera (or --count N demo cameras) and prints
 * their URLs. Returns a handle whose stop() frees everything; the caller wires signals.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/core/logger.js';
import { BEHAVIOUR_NAMES } from './behaviours.js';
import { startCameraSimulator, startDemoCameras, type RunningCamera } from './index.js';
import type { CameraSimulatorOptions } from './options.js';

export const CAMERA_CLI_USAGE = `usage: community-gateway sim camera [options]
  --name <text>            camera name (default "Camera 1")
  --host <addr>            address to bind and advertise (default 127.0.0.1)
  --port <n>               ONVIF HTTP port (default: a free port)
  --rtsp-port <n>          RTSP port (default: a free port)
  --username <u>           (default admin)
  --password <p>           (default admin123)
  --no-presets             a camera without preset/home support
  --h265                   main profile in H.265
  --clock-offset <sec>     camera clock minus host clock, seconds (may be negative)
  --data-dir <dir>         keep presets and speaker WAVs here
  --no-backchannel         refuse the ONVIF audio backchannel
  --backchannel-pcma       the backchannel takes G.711 A-law (PCMA) instead of mu-law
  --audio pcmu|pcma        the camera sends a test tone (its microphone) on RTSP in G.711
  --audio-tone <hz>        the test tone's frequency (default 1000)
  --discovery              answer WS-Discovery probes on UDP 3702 (unicast)
  --discovery-port <n>     WS-Discovery port (implies --discovery)
  --discovery-multicast    also join 239.255.255.250 and send Hello/Bye (real LAN only)
  --auto-motion <sec>      a figure walks through the view every <sec> seconds
  --behaviour <name>       a field behaviour (repeatable): ${BEHAVIOUR_NAMES.join(', ')}
  --subscription-slots <n> PullPoint subscriptions held at once (0: no limit)
  --count <n>              start n demo cameras (sub-stream friendly) instead of one
  --log-level <level>      trace|debug|info|warn|error|silent (default info)`;

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`);
  return n;
}

export async function runCameraSimulatorCli(argv: string[]): Promise<{ stop(): Promise<void>; cameras: RunningCamera[] }> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      name: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'rtsp-port': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'no-presets': { type: 'boolean' },
      h265: { type: 'boolean' },
      'clock-offset': { type: 'string' },
      'data-dir': { type: 'string' },
      'no-backchannel': { type: 'boolean' },
      'backchannel-pcma': { type: 'boolean' },
      audio: { type: 'string' },
      'audio-tone': { type: 'string' },
      discovery: { type: 'boolean' },
      'discovery-port': { type: 'string' },
      'discovery-multicast': { type: 'boolean' },
      'auto-motion': { type: 'string' },
      count: { type: 'string' },
      behaviour: { type: 'string', multiple: true },
      'subscription-slots': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(CAMERA_CLI_USAGE);
    return { stop: async () => {}, cameras: [] };
  }
  if (values.audio !== undefined && values.audio !== 'pcmu' && values.audio !== 'pcma') throw new Error(`--audio takes pcmu or pcma, not "${values.audio}"`);
  const level = (values['log-level'] ?? 'info') as 'info';
  const discoveryPort = int(values['discovery-port'], 'discovery-port');
  const options: CameraSimulatorOptions = {
    name: values.name,
    host: values.host,
    port: int(values.port, 'port'),
    rtspPort: int(values['rtsp-port'], 'rtsp-port'),
    username: values.username,
    password: values.password,
    presets: !values['no-presets'],
    h265: values.h265 ?? false,
    clockOffsetMs: (int(values['clock-offset'], 'clock-offset') ?? 0) * 1000,
    dataDir: values['data-dir'],
    backchannel: !values['no-backchannel'],
    backchannelCodec: values['backchannel-pcma'] ? 'pcma' : 'pcmu',
    audio: values.audio === 'pcmu' || values.audio === 'pcma' ? values.audio : false,
    ...(values['audio-tone'] ? { audioToneHz: Number(values['audio-tone']) } : {}),
    discovery: values.discovery || discoveryPort !== undefined || values['discovery-multicast'] ? { port: discoveryPort ?? 3702, multicast: values['discovery-multicast'] ?? false } : undefined,
    autoMotionEverySec: int(values['auto-motion'], 'auto-motion'),
    behaviours: values.behaviour ?? [],
    ...(values['subscription-slots'] !== undefined ? { behaviourFlags: { subscriptionSlots: int(values['subscription-slots'], 'subscription-slots')! } } : {}),
    logger: createLogger({ level }),
  };
  const count = int(values.count, 'count');
  const cameras = count !== undefined ? await startDemoCameras(count, { ...options, name: values.name, discovery: undefined }) : [await startCameraSimulator(options)];
  for (const cam of cameras) {
    const { username, password } = cam.credentials;
    console.log(`${cam.options.name}
  ONVIF     ${cam.urls.onvif}   (user ${username}, password ${password})
  RTSP main ${cam.urls.rtsp.main}
  RTSP sub  ${cam.urls.rtsp.sub}
  snapshot  ${cam.urls.snapshot.main}`);
    const d = cam.options.discovery;
    console.log(d ? `  discovery WS-Discovery probes on udp://${d.multicast ? '0.0.0.0' : cam.options.host}:${d.port}${d.multicast ? ' (and multicast 239.255.255.250)' : ''}` : '  discovery off (--discovery to answer WS-Discovery probes)');
  }
  return { stop: async () => void (await Promise.all(cameras.map((c) => c.stop()))), cameras };
}
