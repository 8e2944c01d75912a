import { fileURLToPath } from 'node:url';
import type { Response } from 'express';
import { buildOpenApi, type OpenApiInfo } from '../openapi.js';
import { defineRoutes, type RouteModule } from '../route.js';
import type { WsEndpoint } from '../ws-router.js';

const PAGE_DIR = fileURLToPath(new URL('../static/api-docs/', import.meta.url));

function sendFile(res: Response, file: string, type: string): Promise<void> {
  res.type(type);
  return new Promise<void>((resolve, reject) => res.sendFile(`${PAGE_DIR}${file}`, (err) => (err ? reject(err) : resolve())));
}

/** The OpenAPI document of every declared route, and a page that reads it. */
export function openApiRoutes(deps: { modules: () => readonly RouteModule[]; endpoints: () => ReadonlyArray<WsEndpoint & { maxPayload: number }>; info: OpenApiInfo }): RouteModule {
  let cached: string | undefined;
  return defineRoutes([
    {
      method: 'get',
      path: '/api/openapi.json',
      access: 'public',
      summary: 'The OpenAPI 3.1 document of this API (every route with its role and audit action, bodies from their schemas).',
      handler: (_req, res) => {
        cached ??= JSON.stringify(buildOpenApi(deps.modules(), deps.endpoints(), deps.info), null, 2);
        res.type('application/json').send(cached);
      },
    },
    {
      method: 'get',
      path: '/api/docs',
      access: 'public',
      summary: 'A readable page of the API reference, made from /api/openapi.json.',
      handler: (_req, res) => sendFile(res, 'index.html', 'text/html; charset=utf-8'),
    },
    {
      method: 'get',
      path: '/api/docs/viewer.js',
      access: 'public',
      summary: 'The script of the API reference page.',
      handler: (_req, res) => sendFile(res, 'viewer.js', 'application/javascript'),
    },
  ]);
}
