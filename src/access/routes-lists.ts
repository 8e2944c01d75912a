import type { Request } from 'express';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import { parseBody } from '../http/validate.js';
import { parseQuery } from './entry-query.js';
import type { ListSync } from './list-sync.js';
import { listItemInputSchema, listItemPatchSchema, listNameSchema, type ListStore } from './lists.js';

const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

function itemId(req: Request): number {
  const id = z.coerce.number().int().positive().safeParse(req.params.id);
  if (!id.success) throw new UserError('request.id-invalid');
  return id.data;
}

/** The CSV of an import: a text/csv (or text/plain) body, or JSON { csv }. */
async function importText(req: Request): Promise<string> {
  if (req.is('application/json')) {
    const body = parseBody(z.object({ csv: z.string() }), req.body);
    return body.csv;
  }
  if (!req.is('text/csv') && !req.is('text/plain')) throw new UserError('list.csv-media-type', {}, 415, 'unsupported_media_type');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMPORT_BYTES) throw new UserError('upload.too-large', { mib: MAX_IMPORT_BYTES / 1024 / 1024 }, 413, 'too_large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Allow/deny lists: CRUD, bulk CSV import, sync status per barrier. */
export function listRoutes(deps: { lists: () => ListStore; sync: ListSync }): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/api/access/lists',
      access: 'viewer',
      summary: 'The lists\' version and items (filters: list=allow|deny, type).',
      handler: (req) => {
        const q = parseQuery(z.strictObject({ list: listNameSchema.optional(), type: z.string().optional() }), req.query);
        return { version: deps.lists().version, items: deps.lists().list(q) };
      },
    },
    {
      method: 'post',
      path: '/api/access/lists/items',
      access: 'officer',
      audit: 'access.list.add',
      created: true,
      summary: 'Put a credential on the allow or deny list (body: list, type, value, note). 409 when it is already listed.',
      handler: (req) => deps.lists().add(parseBody(listItemInputSchema, req.body)),
    },
    {
      method: 'patch',
      path: '/api/access/lists/items/:id',
      access: 'officer',
      audit: 'access.list.update',
      summary: 'Move an item to the other list or change its note (body: list, note).',
      handler: (req) => deps.lists().update(itemId(req), parseBody(listItemPatchSchema, req.body)),
    },
    {
      method: 'delete',
      path: '/api/access/lists/items/:id',
      access: 'officer',
      audit: 'access.list.remove',
      summary: 'Take an item off its list.',
      handler: (req) => {
        deps.lists().remove(itemId(req));
        return { version: deps.lists().version };
      },
    },
    {
      method: 'post',
      path: '/api/access/lists/import',
      access: 'admin',
      audit: 'access.list.import',
      maxJsonBytes: MAX_IMPORT_BYTES,
      summary: 'Bulk import of `list,type,value[,note]` lines (text/csv body); all or nothing; ?replace=true removes items not in the file.',
      handler: async (req) => {
        const q = parseQuery(z.strictObject({ replace: z.enum(['true', 'false']).default('false') }), req.query);
        return deps.lists().importCsv(await importText(req), { replace: q.replace === 'true' });
      },
    },
    {
      method: 'get',
      path: '/api/access/lists/sync',
      access: 'viewer',
      summary: 'Per barrier: the list version it applied, and whether it is in sync or pending.',
      handler: () => ({ version: deps.lists().version, barriers: deps.sync.status() }),
    },
  ]);
}
