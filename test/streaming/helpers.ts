/**
 * Streaming test helpers: a test-only feature that provides STREAM_SOURCES straight from camera
 * simulators (until the cameras feature provides it from its ONVIF registry), a gateway with
 * the streaming feature, WebSocket viewers and a count of the gateway's ffmpeg processes.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { WebSocket } from 'ws';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { STREAM_SOURCES, type StreamSources } from '../../src/cameras/stream-sources.js';
import { DeviceUnavailableError, NotFoundError } from '../../src/core/errors.js';
import type { FeatureFactory } from '../../src/feature.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** `rtspPasswords`: per camera id, the password the gateway uses for RTSP instead of the camera's (a wrong one). */
export function simulatorSources(cams: Record<string, RunningCamera>, rtspPasswords: Record<string, string> = {}): FeatureFactory {
  return (ctx) => {
    const sources: StreamSources = {
      async resolve(cameraId, profile) {
        const cam = cams[cameraId];
        if (!cam) throw new NotFoundError('camera.not-found', { camera: cameraId });
        if (!cam.state.online) throw new DeviceUnavailableError('camera.offline', { camera: cameraId });
        const s = cam.options[profile];
        const url = cam.urls.rtsp[profile]!.replace('rtsp://', `rtsp://${encodeURIComponent(cam.credentials.username)}:${encodeURIComponent(rtspPasswords[cameraId] ?? cam.credentials.password)}@`);
        return { cameraId, profile, rtspUrl: url, codec: profile === 'main' && cam.options.h265 ? 'h265' : 'h264', width: s.width, height: s.height, fps: s.fps };
      },
      reconnectNow: () => {}, // the simulator's state is read directly: nothing to reconnect
      list: () => Object.entries(cams).map(([id, cam]) => ({ id, name: cam.options.name, online: cam.state.online })),
    };
    ctx.capabilities.provide(STREAM_SOURCES, sources);
    return { name: 'test-camera-sources', services: [] };
  };
}

export async function startStreamingGateway(cams: Record<string, RunningCamera>, streaming: Record<string, unknown> = {}, rtspPasswords: Record<string, string> = {}): Promise<TestGateway> {
  return startTestGateway({ features: [simulatorSources(cams, rtspPasswords), streamingFeature], config: { streaming } });
}

/** Inodes of the TCP sockets (IPv4 and IPv6) connected to `port` on the remote side. */
function socketsToPort(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[2]!.endsWith(`:${hex}`)) inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** The gateway's own ffmpeg children (concat input on stdin) of this test process: pid and argv. */
export function gatewayFfmpegProcesses(): Array<{ pid: number; argv: string[] }> {
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.includes('concat') && argv.includes('pipe:0') && argv.includes('pipe:1')) found.push({ pid, argv });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The gateway's ffmpeg processes that read the given camera (its address is not on their command
 * line: found by their sockets): connected to the camera's RTSP port, or to the gateway's relay in
 * front of it (`streaming.cameraClock`), whose port the camera sees in the URLs of the requests
 * that ffmpeg sends through it.
 */
export function gatewayFfmpegs(camera: RunningCamera): number[] {
  const sockets = new Set<string>();
  for (const port of new Set([camera.urls.rtspPort, ...camera.state.rtspRequestUrlPorts])) for (const inode of socketsToPort(port)) sockets.add(inode);
  return gatewayFfmpegProcesses()
    .filter(({ pid }) => {
      try {
        return readdirSync(`/proc/${pid}/fd`).some((fd) => {
          try {
            const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
            return m !== null && sockets.has(m[1]!);
          } catch {
            return false;
          }
        });
      } catch {
        return false;
      }
    })
    .map(({ pid }) => pid);
}

export interface Received {
  at: number;
  data: Buffer;
}

export interface TestViewer {
  ws: WebSocket;
  binary: Received[];
  text: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
  close(): Promise<void>;
}

/** A WebSocket viewer that records every message with its arrival time. */
export function openViewer(gw: TestGateway, path: string, token: string | undefined, hello?: string[]): TestViewer {
  const url = `${gw.url.replace('http', 'ws')}${path}${token ? `${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : ''}`;
  const ws = new WebSocket(url);
  const v: TestViewer = {
    ws,
    binary: [],
    text: [],
    closed: new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    opened: new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      ws.close();
      await v.closed;
    },
  };
  ws.on('error', () => {});
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) v.binary.push({ at: Date.now(), data });
    else v.text.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  if (hello) ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', codecs: hello })));
  return v;
}

/** The viewer's text messages other than status (mse / jsmpeg negotiation). */
export function control(v: TestViewer): Array<Record<string, unknown>> {
  return v.text.filter((m) => m.type !== 'status');
}

/** The viewer's status messages. */
export function statuses(v: TestViewer): Array<{ type: 'status'; state: string; reason: { code: string; message: string } | null }> {
  return v.text.filter((m) => m.type === 'status') as never;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
