/**
 * `npx tsx scripts/trace-console-start.ts [runs] [--warm]`: where the time goes between opening the
 * console and its first picture. Starts nine simulated cameras and the gateway (its own process),
 * opens the console in Chromium `runs` times and prints, per run, a timeline relative to
 * `page.goto`: each HTTP request's end, each WebSocket's creation, first message and first binary
 * message, the gateway's stream log lines, and each tile's first picture. `--warm` keeps a bare
 * player of each camera open, so the gateway's streams already run (the GOP cache is served).
 * A diagnostic, not a benchmark: `npm run bench -- dashboard` gives the figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggedIn, waitUntil } from '../bench/lib/console-timings.js';
import { login, startGateway, stopDashboardRun } from '../bench/lib/dashboard-gateway.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startCameras, tilePlayers } from '../test/dashboard/helpers.js';

const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
const warm = process.argv.includes('--warm');
const events: Array<{ at: number; what: string }> = [];
let origin = 0;
const mark = (what: string, at = Date.now()): void => {
  if (origin > 0) events.push({ at: at - origin, what });
};

const dataDir = mkdtempSync(join(tmpdir(), 'cg-trace-'));
const { cameras, config } = await startCameras(9);
const gateway = await startGateway(dataDir, config, {
  logLevel: 'info',
  onLine: (line) => {
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string; stream?: string };
      if (entry.stream && entry.time) mark(`gateway: ${entry.stream} ${entry.msg}`, entry.time);
    } catch {
      /* not JSON */
    }
  },
});
const browser = await launchChromium();
try {
  const token = await login(gateway.url);
  await new Promise((r) => setTimeout(r, 3000));
  const warmPages = [];
  if (warm) {
    for (let i = 1; i <= 4; i++) {
      const p = await browser.newPage({ viewport: { width: 320, height: 180 } });
      await p.goto(`${gateway.url}/player.html?camera=cam-${i}&profile=sub&token=${token}`);
      warmPages.push(p);
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
  for (let run = 1; run <= runs; run++) {
    events.length = 0;
    const context = await loggedIn(browser, gateway.url, token);
    const page = await context.newPage();
    page.on('requestfinished', (req) => mark(`http ${new URL(req.url()).pathname}${new URL(req.url()).search.slice(0, 40)}`));
    page.on('websocket', (ws) => {
      const name = new URL(ws.url()).pathname + new URL(ws.url()).search.replace(/token=[^&]*/, '').slice(0, 40);
      mark(`ws created ${name}`);
      let first = true;
      let firstBinary = true;
      ws.on('framereceived', (f) => {
        if (first) mark(`ws first message ${name}`);
        first = false;
        if (typeof f.payload !== 'string' && firstBinary) {
          firstBinary = false;
          mark(`ws first binary ${name}`);
        }
      });
    });
    const seen = new Set<string>();
    origin = Date.now();
    await page.goto(gateway.url);
    await waitUntil(
      async () => {
        for (const state of await tilePlayers(page)) {
          if (seen.has(state.camera) || state.frames === 0) continue;
          seen.add(state.camera);
          mark(`tile ${state.camera} first picture`);
        }
        return seen.size >= 4;
      },
      30_000,
      'four tiles',
      5,
    );
    console.log(`\n--- run ${run}${warm ? ' (streams warm)' : ''}, load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
    for (const e of events.sort((a, b) => a.at - b.at)) console.log(`${String(e.at).padStart(6)} ms  ${e.what}`);
    origin = 0;
    await context.close();
    await new Promise((r) => setTimeout(r, warm ? 1000 : 3500));
  }
  for (const p of warmPages) await p.close();
} finally {
  await stopDashboardRun({ browser, gateway, cameras, dataDir });
}
process.exit(0);
