import { z } from 'zod';
import { CREDENTIAL_TYPES, type ListsPayload } from '../../devices/mqtt-barrier/protocol.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { parseCsv } from './csv.js';

export const listNameSchema = z.enum(['allow', 'deny']);
export type ListName = z.infer<typeof listNameSchema>;

export const listItemInputSchema = z.strictObject({
  list: listNameSchema,
  type: z.enum(CREDENTIAL_TYPES),
  value: z.string().trim().min(1).max(256),
  note: z.string().max(256).optional(),
});
export type ListItemInput = z.infer<typeof listItemInputSchema>;

export const listItemPatchSchema = z.strictObject({ list: listNameSchema.optional(), note: z.string().max(256).nullable().optional() });

export interface ListItemView {
  id: number;
  list: ListName;
  type: string;
  value: string;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ItemRow {
  id: number;
  list: ListName;
  credential_type: string;
  value: string;
  note: string | null;
  created_at: string;
  updated_at: string;
}

const view = (r: ItemRow): ListItemView => ({ id: r.id, list: r.list, type: r.credential_type, value: r.value, note: r.note, createdAt: r.created_at, updatedAt: r.updated_at });

export interface ImportResult {
  version: number;
  imported: number;
  removed: number;
}

/**
 * The allow and deny lists. A credential (type + value) is on at most one list. Every change
 * bumps the lists' version in the same transaction; `onChange` then schedules the sync to the barriers.
 */
export class ListStore {
  constructor(
    private readonly database: Database,
    private readonly onChange: (version: number) => void,
  ) {}

  get version(): number {
    return this.database.db.prepare<[], { version: number }>('SELECT version FROM access_list_version WHERE id = 1').get()!.version;
  }

  list(filter: { list?: ListName | undefined; type?: string | undefined } = {}): ListItemView[] {
    return this.database.db
      .prepare<{ list: string | null; type: string | null }, ItemRow>(
        'SELECT * FROM access_list_items WHERE (@list IS NULL OR list = @list) AND (@type IS NULL OR credential_type = @type) ORDER BY list, credential_type, value',
      )
      .all({ list: filter.list ?? null, type: filter.type ?? null })
      .map(view);
  }

  get(id: number): ListItemView {
    const row = this.database.db.prepare<[number], ItemRow>('SELECT * FROM access_list_items WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('list.item-not-found', { id });
    return view(row);
  }

  add(input: ListItemInput): ListItemView {
    const db = this.database.db;
    const existing = db.prepare<[string, string], ItemRow>('SELECT * FROM access_list_items WHERE credential_type = ? AND value = ?').get(input.type, input.value);
    if (existing) {
      throw new ConflictError('list.duplicate', { type: input.type, value: input.value, list: existing.list, id: existing.id }, { id: existing.id });
    }
    const id = this.change(() => {
      const now = new Date().toISOString();
      return Number(
        db.prepare('INSERT INTO access_list_items (list, credential_type, value, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(input.list, input.type, input.value, input.note ?? null, now, now)
          .lastInsertRowid,
      );
    });
    return this.get(id);
  }

  update(id: number, patch: z.infer<typeof listItemPatchSchema>): ListItemView {
    const current = this.get(id);
    this.change(() => {
      this.database.db
        .prepare('UPDATE access_list_items SET list = ?, note = ?, updated_at = ? WHERE id = ?')
        .run(patch.list ?? current.list, patch.note === undefined ? current.note : patch.note, new Date().toISOString(), id);
    });
    return this.get(id);
  }

  remove(id: number): void {
    this.get(id);
    this.change(() => this.database.db.prepare('DELETE FROM access_list_items WHERE id = ?').run(id));
  }

  /**
   * Imports `list,type,value[,note]` rows (a header line is optional). Every line is checked first;
   * if any is wrong nothing is imported and the answer names each bad line. A credential already
   * listed moves to the list the file names. With `replace`, items not in the file are removed.
   */
  importCsv(text: string, options: { replace: boolean }): ImportResult {
    const rows = parseCsv(text).map((fields, index) => ({ fields: fields.map((f) => f.trim()), line: index + 1 })).filter((r) => r.fields.some((f) => f !== ''));
    if (rows[0] && rows[0].fields[0]?.toLowerCase() === 'list') rows.shift();
    const items: ListItemInput[] = [];
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const { fields, line } of rows) {
      const [list, type, value, note] = fields;
      const parsed = listItemInputSchema.safeParse({ list, type, value, ...(note ? { note } : {}) });
      if (!parsed.success) {
        problems.push(`line ${line}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message.replace(/^Invalid input: /, '')}`).join('; ')}`);
        continue;
      }
      const key = `${parsed.data.type}\u0000${parsed.data.value}`;
      if (seen.has(key)) problems.push(`line ${line}: ${parsed.data.type} ${parsed.data.value} is already on line ${seen.get(key)}`);
      seen.set(key, line);
      items.push(parsed.data);
    }
    if (problems.length) throw new UserError('list.csv-bad-lines', { count: problems.length, problems: problems.slice(0, 20).join(' | ') }, 400, 'invalid_csv', { problems });
    if (items.length === 0 && !options.replace) throw new UserError('list.csv-empty', {}, 400, 'invalid_csv');
    const db = this.database.db;
    let removed = 0;
    this.change(() => {
      const now = new Date().toISOString();
      if (options.replace) {
        db.exec('CREATE TEMP TABLE IF NOT EXISTS import_keys (credential_type TEXT, value TEXT)');
        db.exec('DELETE FROM import_keys');
        const key = db.prepare('INSERT INTO import_keys VALUES (?, ?)');
        for (const item of items) key.run(item.type, item.value);
        removed = db.prepare('DELETE FROM access_list_items WHERE (credential_type, value) NOT IN (SELECT credential_type, value FROM import_keys)').run().changes;
      }
      const upsert = db.prepare(
        `INSERT INTO access_list_items (list, credential_type, value, note, created_at, updated_at) VALUES (@list, @type, @value, @note, @now, @now)
         ON CONFLICT (credential_type, value) DO UPDATE SET list = excluded.list, note = COALESCE(excluded.note, note), updated_at = excluded.updated_at`,
      );
      for (const item of items) upsert.run({ list: item.list, type: item.type, value: item.value, note: item.note ?? null, now });
    });
    return { version: this.version, imported: items.length, removed };
  }

  /** The complete lists as barriers receive them. */
  snapshot(): ListsPayload {
    const rows = this.database.db.prepare<[], { list: ListName; credential_type: ListsPayload['allow'][number]['type']; value: string }>('SELECT list, credential_type, value FROM access_list_items ORDER BY id').all();
    return {
      version: this.version,
      publishedAt: new Date().toISOString(),
      allow: rows.filter((r) => r.list === 'allow').map((r) => ({ type: r.credential_type, value: r.value })),
      deny: rows.filter((r) => r.list === 'deny').map((r) => ({ type: r.credential_type, value: r.value })),
    };
  }

  private change<T>(work: () => T): T {
    const db = this.database.db;
    const result = db.transaction(() => {
      const out = work();
      db.prepare('UPDATE access_list_version SET version = version + 1, changed_at = ? WHERE id = 1').run(new Date().toISOString());
      return out;
    })();
    this.onChange(this.version);
    return result;
  }
}
