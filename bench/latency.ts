/**
 * `npm run bench -- latency [--drift-minutes N] [--samples N]`: glass-to-glass latency of live
 * video in Chromium per path (WebRTC, MSE, JSMpeg) with 1 and 9 tiles, read from the simulator's
 * frame stamps in the pixels (stamp render time -> the moment the page shows it); a PTZ move ->
 * the first picture whose stamp shows the camera turning; the gateway's CPU per viewer per path
 * (its process tree: Node and ffmpeg) against the idle gateway in the same run; and the MSE
 * player's drift over a run of N minutes (default 3), extrapolated linearly to 30 minutes (stated
 * in the table). The browser runs in a network namespace and reaches the gateway on a veth
 * address, as on the guard room's LAN. Writes bench/results/latency.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { startCameraSimulator } from '../simulators/onvif-camera/index.js';
import { CHROMIUM_ARGS } from '../test/helpers/browser.js';
import { createNetns, netnsUnavailableReason } from '../test/helpers/netns.js';
import { readStamp } from '../test/streaming/player-stamps.js';
import { startGatewayProcess } from './lib/gateway-process.js';
import { measureUsage } from './lib/process-usage.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

type Path = 'webrtc' | 'mse' | 'jsmpeg';
const PATHS: Path[] = ['webrtc', 'mse', 'jsmpeg'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PlayerState { format: string | null; frames: number }

async function playerState(frame: Frame): Promise<PlayerState | undefined> {
  return frame.evaluate(() => (window as unknown as { cgPlayer?: PlayerState }).cgPlayer).catch(() => undefined);
}

/** Opens `tiles` players of the camera on one page (iframes) and waits until each plays on `path`. */
async function openTiles(browser: Browser, base: string, token: string, path: Path, tiles: number): Promise<{ page: Page; frames: Frame[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const src = `${base}/player.html?camera=cam-1&profile=main&badge=0&lang=en&format=${path}&token=${encodeURIComponent(token)}`;
  const cols = Math.ceil(Math.sqrt(tiles));
  await page.goto(`${base}/player.html`).catch(() => {});
  await page.setContent(`<style>body{margin:0;display:grid;grid-template-columns:repeat(${cols},1fr)}iframe{border:0;width:100%;height:${Math.floor(1080 / cols)}px}</style>` + Array.from({ length: tiles }, () => `<iframe src="${src}"></iframe>`).join(''));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const frames = page.frames().filter((f) => f !== page.mainFrame() && f.url().includes('/player.html'));
    const states = await Promise.all(frames.map(playerState));
    if (frames.length === tiles && states.every((s) => s?.format === path && s.frames > 10)) return { page, frames };
    if (Date.now() > deadline) throw new Error(`${path} x${tiles}: tiles did not play: ${JSON.stringify(states)}`);
    await sleep(200);
  }
}

async function latencies(frame: Frame, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples * 3 && out.length < samples; i++) {
    const { stamp, at } = await readStamp(frame as unknown as Page);
    if (stamp) out.push(at - stamp.wallMs);
    await sleep(120);
  }
  return out;
}

/** Joystick move -> the first shown picture stamped with a different pan; `moves` times. */
async function ptzMotion(frame: Frame, base: string, token: string, moves: number): Promise<number[]> {
  const url = `${base.replace('http', 'ws')}/api/cameras/cam-1/joystick?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url, { headers: { origin: base } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const out: number[] = [];
  try {
    for (let i = 0; i < moves; i++) {
      const before = (await readStamp(frame as unknown as Page)).stamp?.panDeg;
      if (before === undefined) continue;
      const direction = i % 2 === 0 ? 1 : -1;
      const t0 = Date.now();
      const hold = setInterval(() => ws.send(JSON.stringify({ pan: direction, tilt: 0, zoom: 0 })), 100);
      ws.send(JSON.stringify({ pan: direction, tilt: 0, zoom: 0 }));
      try {
        for (;;) {
          const { stamp, at } = await readStamp(frame as unknown as Page);
          if (stamp && Math.abs(stamp.panDeg - before) > 0.05 && stamp.wallMs >= t0) {
            out.push(at - t0);
            break;
          }
          if (Date.now() - t0 > 5000) break;
        }
      } finally {
        clearInterval(hold);
        ws.send(JSON.stringify({ type: 'stop' }));
      }
      await sleep(1200);
    }
  } finally {
    ws.close();
  }
  return out;
}

export default async function latency(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'drift-minutes': { type: 'string', default: '3' }, samples: { type: 'string', default: '20' } } });
  const driftMinutes = Number(values['drift-minutes']);
  const samples = Number(values.samples);
  const why = netnsUnavailableReason();
  if (why) throw new Error(`the latency benchmark runs the browser in a network namespace: ${why}`);
  const ns = createNetns();
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-latency-'));
  const stops: Array<() => Promise<void> | void> = [() => ns.remove(), () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    const camera = await startCameraSimulator({ id: 'cam-1', main: { width: 1280, height: 720, fps: 15, bitrateKbps: 2000 }, sub: { width: 640, height: 360, fps: 15, bitrateKbps: 500 } });
    stops.unshift(() => camera.stop());
    const gw = await startGatewayProcess(dataDir, ns.hostAddress, {
      cameras: { list: [{ id: 'cam-1', name: 'bench', host: camera.urls.host, port: camera.urls.onvifPort, username: camera.credentials.username, password: camera.credentials.password }] },
      streaming: { graceMs: 1000 },
      webrtc: { enabled: true },
    });
    stops.unshift(() => gw.stop());
    const browser = await chromium.launch({ executablePath: ns.chromiumLauncher(), headless: true, args: CHROMIUM_ARGS });
    stops.unshift(() => browser.close());
    await measure(browser, gw, driftMinutes, samples);
  } finally {
    for (const stop of stops) await stop();
  }
}

async function measure(browser: Browser, gw: { url: string; token: string; child: { pid?: number } }, driftMinutes: number, samples: number): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const result: Record<string, number | string> = {};
  {
    await sleep(2000);
    const idle = await measureUsage([gw.child.pid!], 5000);
    rows.push({ case: 'idle gateway (baseline)', p50_ms: '-', p95_ms: '-', cpu_pct: round(idle.cpuPct), cpu_per_viewer_pct: '-' });
    for (const path of PATHS) {
      for (const tiles of [1, 9]) {
        const { page, frames } = await openTiles(browser, gw.url, gw.token, path, tiles);
        await sleep(1500);
        const usage = await measureUsage([gw.child.pid!], 6000);
        const lat = await latencies(frames[0]!, samples);
        const p50 = round(percentile(lat, 50), 0);
        const p95 = round(percentile(lat, 95), 0);
        rows.push({ case: `${path}, ${tiles} tile${tiles > 1 ? 's' : ''}`, p50_ms: p50, p95_ms: p95, cpu_pct: round(usage.cpuPct), cpu_per_viewer_pct: round((usage.cpuPct - idle.cpuPct) / tiles) });
        result[`${path}_x${tiles}_p50_ms`] = p50;
        result[`${path}_x${tiles}_p95_ms`] = p95;
        result[`${path}_x${tiles}_cpu_per_viewer_pct`] = round((usage.cpuPct - idle.cpuPct) / tiles);
        if (tiles === 1 && path !== 'jsmpeg') {
          const motion = await ptzMotion(frames[0]!, gw.url, gw.token, 8);
          result[`ptz_motion_${path}_p50_ms`] = round(percentile(motion, 50), 0);
          rows.push({ case: `PTZ move -> picture moves (${path})`, p50_ms: round(percentile(motion, 50), 0), p95_ms: round(percentile(motion, 95), 0), cpu_pct: '-', cpu_per_viewer_pct: '-' });
        }
        await page.close();
        await sleep(1500);
      }
    }
    // MSE drift: latency at the start and after N minutes on one tile.
    const { page, frames } = await openTiles(browser, gw.url, gw.token, 'mse', 1);
    await sleep(2000);
    const start = percentile(await latencies(frames[0]!, 10), 50);
    await sleep(driftMinutes * 60_000);
    const end = percentile(await latencies(frames[0]!, 10), 50);
    await page.close();
    const drift = end - start;
    const drift30 = round((drift * 30) / driftMinutes, 0);
    rows.push({ case: `MSE drift over ${driftMinutes} min (x${round(30 / driftMinutes, 1)} -> 30 min)`, p50_ms: `${round(start, 0)} -> ${round(end, 0)}`, p95_ms: `${drift30} / 30 min`, cpu_pct: '-', cpu_per_viewer_pct: '-' });
    Object.assign(result, {
      webrtc_p50_ms: result.webrtc_x1_p50_ms!,
      webrtc_p95_ms: result.webrtc_x1_p95_ms!,
      mse_p50_ms: result.mse_x1_p50_ms!,
      jsmpeg_p50_ms: result.jsmpeg_x1_p50_ms!,
      ptz_motion_p50_ms: result.ptz_motion_webrtc_p50_ms!,
      mse_drift_ms_30min: drift30,
      mse_drift_measured_minutes: driftMinutes,
      camera: '1280x720 H.264 15 fps',
    });
    printTable('glass-to-glass (frame stamp rendered -> shown in Chromium), gateway CPU (Node + ffmpeg, % of one core)', rows);
    console.log(`goals: webrtc p50 < 200 ms (${result.webrtc_p50_ms}), PTZ pointer -> motion p50 < 250 ms (${result.ptz_motion_p50_ms}), MSE drift < 100 ms / 30 min (${drift30})`);
    console.log(`wrote ${writeResult('latency', result)}`);
  }
}
