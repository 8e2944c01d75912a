/**
 * The console's first question to the gateway (/api/auth/me) gets no answer: the page says so and
 * asks again, then shows the login form once the gateway answers. It never stays on "loading".
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  gw = await startTestGateway({});
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

describe('session check', () => {
  it('a first /api/auth/me that hangs and a second that fails: the page says the gateway does not answer, then shows the login form', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    let calls = 0;
    const held: Array<() => void> = [];
    await page.route('**/api/auth/me', async (route) => {
      calls++;
      if (calls === 1) {
        // No answer at all: the page's own timeout must end this one.
        await new Promise<void>((resolve) => held.push(resolve));
        await route.abort('timedout').catch(() => undefined);
        return;
      }
      if (calls === 2) return route.abort('connectionrefused');
      return route.continue();
    });
    await page.goto(gw.url);
    await page.locator('.unreachable', { hasText: '网关没有应答' }).waitFor({ timeout: 15_000 });
    await page.locator('input[name=name]').waitFor({ timeout: 15_000 });
    expect(calls).toBeGreaterThanOrEqual(3);
    for (const release of held) release();
    await context.close();
  }, 45_000);
});
