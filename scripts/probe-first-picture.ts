/**
 * `npx tsx scripts/probe-first-picture.ts [runs] [--camera-rtp=0] [--webrtc=0] [--warm=webrtc|mse|ws|none] [--tile=<query>] [--profile=<dir>]`:
 * separates the suspects of a slow first picture by turning each off in turn. Starts nine
 * simulated cameras and the gateway (own process), keeps the grid's four streams warm with bare
 * players in the given format, or WebSocket viewers in this process (ws), or none (cold), then opens the console `runs` times and prints the
 * first-picture times, what drew the first picture (the MSE bridge or WebRTC), and how long the
 * gateway took to answer a static file meanwhile (its event loop's delay). A diagnostic, not a
 * benchmark: `npm run bench -- dashboard` gives the figures.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loggedIn, waitUntil } from '../bench/lib/console-timings.js';
import { login, startGateway, stopDashboardRun } from '../bench/lib/dashboard-gateway.js';
import { percentile } from '../bench/lib/report.js';
import { keepStreamsWarm, type StreamKeepers } from '../bench/lib/stream-keepers.js';
import { launchChromium } from '../test/helpers/browser.js';
import { playerPagePlays, startCameras } from '../test/dashboard/helpers.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 8);
const warmFormat = arg('warm') ?? 'webrtc';

const dataDir = mkdtempSync(join(tmpdir(), 'cg-probe-first-'));
const { cameras, config } = await startCameras(9);
const webrtc = { ...(arg('camera-rtp') === '0' ? { cameraRtp: false } : {}), ...(arg('webrtc') === '0' ? { enabled: false } : {}) };
/** `--profile=<dir>`: the gateway writes a CPU profile there when it stops. */
const profileDir = arg('profile');
const gateway = await startGateway(dataDir, { ...config, ...(Object.keys(webrtc).length ? { webrtc } : {}) }, profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {});
const browser = await launchChromium();

/** Time to fetch a small static file from the gateway, every 100 ms while `busy` runs. */
async function staticDelays<T>(busy: Promise<T>): Promise<{ result: T; delays: number[] }> {
  const delays: number[] = [];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const t0 = performance.now();
      await (await fetch(`${gateway.url}/status-text.js`)).arrayBuffer();
      delays.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const result = await busy.finally(() => (done = true));
  await sampler;
  return { result, delays };
}

try {
  const token = await login(gateway.url);
  await new Promise((r) => setTimeout(r, 3000));
  const warm: Page[] = [];
  let keepers: StreamKeepers | undefined;
  if (warmFormat === 'ws') keepers = await keepStreamsWarm(gateway.url, token, ['cam-1', 'cam-2', 'cam-3', 'cam-4']);
  else if (warmFormat !== 'none') {
    for (let i = 1; i <= 4; i++) {
      const p = await browser.newPage({ viewport: { width: 320, height: 180 } });
      await p.goto(`${gateway.url}/player.html?camera=cam-${i}&profile=sub&format=${warmFormat === 'webrtc' ? 'auto' : warmFormat}&token=${token}`);
      warm.push(p);
    }
    await waitUntil(async () => (await Promise.all(warm.map(playerPagePlays))).every(Boolean), 60_000, 'four warm streams', 100);
  }
  const idle = await staticDelays(new Promise((r) => setTimeout(r, 3000)));
  const times: number[] = [];
  const drawnBy: string[] = [];
  const openDelays: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const context = await loggedIn(browser, gateway.url, token);
    const page = await context.newPage();
    const started = Date.now();
    const { delays } = await staticDelays(
      (async () => {
        await page.goto(`${gateway.url}/${arg('tile') ? `?${arg('tile')}` : ''}`);
        await waitUntil(
          async () => {
            // What drew the first picture: the MSE bridge (its layer is still there) or WebRTC itself.
            const at = (await page
              .evaluate("(() => { for (const h of document.querySelectorAll('.tile .tile-video')) { const p = h.cgPlayer; if (p && p.frames > 0) return [Date.now(), h.querySelector('.cg-bridge') ? 'mse-bridge' : p.format]; } return null; })()")
              .catch(() => null)) as [number, string] | null;
            if (!Array.isArray(at)) return false;
            times.push(at[0] - started);
            drawnBy.push(at[1]);
            return true;
          },
          30_000,
          'the first picture',
          20,
        );
      })(),
    );
    openDelays.push(...delays);
    await context.close();
    await new Promise((r) => setTimeout(r, 1000));
  }
  keepers?.close();
  const f = (v: number[]) => `p50 ${Math.round(percentile(v, 50))} p95 ${Math.round(percentile(v, 95))} max ${Math.round(Math.max(...v))}`;
  console.log(`warm=${warmFormat} webrtc=${JSON.stringify(webrtc)} load ${loadavg()[0]!.toFixed(2)}`);
  console.log(`first picture ms: ${times.map(Math.round).join(' ')} | ${f(times)}`);
  console.log(`drawn first by: ${drawnBy.join(' ')}`);
  console.log(`static file from the gateway, idle console ms: ${f(idle.delays)}; while consoles open: ${f(openDelays)}`);
} finally {
  await stopDashboardRun({ browser, gateway, cameras, dataDir });
}
process.exit(0);
