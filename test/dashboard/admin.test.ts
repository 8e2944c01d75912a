/**
 * The administration tab in real Chromium, in Chinese, with the browser in another time zone than
 * the site (New York against the site's UTC+8): a wall link made on the page opens the wall and
 * revoking it stops that wall; users added and their roles changed; my password changed (and the
 * gateway's refusal shown in Chinese, from its message code); the audit log in the site's time,
 * filtered, and its CSV with the same filters.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteLocalTime } from '../../src/core/site-time.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { SCREENSHOTS } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('administration page in Chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminToken: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts'], { cwd: ROOT, stdio: 'pipe' });
    gw = await startTestGateway({ config: { site: { name: '莲花小区' }, access: { utcOffsetMinutes: 480 } } });
    adminToken = await gw.login('admin');
    browser = await launchChromium();
    context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${gw.url}/#admin`);
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'admin-password-1');
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: '电视墙链接' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('a wall link made on the page opens the wall (link and QR); revoking it on the page stops that wall', async () => {
    await page.getByLabel('名称（如：值班室电视）').fill('值班室电视');
    await page.getByRole('button', { name: '生成链接' }).click();
    const link = await page.locator('input.wall-link-url').inputValue();
    expect(link).toMatch(new RegExp(`^${gw.url}/wall\\?token=`));
    const qr = page.locator('img.wall-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    const wall = await context.newPage();
    await wall.goto(link);
    await wall.locator('main.wall:not(.refused)').waitFor({ timeout: 10_000 });
    await expect.poll(() => wall.locator('.wall-empty').innerText()).toBe('没有可显示的摄像机');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '撤销“值班室电视”' }).click();
    await page.getByText('已撤销“值班室电视”').waitFor();
    // The wall's live feed is closed within a second of the revocation; the wall shows its refusal.
    await wall.locator('main.wall.refused').waitFor({ timeout: 5000 });
    // A wall that was playing says its access was withdrawn (issue 15), not "invalid link".
    expect(await wall.locator('main.wall.refused').innerText()).toContain('这块屏幕的访问权限已被收回');
    const res = await fetch(link.replace('/wall?token=', '/api/auth/me?token='));
    expect(res.status).toBe(401);
    await wall.close();
  });

  it('users: added with a role on the page, the role changed; the new user changes their password on the page, a weak one refused in Chinese', async () => {
    const form = page.locator('.admin-users form');
    await form.getByLabel('用户名').fill('wang');
    await form.getByLabel('姓名').fill('王值班');
    await form.getByLabel('权限').selectOption('viewer');
    await form.getByLabel('初始密码').fill('short');
    await form.getByRole('button', { name: '添加用户' }).click();
    // The gateway's refusal arrives as a message code and is shown from the Chinese catalog.
    await expect.poll(() => page.locator('.admin-users [role=alert]').innerText()).toBe('新密码太短：至少 10 个字符');
    await form.getByLabel('初始密码').fill('Lotus-garden-42');
    await form.getByRole('button', { name: '添加用户' }).click();
    await page.getByText('已添加用户 wang').waitFor();
    await page.getByLabel('wang 的权限').selectOption('officer');
    await page.getByText('已修改 王值班 的权限').waitFor();
    const users = (await (await gw.api('/api/users', { token: adminToken })).json()) as { users: Array<{ name: string; role: string; displayName: string | null; source: string }> };
    expect(users.users.find((u) => u.name === 'wang')).toEqual({ name: 'wang', role: 'officer', displayName: '王值班', source: 'local' });

    const other = await browser.newContext({ timezoneId: 'America/New_York' });
    const mine = await other.newPage();
    await mine.goto(`${gw.url}/#admin`);
    await mine.fill('input[name=name]', 'wang');
    await mine.fill('input[name=password]', 'Lotus-garden-42');
    await mine.click('button[type=submit]');
    await mine.getByRole('heading', { name: '修改我的密码' }).waitFor();
    // An officer sees no user list, wall links or audit log.
    expect(await mine.getByRole('heading', { name: '用户和权限' }).count()).toBe(0);
    await mine.getByLabel('当前密码').fill('Lotus-garden-42');
    await mine.getByLabel('新密码', { exact: true }).fill('Lotus-garden-43');
    await mine.getByLabel('再次输入新密码').fill('Lotus-garden-43');
    await mine.getByRole('button', { name: '修改密码' }).click();
    await mine.getByText('密码已修改').waitFor();
    await other.close();
    const login = await gw.api('/api/auth/login', { method: 'POST', json: { name: 'wang', password: 'Lotus-garden-43' } });
    expect(login.status).toBe(200);
  });

  it('site name: changed on the page, kept by the gateway; an empty one refused in Chinese', async () => {
    const card = page.locator('.admin-site');
    await card.getByLabel('小区名称').fill('莲花小区二期');
    await card.getByRole('button', { name: '保存' }).click();
    await card.getByText('小区名称已改为“莲花小区二期”').waitFor();
    const system = (await (await gw.api('/api/system', { token: adminToken })).json()) as { site: { name: string; utcOffsetMinutes: number } };
    expect(system.site).toMatchObject({ name: '莲花小区二期', utcOffsetMinutes: 480 });
    const empty = await gw.api('/api/site/name', { method: 'PUT', token: adminToken, json: { name: '  ' } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'bad_request', messageCode: 'settings.site-name', params: { max: 64 } });
  });

  it('audit log: times in the site zone (not the browser\'s), filters, and the CSV with the same filters (BOM, local times)', async () => {
    const entries = (await (await gw.api('/api/audit?action=auth.user.', { token: adminToken })).json()) as { entries: Array<{ at: string; action: string; target: string }> };
    expect(entries.entries.map((e) => e.action)).toContain('auth.user.create');
    const audit = page.locator('.admin-audit');
    await audit.getByLabel('操作类别').selectOption('auth');
    // a name typed, then the list redrawn (another filter picked) before the field is left: the
    // typed name stays and applies when the field is left (it used to vanish in the redraw)
    await audit.getByLabel('用户').fill('admin');
    await audit.getByLabel('结果').selectOption('ok');
    await expect.poll(() => audit.getByLabel('用户').inputValue()).toBe('admin');
    await audit.getByLabel('用户').press('Tab');
    const rows = audit.locator('tbody tr');
    // Actions read by name (修改用户 = auth.user.update); the code stays in the cell's title.
    await expect.poll(() => rows.filter({ hasText: '修改用户' }).count()).toBeGreaterThan(0);
    const update = entries.entries.find((e) => e.action === 'auth.user.update')!;
    expect(await rows.filter({ hasText: '修改用户' }).first().innerText()).toContain(siteLocalTime(update.at, 480));
    expect(await rows.filter({ has: page.locator('td[title="auth.user.update"]') }).count()).toBeGreaterThan(0);
    expect(await rows.filter({ hasText: '撤销电视墙链接' }).count()).toBe(1);
    expect(await rows.filter({ has: page.locator('td[title^="camera."]') }).count()).toBe(0);

    const href = await audit.getByRole('link', { name: '导出 CSV' }).getAttribute('href');
    expect(href).toContain('action=auth.');
    expect(href).toContain('user=admin');
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return Array.from(new Uint8Array(await res.arrayBuffer()));
    }, href!);
    expect(csv.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(new Uint8Array(csv.slice(3)));
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('time (UTC+08:00),user,role,action,target,outcome,from,detail');
    expect(lines.slice(1).every((l) => l.includes(',admin,') && l.includes(',auth.') && l.includes(',ok,'))).toBe(true);
    expect(text).toContain(`${siteLocalTime(update.at, 480)},admin,admin,auth.user.update,wang,ok`);
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-zh-CN.png'), fullPage: true });
  });
});
