/**
 * Streaming test helpers: a test-only feature that provides STREAM_SOURCES straight from camera
 * simulators (until the cameras feature provides it from its ONVIF registry), a gateway with
 * the streaming feature, WebSocket viewers and a count of the gateway's ffmpeg processes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { WebSocket } from 'ws';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { STREAM_SOURCES, type StreamSources } from '../../src/cameras/stream-sources.js';
import { DeviceUnavailableError, NotFoundError } from '../../src/core/errors.js';
import type { FeatureFactory } from '../../src/feature.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

export function simulatorSources(cams: Record<string, RunningCamera>): FeatureFactory {
  return (ctx) => {
    const sources: StreamSources = {
      async resolve(cameraId, profile) {
        const cam = cams[cameraId];
        if (!cam) throw new NotFoundError(`no camera "${cameraId}"`);
        if (!cam.state.online) throw new DeviceUnavailableError(`camera "${cameraId}" is offline`);
        const s = cam.options[profile];
        const url = cam.urls.rtsp[profile]!.replace('rtsp://', `rtsp://${encodeURIComponent(cam.credentials.username)}:${encodeURIComponent(cam.credentials.password)}@`);
        return { cameraId, profile, rtspUrl: url, codec: profile === 'main' && cam.options.h265 ? 'h265' : 'h264', width: s.width, height: s.height, fps: s.fps };
      },
      list: () => Object.entries(cams).map(([id, cam]) => ({ id, name: cam.options.name, online: cam.state.online })),
    };
    ctx.capabilities.provide(STREAM_SOURCES, sources);
    return { name: 'test-camera-sources', services: [] };
  };
}

export async function startStreamingGateway(cams: Record<string, RunningCamera>, streaming: Record<string, unknown> = {}): Promise<TestGateway> {
  return startTestGateway({ features: [simulatorSources(cams), streamingFeature], config: { streaming } });
}

/** ffmpeg processes this test process started that read the given RTSP port (the gateway's pipelines). */
export function gatewayFfmpegs(rtspPort: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(`:${rtspPort}/`) && cmd.includes('rtsp_transport')) pids.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
