/**
 * The cameras' MQTT contract (the gateway speaks ONVIF to the cameras; these topics mirror them
 * for integrations and dashboards): commands on `cameras/<id>/ptz/set`, retained state and
 * availability, motion events, discovery progress.
 */
import { z } from 'zod';
import { availabilitySchema, defineTopic, jsonPayload, textPayload } from '../../src/core/mqtt-contract.js';
import type { ContractChapter } from '../../src/mqtt/contract-docs.js';

const num = String.raw`-?(?:\d+(?:\.\d+)?|\.\d+)`;

/** `stop`, `home`, `preset:<name or token>`, `tour:<name>`, `tour:stop`, `move:<pan>,<tilt>,<zoom>`. */
export const ptzCommandSchema = z
  .string()
  .max(200)
  .regex(new RegExp(`^(stop|home|preset:.+|tour:.+|move:${num},${num},${num})$`, 's'), 'one of stop, home, preset:<name>, tour:<name>, tour:stop, move:<pan>,<tilt>,<zoom>');

export const cameraPtzSet = defineTopic({
  name: 'camera.ptz.set',
  pattern: 'cameras/{id}/ptz/set',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: textPayload(ptzCommandSchema),
  summary: 'Command a camera: `stop`, `home`, `preset:<name>`, `tour:<name>`, `tour:stop`, or `move:<pan>,<tilt>,<zoom>` (velocities -1..1).',
  details:
    'A `move` is a ContinuousMove with the configured Timeout (about 1 s): repeat it to keep moving, like a joystick; the camera stops by itself when the messages stop. ' +
    'Commands respect the control lock: while an officer controls the camera the command is refused and the reason appears on `gateway/errors`. Every command is audited as user `mqtt`.',
  example: 'preset:大门',
  owner: 'cameras',
});

export const cameraStateSchema = z.object({
  online: z.boolean(),
  /** `login_refused`: the camera answers but refuses the gateway's user name or password. */
  status: z.enum(['online', 'offline', 'login_refused']),
  /** The camera's event subscription: `ok`, `failing` (retrying with back-off), `starting`, `off`; null without events. */
  events: z.enum(['starting', 'ok', 'failing', 'off']).nullable(),
  name: z.string(),
  position: z.object({ x: z.number(), y: z.number(), zoom: z.number() }).nullable(),
  moving: z.boolean().nullable(),
  /** Who controls the camera: login name, the name people read (display name), kind, since. */
  controller: z.object({ name: z.string(), displayName: z.string().optional(), kind: z.string(), since: z.string() }).nullable(),
  tour: z
    .object({ name: z.string(), phase: z.string(), step: z.number().int(), stepCount: z.number().int(), preset: z.string(), since: z.string() })
    .nullable(),
  at: z.string(),
});

/** A camera's state as the contract carries it (API, retained MQTT state, dashboards). */
export type CameraStatePayload = z.infer<typeof cameraStateSchema>;

export const cameraState = defineTopic({
  name: 'camera.state',
  pattern: 'cameras/{id}/state',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(cameraStateSchema),
  summary: 'A camera\'s state (retained): online, status (`online`, `offline`, or `login_refused` when the camera answers but refuses the gateway\'s credentials), events (`ok`, `failing`, `starting`, `off`, null), PTZ position in generic space, moving, who controls it, and the running tour\'s current step.',
  example: {
    online: true,
    status: 'online',
    events: 'ok',
    name: '东门',
    position: { x: 0.25, y: -0.1, zoom: 0 },
    moving: false,
    controller: null,
    tour: { name: '日间巡逻', phase: 'dwelling', step: 2, stepCount: 3, preset: '停车场', since: '2026-11-24T08:00:00.000Z' },
    at: '2026-11-24T08:00:00.000Z',
  },
  owner: 'cameras',
});

export const cameraAvailability = defineTopic({
  name: 'camera.availability',
  pattern: 'cameras/{id}/availability',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: textPayload(availabilitySchema),
  summary: 'Whether the gateway reaches the camera (retained): `online` or `offline`. Set `offline` for every camera when the gateway stops.',
  example: 'online',
  owner: 'cameras',
});

export const cameraMotion = defineTopic({
  name: 'camera.motion',
  pattern: 'cameras/{id}/motion',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: jsonPayload(z.object({ state: z.boolean(), at: z.string() })),
  summary: 'Motion detected by the camera (its ONVIF MotionAlarm event): `state` true when it starts, false when it ends.',
  example: { state: true, at: '2026-11-24T08:00:00.000Z' },
  owner: 'cameras',
});

export const cameraDiscovery = defineTopic({
  name: 'camera.discovery',
  pattern: 'cameras/discovery',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: jsonPayload(z.object({ state: z.enum(['running', 'done']), elapsedMs: z.number(), durationMs: z.number(), found: z.number().int() })),
  summary: 'Progress of a WS-Discovery run started with `POST /api/cameras/discover` (every 0.5 s, then `done`).',
  example: { state: 'running', elapsedMs: 1500, durationMs: 5000, found: 2 },
  owner: 'cameras',
});

export const cameraTopics = [cameraPtzSet, cameraState, cameraAvailability, cameraMotion, cameraDiscovery] as const;

export const cameraChapter: ContractChapter = {
  owner: 'cameras',
  title: 'Cameras',
  intro: `
Cameras speak ONVIF (SOAP over HTTP) to the gateway, never MQTT; these topics mirror them. The
gateway publishes each camera's retained \`cameras/<id>/availability\` and \`cameras/<id>/state\`
(position, moving, controller, tour step) whenever something changes (position at most every
poll interval, 2 s by default). Integrations command a camera on \`cameras/<id>/ptz/set\`; a
command refused (unknown camera or preset, camera offline, camera controlled by an officer,
camera without presets) is reported on \`gateway/errors\`. Motion from the camera's PullPoint
events appears on \`cameras/<id>/motion\`.
`,
};
