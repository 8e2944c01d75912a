/**
 * Screenshots of the pages built for issue 16, in zh-CN (`npx tsx scripts/screenshots.ts [DIR]`):
 * starts `community-gateway start --demo` (the simulated community) on free ports with a fresh
 * data folder, logs in as the first-start admin in Chromium (1366x768) and saves one PNG per page
 * into DIR (default docs/screenshots/issue-16/). Needs the built dashboards (npm run build:web).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { INITIAL_ADMIN_FILE } from '../src/auth/users.js';
import { launchChromium } from '../test/helpers/browser.js';

const ROOT = new URL('../', import.meta.url).pathname;
const OUT = resolve(process.argv[2] ?? join(ROOT, 'docs/screenshots/issue-16'));
const START_TIMEOUT_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-screenshots-'));
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const config = join(dataDir, 'config.json');
  writeFileSync(config, JSON.stringify({ storage: { dataDir: join(dataDir, 'data') }, http: { host: '127.0.0.1', port: httpPort }, mqtt: { embedded: { host: '127.0.0.1', port: mqttPort } } }));
  const gateway = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/main.ts', 'start', '--demo', '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  gateway.stdout.on('data', (d: Buffer) => (log += d.toString()));
  gateway.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${httpPort}`;
  const browser = await launchChromium();
  try {
    await waitUntil('the gateway', async () => (await fetch(`${url}/healthz`)).ok, START_TIMEOUT_MS);
    const passwordFile = join(dataDir, 'data', INITIAL_ADMIN_FILE);
    await waitUntil('the first admin password', () => existsSync(passwordFile), 10_000);
    const password = readFileSync(passwordFile, 'utf8').trim();
    mkdirSync(OUT, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(`${url}/?lang=zh-CN`);
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.getByRole('tab', { name: '出入口' }).waitFor();
    const shot = async (name: string) => {
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      console.log(`${name}.png`);
    };
    const tab = async (name: string) => {
      await page.getByRole('tab', { name }).click();
      await page.waitForLoadState('networkidle').catch(() => undefined);
    };
    const scrollTo = (p: Page, selector: string) => p.locator(selector).first().scrollIntoViewIfNeeded();

    // Tours editor: a camera selected, a new tour with two steps.
    await tab('视频监控');
    await page.locator('.tile .tile-select').first().click();
    await page.getByRole('button', { name: '新建巡航' }).click();
    await page.locator('input[name=tour-name]').fill('夜间巡逻');
    const addStep = page.getByRole('button', { name: '添加步骤' });
    await waitUntil('the camera presets', () => addStep.isEnabled(), 15_000).catch(() => console.warn('no presets: the tour has no steps'));
    if (await addStep.isEnabled()) for (let i = 0; i < 2; i++) await addStep.click();
    await scrollTo(page, 'ol.tour-steps');
    await shot('tours-editor');
    await page.keyboard.press('Escape');

    // Device page, then camera add with discovery.
    await tab('设备管理');
    await page.locator('tr[data-camera-row][data-status]').first().waitFor({ timeout: 20_000 });
    await shot('devices');
    await page.getByRole('button', { name: '搜索局域网内的摄像机' }).click();
    await page.waitForTimeout(3000);
    await scrollTo(page, '.discovery');
    await shot('camera-discovery');
    await page.locator('.devices-page button.primary').first().click();
    await scrollTo(page, 'form.camera-form');
    await shot('camera-add');

    // Schedules form (weekly, without cron).
    await tab('广播喊话');
    await page.getByRole('button', { name: '新建定时宣传' }).click();
    const form = page.locator('form.schedule-form');
    await form.locator('select[name=schedule-mode]').selectOption('weekly');
    await form.locator('input[name=schedule-time]').fill('20:30');
    await form.scrollIntoViewIfNeeded();
    await shot('schedules-form');

    // Gates with CSV export and filters.
    await tab('出入口');
    await page.locator('form.filters').waitFor();
    await scrollTo(page, 'form.filters');
    await shot('gates-filters-csv');

    // Administration: three cards a row, so two screens show them all.
    await tab('系统管理');
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    for (const [name, selector] of [
      ['admin-password-site-volume', '#admin-password-title'],
      ['admin-users-wall-tokens-audit', '#admin-users-title'],
    ] as const) {
      await page.locator(selector).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(name);
    }
  } catch (err) {
    console.error(log.split('\n').slice(-30).join('\n'));
    throw err;
  } finally {
    await browser.close();
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
