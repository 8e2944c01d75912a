/**
 * `npx tsx scripts/trace-first-picture.ts [runs]`: where the time goes between opening the console
 * and its first picture, with the grid's four streams already running (kept warm by WebSocket viewers).
 * Per run it prints the hops of the page and of its tiles' players, from the browser's
 * own clocks (navigation and resource timing, an init script that notes the RTCPeerConnection's
 * states and the first picture), relative to `page.goto`, then the median of each hop over the
 * runs. A diagnostic, not a benchmark: `npm run bench -- dashboard` gives the figures.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { loggedIn, waitUntil } from '../bench/lib/console-timings.js';
import { login, startGateway, stopDashboardRun } from '../bench/lib/dashboard-gateway.js';
import { keepStreamsWarm } from '../bench/lib/stream-keepers.js';
import { launchChromium } from '../test/helpers/browser.js';
import { playerPagePlays, startCameras, tilePlayers } from '../test/dashboard/helpers.js';

const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
/** `--player=webrtc|mse`: a bare player page of cam-1 in that format instead of the console. */
const playerFormat = process.argv.find((a) => a.startsWith('--player='))?.slice('--player='.length);

/** Runs in the document (the console, or the player page) before its own scripts. */
const INIT = `(() => {
  const marks = (window.__cgMarks = []);
  const mark = (what) => marks.push([performance.timeOrigin + performance.now(), what]);
  mark('document starts');
  document.addEventListener('DOMContentLoaded', () => mark('DOMContentLoaded'));
  const Pc = window.RTCPeerConnection;
  if (Pc) {
    window.RTCPeerConnection = class extends Pc {
      constructor(...args) {
        super(...args);
        mark('RTCPeerConnection created');
        this.addEventListener('iceconnectionstatechange', () => mark('ice ' + this.iceConnectionState));
        this.addEventListener('connectionstatechange', () => mark('pc ' + this.connectionState));
        this.addEventListener('track', () => mark('track'));
      }
      async setRemoteDescription(d) { mark('answer received'); const r = await super.setRemoteDescription(d); mark('answer applied'); return r; }
    };
  }
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      const name = new URL(String(args[0])).pathname;
      mark('ws created ' + name);
      this.addEventListener('open', () => mark('ws open ' + name));
    }
  };
  const watch = () => {
    // the player page's one player, or the first console tile with a picture
    const p = window.cgPlayer || [...document.querySelectorAll('.tile-video')].map((h) => h.cgPlayer).find((x) => x && x.frames > 0);
    if (p && p.frames > 0) return mark('first picture (' + p.format + ')');
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
})();`;

type Mark = [number, string];

async function documentMarks(frame: Frame, label: string): Promise<Mark[]> {
  return frame.evaluate((label) => {
    const origin = performance.timeOrigin;
    const out: Array<[number, string]> = (window as unknown as { __cgMarks?: Array<[number, string]> }).__cgMarks?.map(([t, w]) => [t, `${label}${w}`]) ?? [];
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav) {
      out.push([origin + nav.requestStart, `${label}html request sent`], [origin + nav.responseEnd, `${label}html received`]);
    }
    for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
      const path = new URL(r.name).pathname.replace(/^\/assets\/(\w+)-[\w-]+\./, '/assets/$1.');
      if (r.initiatorType === 'iframe') continue;
      out.push([origin + r.startTime, `${label}${path} asked`], [origin + r.responseEnd, `${label}${path} done (${Math.round(r.responseEnd - r.startTime)} ms, waited ${Math.round(Math.max(0, r.requestStart - r.startTime))} ms for a connection, ${r.transferSize === 0 ? 'from cache' : `${r.transferSize} B`})`]);
    }
    return out;
  }, label);
}

const dataDir = mkdtempSync(join(tmpdir(), 'cg-trace-first-'));
const { cameras, config } = await startCameras(9);
const gateway = await startGateway(dataDir, config);
const browser = await launchChromium();
const hops = new Map<string, number[]>();
try {
  const token = await login(gateway.url);
  await new Promise((r) => setTimeout(r, 3000));
  // The grid's four streams kept running by WebSocket viewers in this process (as the bench does):
  // players in the same Chromium would share the page's browser.
  const keepers = await keepStreamsWarm(gateway.url, token, ['cam-1', 'cam-2', 'cam-3', 'cam-4']);
  for (let run = 1; run <= runs; run++) {
    const context = await loggedIn(browser, gateway.url, token);
    await context.addInitScript(INIT);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(playerFormat ? `${gateway.url}/player.html?camera=cam-1&profile=sub&format=${playerFormat}&badge=0` : gateway.url);
    // The player page's one player, or the console's tiles (they play in its own page).
    await waitUntil(
      async () => (playerFormat ? await playerPagePlays(page) : (await tilePlayers(page)).some((p) => p.frames > 0)),
      30_000,
      'the first picture',
      20,
    );
    const total = Date.now() - started;
    await page.waitForTimeout(300); // the init script's own "first picture" mark (next animation frame)
    const marks = (await documentMarks(page.mainFrame(), '')).sort((a, b) => a[0] - b[0]);
    console.log(`\n--- run ${run}: first picture after ${total} ms (load ${loadavg()[0]!.toFixed(2)})`);
    for (const [at, what] of marks) {
      console.log(`${String(Math.round(at - started)).padStart(6)} ms  ${what}`);
      const key = what.replace(/ \(.*\)$/, '').replace(/^\[cam-\d\] /, '[tile] ');
      if (!hops.has(key)) hops.set(key, []);
      hops.get(key)!.push(at - started);
    }
    await context.close();
    await new Promise((r) => setTimeout(r, 1000));
  }
  keepers.close();
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  console.log(`\n--- medians over ${runs} runs (ms after page.goto)`);
  for (const [what, at] of [...hops].sort((a, b) => median(a[1]) - median(b[1]))) if (at.length >= runs / 2) console.log(`${String(Math.round(median(at))).padStart(6)}  ${what}`);
} finally {
  await stopDashboardRun({ browser, gateway, cameras, dataDir });
}
process.exit(0);
