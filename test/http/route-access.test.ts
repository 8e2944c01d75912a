import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../../src/auth/principal.js';
import { ROUTE_ACCESS } from '../../src/http/route.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: { [ROUTE_ACCESS]?: Access } }> };
}

interface RouteInfo {
  method: string;
  path: string;
  access: Access | undefined;
}

/** Every route registered in the express app, with the role its first handler declares. */
function walk(gw: TestGateway): RouteInfo[] {
  const stack = (gw.gateway.app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((method) => ({ method, path: layer.route!.path, access: layer.route!.stack[0]?.handle[ROUTE_ACCESS] }))
      : [],
  );
}

const STATE_CHANGING = ['post', 'put', 'patch', 'delete'];

/** `{"a":[[[...]]]}` nested `depth` levels deep. */
const nestedBody = (depth: number) => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

/** A fingerprint of every row of every table: equal before and after means nothing changed. */
function databaseFingerprint(gw: TestGateway): string {
  const db = gw.gateway.database.db;
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  const hash = createHash('sha256');
  for (const { name } of tables) hash.update(name).update(JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all()));
  return hash.digest('hex');
}

/** Status of a WebSocket upgrade with the given headers (101 when it opened). */
async function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  const { WebSocket } = await import('ws');
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(0);
    }, 5000);
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      clearTimeout(timer);
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
}

const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, 'x');
const weaker: Record<Exclude<Access, 'public'>, Array<'viewer' | 'officer' | 'wall'>> = {
  viewer: [],
  officer: ['viewer', 'wall'],
  admin: ['viewer', 'officer', 'wall'],
};

describe('every route declares its role and enforces it', () => {
  let gw: TestGateway;
  let routes: RouteInfo[];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // The real feature set: a route added by any feature is checked here.
    gw = await startTestGateway();
    routes = walk(gw);
    tokens.viewer = await gw.login('viewer');
    tokens.officer = await gw.login('officer');
    const admin = await gw.login('admin');
    const wall = await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'test wall' } });
    tokens.wall = ((await wall.json()) as { token: string }).token;
    tokens.admin = admin;
    const login = await gw.api('/api/auth/login', { method: 'POST', json: { name: 'admin', password: 'admin-password-1' } });
    adminCookie = login.headers.get('set-cookie')!.split(';')[0]!;
  });
  let adminCookie = '';

  afterAll(async () => {
    await gw?.stop();
  });

  it('finds the routes, and every one declares a role', () => {
    expect(routes.length).toBeGreaterThan(8);
    const undeclared = routes.filter((r) => r.access === undefined);
    expect(undeclared, `routes without a declared role: ${JSON.stringify(undeclared)}`).toEqual([]);
  });

  it('answers 401 without a token on every non-public /api route', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api') && x.access !== 'public')) {
      const res = await gw.api(concrete(r.path), { method: r.method.toUpperCase() });
      if (res.status !== 401) failures.push(`${r.method} ${r.path}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 to a role that is too weak, and to read-only wall tokens on anything beyond viewing', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => x.path.startsWith('/api') && x.access !== 'public')) {
      for (const who of weaker[r.access as Exclude<Access, 'public'>]) {
        checked++;
        const res = await gw.api(concrete(r.path), { method: r.method.toUpperCase(), token: tokens[who]!, json: r.method === 'get' ? undefined : {} });
        if (res.status !== 403) failures.push(`${r.method} ${r.path} as ${who}: ${res.status}`);
      }
    }
    expect(checked).toBeGreaterThan(3);
    expect(failures).toEqual([]);
  });

  it('refuses a WebSocket upgrade without a valid token', async () => {
    const { WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/feed?token=not-a-token`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
  });

  it('refuses a body nested 10,000 deep on every state-changing route with 400, and changes nothing', async () => {
    const failures: string[] = [];
    const changing = routes.filter((r) => STATE_CHANGING.includes(r.method));
    expect(changing.length).toBeGreaterThan(20);
    const before = databaseFingerprint(gw);
    for (const r of changing) {
      const res = await gw.api(concrete(r.path), { method: r.method.toUpperCase(), token: tokens.admin!, headers: { 'content-type': 'application/json' }, body: nestedBody(10_000) });
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      if (res.status !== 400 || body.code !== 'body_too_deep') failures.push(`${r.method} ${r.path}: ${res.status} ${body.code}`);
    }
    expect(failures).toEqual([]);
    expect(databaseFingerprint(gw)).toBe(before);
  });

  it('puts the security headers on every answer: API routes, errors and pages', async () => {
    const paths = [...new Set(routes.map((r) => concrete(r.path)))].filter((p) => p.startsWith('/api')).concat(['/', '/wall', '/player.html', '/api/no-such-route']);
    const failures: string[] = [];
    for (const path of paths) {
      const res = await gw.api(path);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      if (!csp.includes("frame-ancestors 'self'") || !csp.includes("script-src 'self'") || !csp.includes("object-src 'none'")) failures.push(`${path}: CSP ${csp}`);
      if (res.headers.get('x-content-type-options') !== 'nosniff') failures.push(`${path}: nosniff`);
      if (res.headers.get('referrer-policy') !== 'no-referrer') failures.push(`${path}: referrer-policy`);
    }
    expect(failures).toEqual([]);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const res = await gw.api('/api/auth/login', { method: 'POST', json: { name: 'viewer', password: 'viewer-password-1' } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/cg_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('refuses every state-changing route from another origin, and with the cookie alone without an Origin', async () => {
    const failures: string[] = [];
    const port = new URL(gw.url).port;
    const before = databaseFingerprint(gw);
    for (const r of routes.filter((x) => STATE_CHANGING.includes(x.method))) {
      const path = concrete(r.path);
      const method = r.method.toUpperCase();
      const json = { 'content-type': 'application/json' };
      const foreign = await gw.api(path, { method, headers: { ...json, cookie: adminCookie, origin: `http://127.0.0.1:${Number(port) + 1}`, 'sec-fetch-site': 'same-site' }, body: '{}' });
      const foreignBody = (await foreign.json().catch(() => ({}))) as { code?: string };
      if (foreign.status !== 403 || foreignBody.code !== 'cross_site') failures.push(`${method} ${r.path} from another origin: ${foreign.status} ${foreignBody.code}`);
      const cookieOnly = await gw.api(path, { method, headers: { ...json, cookie: adminCookie }, body: '{}' });
      const cookieBody = (await cookieOnly.json().catch(() => ({}))) as { code?: string };
      if (cookieOnly.status !== 403 || cookieBody.code !== 'origin_required') failures.push(`${method} ${r.path} with the cookie alone: ${cookieOnly.status} ${cookieBody.code}`);
    }
    expect(failures).toEqual([]);
    expect(databaseFingerprint(gw)).toBe(before);
    // The gateway's own pages (same origin) with the cookie pass the check.
    const own = await gw.api('/api/wall-tokens', { method: 'POST', headers: { 'content-type': 'application/json', cookie: adminCookie, origin: gw.url, 'sec-fetch-site': 'same-origin' }, body: JSON.stringify({ label: 'own origin' }) });
    expect(own.status).toBe(201);
  });

  it('refuses every WebSocket upgrade from another origin, and accepts the same upgrade from the own origin', async () => {
    const endpoints = gw.gateway.ws.list().filter((e) => !e.raw);
    expect(endpoints.length).toBeGreaterThan(2);
    const failures: string[] = [];
    const port = new URL(gw.url).port;
    for (const e of endpoints) {
      const url = `${gw.url.replace('http', 'ws')}${concrete(e.path)}`;
      const foreign = await upgradeStatus(url, { cookie: adminCookie, origin: `http://127.0.0.1:${Number(port) + 1}` });
      if (foreign !== 403) failures.push(`${e.path} from another origin: ${foreign}`);
      const cookieOnly = await upgradeStatus(url, { cookie: adminCookie });
      if (cookieOnly !== 403) failures.push(`${e.path} with the cookie alone: ${cookieOnly}`);
      const own = await upgradeStatus(url, { cookie: adminCookie, origin: gw.url });
      if (own === 403 || own === 401) failures.push(`${e.path} from the own origin: ${own}`);
    }
    // MQTT over WebSocket (raw): devices without a cookie are not refused by the Origin rule.
    expect(failures).toEqual([]);
    const feed = await upgradeStatus(`${gw.url.replace('http', 'ws')}/api/feed?token=${tokens.viewer!}`, {});
    expect(feed).toBe(101);
  });
});
