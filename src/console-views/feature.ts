/** Saved console views: named layouts with their cameras, per user and shared (see docs/dashboards.md). */
import type { FeatureFactory } from '../feature.js';
import { defineRoutes } from '../http/route.js';
import { viewRoutes } from './routes.js';
import { ViewStore, viewMigrations } from './store.js';

export const consoleViewsFeature: FeatureFactory = (ctx) => {
  const store = new ViewStore(() => ctx.database.db);
  return { name: 'console-views', migrations: viewMigrations, services: [], routes: defineRoutes(viewRoutes(store)) };
};
