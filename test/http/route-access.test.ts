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
  });

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
});
