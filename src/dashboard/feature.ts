import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Response } from 'express';
import type { FeatureFactory } from '../feature.js';
import { defineRoutes } from '../http/route.js';

/** The built dashboards (src/web -> src/web/dist, `npm run build:web`). */
export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));

/**
 * Serves the single-page dashboards: the console at `/`, the TV wall at `/wall`, the phone view at
 * `/phone`. The pages are public; everything they show comes from the API with a token.
 */
export const dashboardFeature: FeatureFactory = (ctx) => {
  const index = `${WEB_DIST}index.html`;
  const page = (path: string, summary: string) => ({
    method: 'get' as const,
    path,
    access: 'public' as const,
    summary,
    handler: async (_req: unknown, res: Response) => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain; charset=utf-8').send('The dashboards are not built yet: run `npm run build:web` (npm start does it).');
        return;
      }
      // Resolve only once the file is sent, so the router knows the response is written.
      await new Promise<void>((resolve, reject) => res.sendFile(index, (err) => (err ? reject(err) : resolve())));
    },
  });
  if (!existsSync(index)) ctx.log.warn({ dir: WEB_DIST }, 'dashboards not built: run `npm run build:web`');
  return {
    name: 'dashboard',
    services: [],
    routes: defineRoutes([
      page('/', 'The duty officer console (login, cameras, gates, broadcast, devices).'),
      page('/wall', 'The TV wall: `?layout=3x3&token=<wall token>`; read-only, no controls.'),
      page('/phone', 'The phone view: one camera with a touch PTZ pad and push-to-talk.'),
      page('/trust', 'How to trust the gateway\'s HTTPS certificate on phones, TVs and PCs (admins): CA download link and QR code.'),
      {
        method: 'get',
        path: '/favicon.ico',
        access: 'public',
        summary: 'The dashboards\' icon (browsers ask for it by this name): redirects to /favicon.svg.',
        handler: (_req: unknown, res: Response) => {
          res.redirect(301, '/favicon.svg');
        },
      },
    ]),
    staticDirs: [WEB_DIST],
  };
};
