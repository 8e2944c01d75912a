/**
 * Saved console views: a named layout with the camera in each cell, either a user's own or shared
 * with everyone; and each user's current grid (restored after a reload, on any browser).
 */
import { randomUUID } from 'node:crypto';
import type { Db, MigrationSet } from '../store/database.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';

export const VIEW_LAYOUTS = ['1', '4', '9', '16', '1+5', '1+7', '2x3'] as const;
export type ViewLayout = (typeof VIEW_LAYOUTS)[number];

/** Cells per layout (the console draws them; here only to bound what is stored). */
export const LAYOUT_CELLS: Record<ViewLayout, number> = { '1': 1, '4': 4, '9': 9, '16': 16, '1+5': 6, '1+7': 8, '2x3': 6 };

/** At most this many views per user, and shared views in all. */
export const MAX_VIEWS_PER_OWNER = 50;

export interface GridState {
  layout: ViewLayout;
  /** Camera id per cell (null: an empty cell), at most the layout's number of cells. */
  cells: Array<string | null>;
}

export interface SavedView extends GridState {
  id: string;
  name: string;
  shared: boolean;
  owner: string;
  updatedAt: string;
}

export const viewMigrations: MigrationSet = {
  feature: 'console-views',
  migrations: [
    {
      version: 1,
      name: 'saved console views and each user\'s current grid',
      up: `
        CREATE TABLE console_views (
          id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, shared INTEGER NOT NULL,
          layout TEXT NOT NULL, cells TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE UNIQUE INDEX console_views_name ON console_views (shared, CASE WHEN shared = 1 THEN '' ELSE owner END, name);
        CREATE TABLE console_current (owner TEXT PRIMARY KEY, layout TEXT NOT NULL, cells TEXT NOT NULL, view_id TEXT, updated_at TEXT NOT NULL);`,
    },
  ],
};

interface ViewRow {
  id: string;
  owner: string;
  name: string;
  shared: number;
  layout: ViewLayout;
  cells: string;
  updated_at: string;
}

function toView(r: ViewRow): SavedView {
  return { id: r.id, name: r.name, shared: r.shared === 1, owner: r.owner, layout: r.layout, cells: JSON.parse(r.cells) as Array<string | null>, updatedAt: r.updated_at };
}

export class ViewStore {
  constructor(private readonly db: () => Db) {}

  /** The user's own views and every shared one, by name. */
  list(owner: string): SavedView[] {
    return this.db()
      .prepare<[string], ViewRow>('SELECT * FROM console_views WHERE owner = ? OR shared = 1 ORDER BY shared, name')
      .all(owner)
      .map(toView);
  }

  get(id: string): SavedView {
    const row = this.db().prepare<[string], ViewRow>('SELECT * FROM console_views WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('views.not-found', { id });
    return toView(row);
  }

  /** Saves under `name`: replaces the owner's (or the shared) view of that name, else adds one. */
  save(owner: string, name: string, shared: boolean, grid: GridState): SavedView {
    const db = this.db();
    const now = new Date().toISOString();
    const existing = db
      .prepare<[number, string, string], ViewRow>("SELECT * FROM console_views WHERE shared = ? AND (shared = 1 OR owner = ?) AND name = ?")
      .get(shared ? 1 : 0, owner, name);
    if (existing) {
      db.prepare('UPDATE console_views SET layout = ?, cells = ?, updated_at = ?, owner = ? WHERE id = ?').run(grid.layout, JSON.stringify(grid.cells), now, owner, existing.id);
      return this.get(existing.id);
    }
    const count = shared
      ? db.prepare<[], { n: number }>('SELECT count(*) AS n FROM console_views WHERE shared = 1').get()!.n
      : db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM console_views WHERE shared = 0 AND owner = ?').get(owner)!.n;
    if (count >= MAX_VIEWS_PER_OWNER) throw shared ? new ConflictError('views.too-many-shared', { max: MAX_VIEWS_PER_OWNER }) : new ConflictError('views.too-many-own', { max: MAX_VIEWS_PER_OWNER });
    const id = randomUUID();
    db.prepare('INSERT INTO console_views (id, owner, name, shared, layout, cells, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, owner, name, shared ? 1 : 0, grid.layout, JSON.stringify(grid.cells), now);
    return this.get(id);
  }

  /** Deletes a view: its owner may delete their own; shared views need `mayShare` (an admin). */
  remove(id: string, who: string, mayShare: boolean): void {
    const view = this.get(id);
    if (view.shared ? !mayShare : view.owner !== who) throw view.shared ? new UserError('views.delete-shared-admin-only', {}, 403, 'forbidden') : new UserError('views.not-yours', {}, 403, 'forbidden');
    this.db().prepare('DELETE FROM console_views WHERE id = ?').run(id);
  }

  current(owner: string): (GridState & { viewId: string | null }) | null {
    const row = this.db().prepare<[string], { layout: ViewLayout; cells: string; view_id: string | null }>('SELECT layout, cells, view_id FROM console_current WHERE owner = ?').get(owner);
    return row ? { layout: row.layout, cells: JSON.parse(row.cells) as Array<string | null>, viewId: row.view_id } : null;
  }

  setCurrent(owner: string, grid: GridState, viewId: string | null): void {
    this.db()
      .prepare(
        `INSERT INTO console_current (owner, layout, cells, view_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(owner) DO UPDATE SET layout = excluded.layout, cells = excluded.cells, view_id = excluded.view_id, updated_at = excluded.updated_at`,
      )
      .run(owner, grid.layout, JSON.stringify(grid.cells), viewId, new Date().toISOString());
  }
}
