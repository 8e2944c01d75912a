import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface Operation {
  'x-role': string;
  'x-audit-action'?: string;
  security: unknown[];
  parameters: Array<{ name: string; in: string }>;
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown>; required?: string[] } } } };
}

describe('OpenAPI 3.1 document from the route declarations', () => {
  let gw: TestGateway;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; 'x-websocket-endpoints': Array<{ path: string; 'x-role': string }> };

  beforeAll(async () => {
    gw = await startTestGateway();
    const res = await gw.api('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });
  afterAll(() => gw?.stop());

  it('is a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document (no info, an operation without responses).
    const broken = await new Validator().validate({ openapi: '3.1.0', paths: { '/x': { get: { summary: 'x' } } } } as never);
    expect(broken.valid).toBe(false);
  });

  it('holds every declared route with its role, audit action and path parameters', () => {
    const routes = gw.gateway.routeModules.flatMap((m) => m.routes());
    expect(routes.length).toBeGreaterThan(50);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method];
      expect(op, `${route.method.toUpperCase()} ${route.path}`).toBeDefined();
      expect(op!['x-role']).toBe(route.access);
      expect(op!['x-audit-action']).toBe(route.audit);
      expect(op!.security.length > 0).toBe(route.access !== 'public');
      for (const name of [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])) expect(op!.parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
    }
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(routes.length);
    expect(doc['x-websocket-endpoints'].map((e) => e.path)).toEqual(gw.gateway.ws.list().map((e) => e.path));
  });

  it('a declared body schema is both the document and the check', async () => {
    const login = doc.paths['/api/auth/login']!.post!.requestBody!.content['application/json'].schema;
    expect(login.required?.sort()).toEqual(['name', 'password']);
    expect(Object.keys(login.properties ?? {}).sort()).toEqual(['name', 'password']);
    const res = await gw.api('/api/auth/login', { method: 'POST', json: { name: 'admin' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_request', messageCode: 'request.invalid', params: { problems: expect.stringMatching(/^password:/) }, details: { problems: [expect.stringMatching(/^password:/)] } });
  });

  it('documents the message code and parameters of error answers', () => {
    const error = (doc as unknown as { components: { schemas: { Error: { properties: Record<string, unknown> } } } }).components.schemas.Error;
    expect(Object.keys(error.properties).sort()).toEqual(['code', 'details', 'error', 'messageCode', 'params']);
  });

  it('serves a readable page of the reference', async () => {
    const page = await gw.api('/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/api/docs/viewer.js');
    const script = await gw.api('/api/docs/viewer.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});
