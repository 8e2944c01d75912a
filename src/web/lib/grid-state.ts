import { signal } from '@preact/signals';
import { api } from './api.js';
import { cellCount, fillCells, isLayout, pageCells, pageCount, type GridLayout } from './grid-layouts.js';

export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  owner: string;
  layout: GridLayout;
  cells: Array<string | null>;
  updatedAt: string;
}

const LOCAL_KEY = 'cg_grid';

function localGrid(): { layout: GridLayout; cells: Array<string | null> } {
  try {
    const saved = JSON.parse(localStorage.getItem(LOCAL_KEY) ?? 'null') as { layout?: unknown; cells?: unknown } | null;
    if (saved && isLayout(saved.layout) && Array.isArray(saved.cells)) return { layout: saved.layout, cells: saved.cells.map((c) => (typeof c === 'string' ? c : null)) };
  } catch {
    /* a damaged entry: start with the default */
  }
  return { layout: '4', cells: [] };
}

const initial = localGrid();
/** The current layout and the camera in each cell (null: empty or not chosen yet). */
export const gridLayout = signal<GridLayout>(initial.layout);
export const gridCells = signal<Array<string | null>>(initial.cells);
/** The cell that a click in the camera list fills; the selected tile. */
export const selectedCell = signal(0);
/** A cell shown alone (double-click), or null. */
export const enlargedCell = signal<number | null>(null);
/** The page the grid last showed (paging fills the cells with the next cameras). */
export const gridPage = signal(0);
export const views = signal<SavedView[]>([]);
export const currentViewId = signal<string | null>(null);

let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** Remembers the grid here at once and on the gateway shortly after (restored on any browser). */
function remember(): void {
  const grid = { layout: gridLayout.value, cells: gridCells.value.slice(0, cellCount(gridLayout.value)) };
  localStorage.setItem(LOCAL_KEY, JSON.stringify(grid));
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    void api('/api/views/current', { method: 'PUT', body: { ...grid, viewId: currentViewId.value } }).catch(() => undefined);
  }, 300);
}

/** The cells as shown: the assigned ones, the rest filled with cameras not shown yet. */
export function shownCells(all: readonly string[]): Array<string | null> {
  return fillCells(gridLayout.value, gridCells.value, all);
}

export function setLayout(layout: GridLayout, all: readonly string[]): void {
  gridCells.value = fillCells(layout, gridCells.value, all);
  gridLayout.value = layout;
  enlargedCell.value = null;
  if (selectedCell.value >= cellCount(layout)) selectedCell.value = 0;
  remember();
}

/** Puts a camera into a cell; if it was shown in another cell, the two swap. */
export function putCamera(cell: number, cameraId: string, all: readonly string[]): void {
  const cells = fillCells(gridLayout.value, gridCells.value, all);
  const before = cells.indexOf(cameraId);
  if (before >= 0 && before !== cell) cells[before] = cells[cell] ?? null;
  cells[cell] = cameraId;
  gridCells.value = cells;
  remember();
}

export function swapCells(from: number, to: number, all: readonly string[]): void {
  const cells = fillCells(gridLayout.value, gridCells.value, all);
  [cells[from], cells[to]] = [cells[to] ?? null, cells[from] ?? null];
  gridCells.value = cells;
  remember();
}

export function showPage(page: number, all: readonly string[]): void {
  const pages = pageCount(gridLayout.value, all.length);
  const p = ((page % pages) + pages) % pages;
  gridPage.value = p;
  gridCells.value = pageCells(gridLayout.value, all, p);
  enlargedCell.value = null;
  remember();
}

export function applyView(view: { id?: string; layout: GridLayout; cells: Array<string | null> }): void {
  gridLayout.value = view.layout;
  gridCells.value = view.cells.slice(0, cellCount(view.layout));
  currentViewId.value = view.id ?? null;
  enlargedCell.value = null;
  selectedCell.value = 0;
  remember();
}

/** Loads the saved views and, once per page load, the grid the user had last (any browser). */
let restored = false;
export async function loadViews(): Promise<void> {
  const answer = await api<{ views: SavedView[]; current: { layout: string; cells: Array<string | null>; viewId: string | null } | null }>('/api/views');
  views.value = answer.views;
  if (!restored && answer.current && isLayout(answer.current.layout)) {
    gridLayout.value = answer.current.layout;
    gridCells.value = answer.current.cells;
    currentViewId.value = answer.current.viewId;
    localStorage.setItem(LOCAL_KEY, JSON.stringify({ layout: answer.current.layout, cells: answer.current.cells }));
  }
  restored = true;
}

export async function saveView(name: string, shared: boolean, all: readonly string[]): Promise<SavedView> {
  const cells = fillCells(gridLayout.value, gridCells.value, all);
  gridCells.value = cells;
  const saved = await api<SavedView>('/api/views', { method: 'POST', body: { name, shared, layout: gridLayout.value, cells } });
  currentViewId.value = saved.id;
  remember();
  await loadViews();
  return saved;
}

export async function deleteView(id: string): Promise<void> {
  await api(`/api/views/${encodeURIComponent(id)}`, { method: 'DELETE' });
  if (currentViewId.value === id) currentViewId.value = null;
  await loadViews();
}
