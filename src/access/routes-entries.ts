import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { Database } from '../store/database.js';
import type { CsvExporter } from './csv-export.js';
import { entryFilterSchema, entryPageSchema, getEntry, listEntries, parseQuery } from './entry-query.js';
import { flowStats, statsQuerySchema, vehiclesInside } from './stats.js';

/** Entry records: list with filters and cursor, one entry, streamed CSV, statistics, vehicles inside. */
export function entryRoutes(deps: { database: Database; exporter: CsvExporter; utcOffsetMinutes: number }): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/api/access/entries',
      access: 'viewer',
      summary: 'Entries, newest first; filters from, to, gate, direction, credentialType, credential, result; limit (<= 1000) and cursor (nextCursor of the previous page).',
      handler: (req) => listEntries(deps.database.db, parseQuery(entryPageSchema, req.query)),
    },
    {
      method: 'get',
      path: '/api/access/entries.csv',
      access: 'viewer',
      summary: 'All matching entries as CSV, oldest first, streamed (same filters as /api/access/entries).',
      handler: async (req, res) => {
        const filter = parseQuery(entryFilterSchema, req.query);
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="entries-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv"`);
        await deps.exporter.export(filter, res);
      },
    },
    {
      method: 'get',
      path: '/api/access/entries/:id',
      access: 'viewer',
      summary: 'One entry by its id.',
      handler: (req) => {
        const id = z.coerce.number().int().positive().safeParse(req.params.id);
        if (!id.success) throw new UserError('request.id-invalid');
        const entry = getEntry(deps.database.db, id.data);
        if (!entry) throw new NotFoundError('entry.not-found', { id: id.data });
        return entry;
      },
    },
    {
      method: 'get',
      path: '/api/access/stats',
      access: 'viewer',
      summary: 'In/out (granted) and denied per gate per hour or day (bucket=hour|day, from, to, gate), totals and vehicles inside.',
      handler: (req) => flowStats(deps.database.db, parseQuery(statsQuerySchema, req.query), deps.utcOffsetMinutes),
    },
    {
      method: 'get',
      path: '/api/access/inside',
      access: 'viewer',
      summary: 'Vehicles (plates) inside now: whose last granted passage was inward (count and the latest 500).',
      handler: () => vehiclesInside(deps.database.db, 500),
    },
  ]);
}
