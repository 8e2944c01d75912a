import { z } from 'zod';
import type { RouteDef, RouteModule } from './route.js';
import type { WsEndpoint } from './ws-router.js';

/** JSON Schema of a zod schema, as OpenAPI 3.1 (JSON Schema 2020-12) holds it inline. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const errorSchema = {
  type: 'object',
  required: ['error', 'code'],
  properties: {
    error: { type: 'string', description: 'What went wrong, in plain language.' },
    code: { type: 'string', description: 'A stable code for programs.' },
    messageCode: { type: 'string', description: 'The stable code of the message (e.g. camera.not-found): the dashboards show its text in their own language, `error` being its English text.' },
    params: {
      type: 'object',
      description: 'The values filled into the message text; parameters named camera, barrier, speaker(s) or group(s) hold device ids.',
      additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    },
    details: { type: 'object', additionalProperties: true },
  },
};

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/** `/api/cameras/:id/presets/:preset` -> `/api/cameras/{id}/presets/{preset}` and its parameter names. */
function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

function tagOf(route: RouteDef): string {
  if (route.tag) return route.tag;
  const segments = route.path.split('/').filter(Boolean);
  return segments[0] === 'api' ? (segments[1] ?? 'api') : 'pages';
}

function queryParameters(schema: z.ZodType): Array<Record<string, unknown>> {
  const json = jsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function operation(route: RouteDef, params: string[]): Record<string, unknown> {
  const secured = route.access !== 'public';
  const success = route.created ? '201' : '200';
  const responses: Record<string, unknown> = {
    [success]: { description: route.created ? 'Created.' : 'Done (JSON, or the content named in the summary); 204 when there is nothing to answer.' },
    '400': errorResponse('The request is not valid (every bad field is named).'),
  };
  if (secured) {
    responses['401'] = errorResponse('Not logged in, or the login has expired.');
    responses['403'] = errorResponse(`Needs the ${route.access} role (or the request came from another site).`);
  }
  if (route.audit) responses['503'] = errorResponse('The audit log cannot be written, so nothing was changed.');
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary.length > 120 ? `${route.summary.slice(0, 117)}...` : route.summary,
    description: route.summary,
    tags: [tagOf(route)],
    'x-role': route.access,
    ...(route.audit ? { 'x-audit-action': route.audit } : {}),
    security: secured ? [{ bearer: [] }, { cookie: [] }] : [],
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.query ? queryParameters(route.query) : []),
    ],
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } }
      : route.method !== 'get' && route.method !== 'delete'
        ? { requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } } }
        : {}),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/**
 * The OpenAPI 3.1 document of the gateway's HTTP API, made from the same route declarations (and
 * their zod body and query schemas) that docs/api.md is made from. Each operation names its role
 * (`x-role`) and audit action (`x-audit-action`); WebSocket endpoints, which OpenAPI cannot
 * describe, are listed under `x-websocket-endpoints`.
 */
export function buildOpenApi(modules: readonly RouteModule[], endpoints: ReadonlyArray<WsEndpoint & { maxPayload: number }>, info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of modules.flatMap((m) => m.routes())) {
    const { path, params } = openApiPath(route.path);
    (paths[path] ??= {})[route.method] = operation(route, params);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The token answered by POST /api/auth/login.' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'cg_token', description: 'The login cookie the dashboards use (state-changing requests also need the gateway\'s own Origin).' },
      },
    },
    'x-websocket-endpoints': endpoints.map((e) => ({ path: e.path, 'x-role': e.access, maxPayload: e.maxPayload, summary: e.summary })),
  };
}
