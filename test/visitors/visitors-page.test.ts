/**
 * The Visitors tab in Chromium (zh-CN): an officer registers a visitor, sees the QR code, the
 * simulated barrier opens for that code, the gates page names the visitor; a viewer only reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { freePort } from '../../src/core/net.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { loginThroughForm } from '../dashboard/helpers.js';
import { pngShowsQr } from './qr.js';

describe('the Visitors tab', () => {
  const simDir = mkdtempSync(join(tmpdir(), 'cg-visitors-page-'));
  const { barriers, devices } = barrierDevices(1);
  let gw: TestGateway;
  let fleet: BarrierFleet;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    gw = await startTestGateway({ config: { mqtt: { devices, embedded: { port } }, visitors: { publishDelayMs: 50 } } });
    fleet = makeFleet(barriers, { dataDir: simDir });
    await fleet.start(`mqtt://127.0.0.1:${port}`);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await gw?.stop();
    rmSync(simDir, { recursive: true, force: true });
  });

  const openTab = async (page: Page, name: string) => page.getByRole('tab', { name }).click();

  it('an officer registers a visitor and sees the QR code; the barrier opens for it; the gates page names the visitor', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await loginThroughForm(page, gw.url, 'officer');
    await openTab(page, '外来人员');
    const form = page.getByRole('form', { name: '登记访客' });
    await form.getByLabel('姓名').fill('王小明');
    await form.getByLabel('手机号').fill('13912345678');
    await form.getByLabel('楼栋').fill('5');
    await form.getByLabel('单元').fill('1');
    await form.getByLabel('房号').fill('302');
    await form.getByLabel('事由').fill('送货');
    const issued = page.waitForResponse((r) => r.url().endsWith('/api/visitors') && r.request().method() === 'POST');
    await form.getByRole('button', { name: '登记并生成通行码' }).click();
    const pass = (await (await issued).json()) as { id: number; token: string };
    expect((await issued).status()).toBe(201);

    const card = page.locator('.visitor-pass-card');
    await card.getByText('5栋1单元302室').waitFor({ timeout: 5000 });
    await waitFor(async () => (await card.locator('img.visitor-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)) || undefined, 5000, 'the QR image loaded');
    // The image the officer sees is the QR code of the pass the barrier will be shown.
    const png = await page.evaluate(async (src) => Array.from(new Uint8Array(await (await fetch(src)).arrayBuffer())), `/api/visitors/${pass.id}/qr.png`);
    expect(pngShowsQr(Buffer.from(png), pass.token)).toBe(true);
    await expect(card.getByRole('button', { name: '打印' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(tmpdir(), 'visitors-zh-CN.png'), fullPage: true }).catch(() => undefined);

    // The visitor shows the code at the barrier.
    const barrier = fleet.get('gate-1');
    await waitFor(() => barrier.passes.size === 1 || undefined, 5000, 'the pass on the barrier');
    const entry = await barrier.present({ credential: { type: 'qr', value: pass.token }, direction: 'in' });
    expect(entry).toMatchObject({ result: 'granted', reason: 'visitor pass' });
    await waitFor(() => barrier.armState.state !== 'closed' || undefined, 3000, 'the arm to open');

    await openTab(page, '出入口');
    await page.locator('.gate-feed .visitor-tag', { hasText: '访客 王小明' }).first().waitFor({ timeout: 8000 });
    await openTab(page, '外来人员');
    const row = page.locator('.visitors-table tbody tr', { hasText: '王小明' });
    await row.waitFor({ timeout: 5000 });
    await expect(row.textContent()).resolves.toContain('有效');
    // Everything a person reads on the tab is Chinese (CSV is a word officers use), times in site time (UTC+8), not New York's.
    const text = await page.locator('.visitors-panel').innerText();
    expect((text.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => w !== 'CSV')).toEqual([]);
    const validFrom = (await (await gw.api(`/api/visitors/${pass.id}`, { token: await gw.login('viewer') })).json()) as { validFrom: string };
    const siteFrom = new Date(Date.parse(validFrom.validFrom) + 480 * 60_000).toISOString().slice(5, 16).replace('T', ' ');
    expect(text).toContain(siteFrom);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a viewer reads the day\'s visitors but cannot register or revoke', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await loginThroughForm(page, gw.url, 'viewer');
    await openTab(page, '外来人员');
    await page.locator('.visitors-table tbody tr', { hasText: '王小明' }).waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
      const text = await page.locator('main').innerText().catch(() => '');
      await context.close();
      throw new Error(`${String(err).split('\n')[0]}; the page shows: ${text.slice(0, 600)}`);
    });
    expect(await page.getByRole('form', { name: '登记访客' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '作废' }).count()).toBe(0);
    await page.getByText('只读账号可以查看').waitFor({ timeout: 2000 });
    await context.close();
  });
});
