import { z } from 'zod';
import { CREDENTIAL_TYPES, type StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import { UserError } from '../core/errors.js';
import { describeIssues } from '../core/zod-problems.js';
import type { Db } from '../store/database.js';
import { normalisePlate } from './plate.js';
import { ENTRY_COLUMNS, storedEntry, type EntryRow } from './entry-row.js';

const time = z.iso.datetime({ offset: true, message: 'an ISO 8601 time with zone, e.g. 2026-11-24T08:00:00+08:00' });

/** Query-string filters shared by the list, the CSV export and the statistics. */
export const entryFilterSchema = z.strictObject({
  from: time.optional(),
  to: time.optional(),
  gate: z.string().min(1).max(64).optional(),
  direction: z.enum(['in', 'out']).optional(),
  credentialType: z.enum(CREDENTIAL_TYPES).optional(),
  /** Exact credential value (plate, card number...); a plate in any spelling (`京a 88888` finds `京A88888`). */
  credential: z.string().min(1).max(256).optional(),
  /** Part of a credential value (plates compared in their stored spelling). */
  search: z.string().min(1).max(64).optional(),
  result: z.enum(['granted', 'denied']).optional(),
});
export type EntryFilter = z.infer<typeof entryFilterSchema>;

export const entryPageSchema = entryFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

/** Parses query-string parameters; a bad one is a 400 naming it. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const flat = Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]));
  const parsed = schema.safeParse(flat);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues, '(query)');
  const problems = issues.map((i) => i.text);
  throw new UserError('query.invalid', { problems: problems.join('; ') }, 400, 'invalid_query', { problems, issues });
}

/** Filters that match one column exactly: filter key -> column (never user input in the SQL text). */
const EQUALITY_FILTERS = [
  ['gate', 'gate'],
  ['direction', 'direction'],
  ['credentialType', 'credential_type'],
  ['result', 'result'],
] as const satisfies ReadonlyArray<readonly [keyof EntryFilter, string]>;

/** WHERE clause and parameters for a filter (times are compared as epoch ms of the barrier's clock). */
export function whereOf(filter: EntryFilter): { sql: string; params: Record<string, string | number> } {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.from) {
    clauses.push('occurred_at >= @from');
    params.from = Date.parse(filter.from);
  }
  if (filter.to) {
    clauses.push('occurred_at < @to');
    params.to = Date.parse(filter.to);
  }
  for (const [key, column] of EQUALITY_FILTERS) {
    const value = filter[key];
    if (!value) continue;
    clauses.push(`${column} = @${key}`);
    params[key] = value;
  }
  if (filter.credential) {
    clauses.push('credential_value IN (@credential, @credentialPlate)');
    params.credential = filter.credential;
    params.credentialPlate = normalisePlate(filter.credential);
  }
  if (filter.search) {
    clauses.push("(instr(credential_value, @search) > 0 OR instr(credential_value, @searchPlate) > 0)");
    params.search = filter.search;
    params.searchPlate = normalisePlate(filter.search);
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

function encodeCursor(row: EntryRow): string {
  return Buffer.from(JSON.stringify([row.occurred_at, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, number] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((n) => Number.isSafeInteger(n))) return value as [number, number];
  } catch {
    // fall through
  }
  throw new UserError('query.cursor-invalid', {}, 400, 'invalid_query');
}

export interface EntryPage {
  entries: StoredEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Newest first by the barrier's time (ties by id); keyset pagination, so pages stay stable while entries arrive. */
export function listEntries(db: Db, query: z.infer<typeof entryPageSchema>): EntryPage {
  const { sql, params } = whereOf(query);
  let where = sql;
  const all: Record<string, string | number> = { ...params, limit: query.limit + 1 };
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    where += ' AND (occurred_at < @cAt OR (occurred_at = @cAt AND id < @cId))';
    all.cAt = at;
    all.cId = id;
  }
  const rows = db.prepare<Record<string, string | number>, EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM access_entries WHERE ${where} ORDER BY occurred_at DESC, id DESC LIMIT @limit`).all(all);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return { entries: page.map(storedEntry), nextCursor: more ? encodeCursor(page[page.length - 1]!) : null };
}

export function getEntry(db: Db, id: number): StoredEntry | undefined {
  const row = db.prepare<[number], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM access_entries WHERE id = ?`).get(id);
  return row ? storedEntry(row) : undefined;
}
