/**
 * `npm run bench -- latency [--drift-minutes N (0: none)] [--samples N] [--drift-only] [--paths webrtc,mse,jsmpeg] [--tiles 1,9] [--audio pcmu|pcma]`: glass-to-glass latency of live
 * video in Chromium per path (WebRTC, MSE, JSMpeg) with 1 and 9 tiles, read from the simulator's
 * frame stamps in the pixels (stamp render time -> the moment the page shows it); a PTZ move ->
 * the first picture whose stamp shows the camera turning; the gateway's CPU per viewer per path
 * (its process tree: Node and ffmpeg) against the idle gateway in the same run, and its memory per
 * viewer (resident memory of that tree with 9 tiles minus with 1, over 8); and the MSE
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
import { CHROMIUM_ARGS } from '../test/helpers/browser.js';
import { createNetns, netnsUnavailableReason } from '../test/helpers/netns.js';
import { readStamp } from '../test/streaming/player-stamps.js';
import { startCameraProcess } from './lib/camera-process.js';
import { startGatewayProcess } from './lib/gateway-process.js';
import { collectHops, instrumentPage, startFragmentClock, watchPresentation, type ClockPicture, type FragmentClock, type HopSamples, type ShownPicture } from './lib/latency-hops.js';
import { measureUsage } from './lib/process-usage.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

type Path = 'webrtc' | 'mse' | 'jsmpeg';
const PATHS: Path[] = ['webrtc', 'mse', 'jsmpeg'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PlayerState { format: string | null; frames: number }

async function playerState(frame: Frame): Promise<PlayerState | undefined> {
  return frame.evaluate(() => (window as unknown as { cgPlayer?: PlayerState }).cgPlayer).catch(() => undefined);
}

/**
 * Opens `tiles` players of the camera on one page (iframes) and waits until each plays on `path`;
 * after 30 s, tiles that fell back (say, WebRTC to MSE on a busy machine) are counted, and the
 * first tile still on `path` is measured.
 */
async function openTiles(browser: Browser, base: string, token: string, path: Path, tiles: number): Promise<{ page: Page; frames: Frame[]; onPath: number }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await instrumentPage(page);
  const src = `${base}/player.html?camera=cam-1&profile=main&badge=0&lang=en&format=${path}&token=${encodeURIComponent(token)}`;
  const cols = Math.ceil(Math.sqrt(tiles));
  await page.goto(`${base}/player.html`).catch(() => {});
  await page.setContent(`<style>body{margin:0;display:grid;grid-template-columns:repeat(${cols},1fr)}iframe{border:0;width:100%;height:${Math.floor(1080 / cols)}px}</style>` + Array.from({ length: tiles }, () => `<iframe src="${src}"></iframe>`).join(''));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const frames = page.frames().filter((f) => f !== page.mainFrame() && f.url().includes('/player.html'));
    const states = await Promise.all(frames.map(playerState));
    const on = frames.filter((_, i) => states[i]?.format === path && states[i]!.frames > 10);
    if (frames.length === tiles && on.length === tiles) return { page, frames, onPath: tiles };
    if (Date.now() > deadline) {
      if (on.length > 0 && states.every((s) => (s?.frames ?? 0) > 10)) return { page, frames: on, onPath: on.length };
      throw new Error(`${path} x${tiles}: tiles did not play: ${JSON.stringify(states.map((s) => ({ ...s, element: undefined })))}`);
    }
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

/**
 * Joystick move -> the picture moves, `moves` times. The timing SEI says which picture is the first
 * rendered with the camera turned (its pan) and when it was rendered (pointer -> the camera moves);
 * requestVideoFrameCallback says when that picture is to be seen in the tile (pointer -> picture
 * moves). Reading the pixels would wait for a picture whose stamp survives a fast pan's blur.
 */
async function ptzMotion(frame: Frame, clock: FragmentClock, base: string, token: string, moves: number): Promise<{ total: number[]; command: number[] }> {
  const url = `${base.replace('http', 'ws')}/api/cameras/cam-1/joystick?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url, { headers: { origin: base } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const total: number[] = [];
  const command: number[] = [];
  const newest = (): ClockPicture | undefined => [...clock.pictures.values()].reduce<ClockPicture | undefined>((a, p) => (!a || p.renderedAt > a.renderedAt ? p : a), undefined);
  try {
    for (let i = 0; i < moves; i++) {
      const before = newest()?.panDeg;
      if (before === undefined) break;
      const direction = i % 2 === 0 ? 1 : -1;
      const t0 = Date.now();
      const hold = setInterval(() => ws.send(JSON.stringify({ pan: direction, tilt: 0, zoom: 0 })), 100);
      ws.send(JSON.stringify({ pan: direction, tilt: 0, zoom: 0 }));
      try {
        let moved: [number, ClockPicture] | undefined;
        while (!moved && Date.now() - t0 < 5000) {
          for (const entry of clock.pictures) {
            const p = entry[1];
            if (p.renderedAt >= t0 && Math.abs(p.panDeg - before) > 0.05 && (!moved || p.renderedAt < moved[1].renderedAt)) moved = entry;
          }
          if (!moved) await sleep(20);
        }
        if (!moved) continue;
        command.push(moved[1].renderedAt - t0);
        const firstMoved = moved[1].renderedAt;
        while (Date.now() - t0 < 8000) {
          const shown = (await frame.evaluate('window.__hopShown || []')) as ShownPicture[];
          const seen = shown.find((s) => {
            const p = clock.pictures.get(s.time90k);
            return p !== undefined && p.renderedAt >= firstMoved && Math.abs(p.panDeg - before) > 0.05;
          });
          if (seen) {
            total.push(seen.displayAt - t0);
            break;
          }
          await sleep(50);
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
  return { total, command };
}

export default async function latency(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'drift-minutes': { type: 'string', default: '3' }, samples: { type: 'string', default: '20' }, 'drift-only': { type: 'boolean', default: false }, paths: { type: 'string', default: PATHS.join(',') }, tiles: { type: 'string', default: '1,9' }, audio: { type: 'string' } } });
  // --audio: the camera sends its G.711 test tone too (WebRTC then carries it: what audio costs).
  const audio = values.audio === 'pcmu' || values.audio === 'pcma' ? values.audio : false;
  if (values.audio !== undefined && !audio) throw new Error('--audio takes pcmu or pcma');
  const paths = values.paths.split(',').filter((p): p is Path => (PATHS as string[]).includes(p));
  const tileCounts = values.tiles.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 1 && n <= 16);
  const driftMinutes = Number(values['drift-minutes']);
  const samples = Number(values.samples);
  if (!(driftMinutes >= 0 && driftMinutes <= 240)) throw new Error('--drift-minutes must be 0..240 (0: no drift run)');
  const why = netnsUnavailableReason();
  if (why) throw new Error(`the latency benchmark runs the browser in a network namespace: ${why}`);
  const ns = createNetns();
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-latency-'));
  const stops: Array<() => Promise<void> | void> = [() => ns.remove(), () => rmSync(dataDir, { recursive: true, force: true })];
  try {
    // The camera in its own process: the browser driving here cannot hold up its pictures.
    const camera = await startCameraProcess({ id: 'cam-1', main: { width: 1280, height: 720, fps: 15, bitrateKbps: 2000 }, sub: { width: 640, height: 360, fps: 15, bitrateKbps: 500 }, timingSei: true, audio });
    stops.unshift(() => camera.stop());
    const gw = await startGatewayProcess(dataDir, ns.hostAddress, {
      cameras: { list: [{ id: 'cam-1', name: 'bench', host: camera.urls.host, port: camera.urls.onvifPort, username: camera.credentials.username, password: camera.credentials.password }] },
      streaming: { graceMs: 1000 },
      webrtc: { enabled: true },
    });
    stops.unshift(() => gw.stop());
    const browser = await chromium.launch({ executablePath: ns.chromiumLauncher(), headless: true, args: CHROMIUM_ARGS });
    stops.unshift(() => browser.close());
    const result: Record<string, number | string> = { camera: `1280x720 H.264 15 fps${audio ? `, ${audio.toUpperCase()} audio` : ''}` };
    if (!values['drift-only']) await measurePaths(browser, gw, camera, samples, paths, tileCounts, result);
    if (driftMinutes > 0) await measureDrift(browser, gw, driftMinutes, result);
    console.log(`goals: webrtc p50 < 200 ms (${result.webrtc_p50_ms ?? '-'}), PTZ pointer -> motion p50 < 250 ms (${result.ptz_motion_p50_ms ?? '-'}), MSE drift < 100 ms / 30 min (${result.mse_drift_ms_30min})`);
    console.log(`wrote ${writeResult(values['drift-only'] ? 'latency-drift' : 'latency', result)}`);
  } finally {
    for (const stop of stops) await stop();
  }
}

type Gw = { url: string; token: string; child: { pid?: number } };
const ms = (values: number[], p: number): number => round(percentile(values, p), 0);

function hopRows(path: Path, hops: HopSamples, encodeMs: number[], glass: number[]): Record<string, unknown>[] {
  const row = (hop: string, values: number[]): Record<string, unknown> => ({ path, hop, p50_ms: ms(values, 50), p95_ms: ms(values, 95), pictures: values.length });
  return [
    row('encoder hands the picture on (camera)', encodeMs),
    row('gateway fMP4 fragment out (ffmpeg)', hops.fragment),
    row(path === 'webrtc' ? 'browser has its last RTP packet' : 'browser has its fragment', hops.received),
    row('handed to the compositor (rVFC presentationTime)', hops.presented),
    row('to be seen (rVFC expectedDisplayTime)', hops.displayed),
    row('stamp read from the pixels (glass-to-glass)', glass),
  ];
}

async function measurePaths(browser: Browser, gw: Gw, camera: { encodeMs(): Promise<number[]> }, samples: number, paths: Path[], tileCounts: number[], result: Record<string, number | string>): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const hopTable: Record<string, unknown>[] = [];
  await sleep(2000);
  const idle = await measureUsage([gw.child.pid!], 5000);
  rows.push({ case: 'idle gateway (baseline)', p50_ms: '-', p95_ms: '-', cpu_pct: round(idle.cpuPct), cpu_per_viewer_pct: '-', rss_mb: round(idle.rssMb), rss_per_viewer_mb: '-' });
  result.idle_rss_mb = round(idle.rssMb);
  for (const path of paths) {
    for (const tiles of tileCounts) {
      const { page, frames, onPath } = await openTiles(browser, gw.url, gw.token, path, tiles);
      await sleep(1500);
      const usage = await measureUsage([gw.child.pid!], 6000);
      const clock = tiles === 1 && path !== 'jsmpeg' ? await startFragmentClock(gw.url, gw.token, 'cam-1') : undefined;
      const watching = tiles === 1 && path !== 'jsmpeg' && (await watchPresentation(frames[0]!));
      await camera.encodeMs();
      const lat = await latencies(frames[0]!, samples);
      const p50 = ms(lat, 50);
      const p95 = ms(lat, 95);
      // Memory per viewer: what the 9-tile run holds beyond the 1-tile run (the stream's ffmpeg and
      // caches are in both), over the 8 extra viewers; for 1 tile alone, beyond the idle gateway.
      const rssOne = result[`${path}_x1_rss_mb`];
      const rssPerViewer = tiles > 1 && typeof rssOne === 'number' ? round((usage.rssMb - rssOne) / (tiles - 1)) : round((usage.rssMb - idle.rssMb) / tiles);
      result[`${path}_x${tiles}_rss_mb`] = round(usage.rssMb);
      result[`${path}_x${tiles}_rss_per_viewer_mb`] = rssPerViewer;
      rows.push({ case: `${path}, ${tiles} tile${tiles > 1 ? 's' : ''}${onPath < tiles ? ` (${tiles - onPath} fell back)` : ''}`, p50_ms: p50, p95_ms: p95, cpu_pct: round(usage.cpuPct), cpu_per_viewer_pct: round((usage.cpuPct - idle.cpuPct) / tiles), rss_mb: round(usage.rssMb), rss_per_viewer_mb: rssPerViewer });
      result[`${path}_x${tiles}_p50_ms`] = p50;
      result[`${path}_x${tiles}_p95_ms`] = p95;
      result[`${path}_x${tiles}_cpu_per_viewer_pct`] = round((usage.cpuPct - idle.cpuPct) / tiles);
      if (clock && watching) {
        const hops = await collectHops(frames[0]!, clock);
        const encodeMs = await camera.encodeMs();
        hopTable.push(...hopRows(path, hops, encodeMs, lat));
        result[`${path}_hop_encoded_p50_ms`] = ms(encodeMs, 50);
        result[`${path}_hop_fragment_p50_ms`] = ms(hops.fragment, 50);
        result[`${path}_hop_received_p50_ms`] = ms(hops.received, 50);
        result[`${path}_hop_presented_p50_ms`] = ms(hops.presented, 50);
      }
      if (clock && watching) {
        // Receiver figures around the PTZ moves (WebRTC): a fast pan's big pictures lost on the way
        // would show as NACKs and PLIs, and a PLI waits for the camera's next keyframe.
        const stats = async (): Promise<Record<string, number> | undefined> => (await frames[0]!.evaluate('window.cgPlayer.webrtcStats')) as Record<string, number> | undefined;
        const statsBefore = await stats();
        const motion = await ptzMotion(frames[0]!, clock, gw.url, gw.token, 8);
        const statsAfter = await stats();
        if (statsBefore && statsAfter) {
          for (const k of ['lost', 'nack', 'pli', 'dropped']) result[`ptz_${path}_${k}_during_moves`] = (statsAfter[k] ?? 0) - (statsBefore[k] ?? 0);
          console.log(`${path} receiver during the PTZ moves: ${['lost', 'nack', 'pli', 'dropped'].map((k) => `${k} +${(statsAfter[k] ?? 0) - (statsBefore[k] ?? 0)}`).join(', ')}`);
        }
        result[`ptz_motion_${path}_p50_ms`] = ms(motion.total, 50);
        result[`ptz_command_${path}_p50_ms`] = ms(motion.command, 50);
        rows.push({ case: `PTZ move -> moved picture to be seen (${path})`, p50_ms: ms(motion.total, 50), p95_ms: ms(motion.total, 95), cpu_pct: '-', cpu_per_viewer_pct: '-', rss_mb: '-', rss_per_viewer_mb: '-' });
        rows.push({ case: `  of which pointer -> moved picture rendered (camera)`, p50_ms: ms(motion.command, 50), p95_ms: ms(motion.command, 95), cpu_pct: '-', cpu_per_viewer_pct: '-', rss_mb: '-', rss_per_viewer_mb: '-' });
      }
      await clock?.close();
      await page.close();
      await sleep(1500);
    }
  }
  printTable('where the time goes, 1 tile (ms since the picture was rendered)', hopTable);
  printTable('glass-to-glass (frame stamp rendered -> shown in Chromium), gateway CPU (Node + ffmpeg, % of one core) and resident memory (MiB; per viewer: 9 tiles minus 1, over 8)', rows);
  Object.assign(result, {
    webrtc_p50_ms: result.webrtc_x1_p50_ms!,
    webrtc_p95_ms: result.webrtc_x1_p95_ms!,
    mse_p50_ms: result.mse_x1_p50_ms!,
    jsmpeg_p50_ms: result.jsmpeg_x1_p50_ms!,
    ptz_motion_p50_ms: result.ptz_motion_webrtc_p50_ms!,
    // What each path costs per viewer (the closing note asks for WebRTC's): CPU % of one core, resident MiB.
    ...Object.fromEntries(paths.flatMap((path) => [
      [`${path}_cpu_per_viewer_pct`, result[`${path}_x9_cpu_per_viewer_pct`] ?? result[`${path}_x1_cpu_per_viewer_pct`] ?? '-'],
      [`${path}_rss_per_viewer_mb`, result[`${path}_x9_rss_per_viewer_mb`] ?? result[`${path}_x1_rss_per_viewer_mb`] ?? '-'],
    ])),
  });
}

/** MSE latency at the start, every minute, and at the end of an N-minute run on one tile; with the player's own figures. */
async function measureDrift(browser: Browser, gw: Gw, driftMinutes: number, result: Record<string, number | string>): Promise<void> {
  const { page, frames } = await openTiles(browser, gw.url, gw.token, 'mse', 1);
  const rows: Record<string, unknown>[] = [];
  const sample = async (label: string): Promise<number> => {
    const p50 = percentile(await latencies(frames[0]!, 10), 50);
    const s = (await frames[0]!.evaluate('({ behind: window.cgPlayer.behindSeconds, jumps: window.cgPlayer.liveJumps || 0, frames: window.cgPlayer.frames })')) as { behind: number; jumps: number; frames: number };
    rows.push({ at: label, p50_ms: round(p50, 0), buffered_ahead_ms: round((s.behind ?? 0) * 1000, 0), live_jumps: s.jumps, frames: s.frames });
    return p50;
  };
  await sleep(2000);
  const start = await sample('start');
  const startedAt = Date.now();
  for (let minute = 1; minute < driftMinutes; minute++) {
    await sleep(Math.max(0, startedAt + minute * 60_000 - Date.now()));
    await sample(`${minute} min`);
  }
  await sleep(Math.max(0, startedAt + driftMinutes * 60_000 - Date.now()));
  const end = await sample(`${driftMinutes} min`);
  await page.close();
  const drift30 = round(((end - start) * 30) / driftMinutes, 0);
  printTable(`MSE drift over ${driftMinutes} min${driftMinutes < 30 ? ` (x${round(30 / driftMinutes, 1)} -> 30 min, extrapolated)` : ''}`, rows);
  Object.assign(result, { mse_drift_ms_30min: drift30, mse_drift_measured_minutes: driftMinutes, mse_drift_start_ms: round(start, 0), mse_drift_end_ms: round(end, 0) });
}
