/** Saved console views: named layouts with their cameras, per user and shared (see docs/dashboards.md). */
import type { FeatureFactory } from '../feature.js';
import { defineRoutes } from '../http/route.js';
import { viewRoutes } from './routes.js';
import { ViewStore, viewMigrations } from './store.js';

export const consoleViewsFeature: FeatureFactory = (ctx) => {
  const store = new ViewStore(() => ctx.database.db);
  const groups = ctx.config.cameras.groups;
  return {
    name: 'console-views',
    migrations: viewMigrations,
    services: [],
    routes: defineRoutes([
      ...viewRoutes(store),
      {
        method: 'get',
        path: '/api/camera-groups',
        access: 'viewer',
        summary: "The camera groups (areas) of the console's camera tree, from cameras.groups: id, display name, parent group",
        handler: () => ({ groups: groups.map((g) => ({ id: g.id, name: g.name, parent: g.parent ?? null })) }),
      },
    ]),
  };
};
