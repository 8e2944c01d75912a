/** The console's grid layouts: equal grids and one big picture with small ones around it. */
export const GRID_LAYOUTS = ['1', '4', '9', '16', '1+5', '1+7', '2x3'] as const;
export type GridLayout = (typeof GRID_LAYOUTS)[number];

export interface LayoutShape {
  columns: number;
  rows: number;
  /** Per cell: CSS grid placement (1-based column/row and span). */
  cells: Array<{ column: number; row: number; span: number }>;
}

function equal(columns: number, rows: number): LayoutShape {
  const cells = [];
  for (let row = 1; row <= rows; row++) for (let column = 1; column <= columns; column++) cells.push({ column, row, span: 1 });
  return { columns, rows, cells };
}

/** A big cell of `big` x `big` in the top left of a `size` x `size` grid, small cells around it. */
function onePlus(size: number, big: number): LayoutShape {
  const cells = [{ column: 1, row: 1, span: big }];
  for (let row = 1; row <= size; row++)
    for (let column = 1; column <= size; column++) if (row > big || column > big) cells.push({ column, row, span: 1 });
  return { columns: size, rows: size, cells };
}

export const SHAPES: Record<GridLayout, LayoutShape> = {
  '1': equal(1, 1),
  '4': equal(2, 2),
  '9': equal(3, 3),
  '16': equal(4, 4),
  '1+5': onePlus(3, 2),
  '1+7': onePlus(4, 3),
  '2x3': equal(3, 2),
};

export function isLayout(value: unknown): value is GridLayout {
  return typeof value === 'string' && (GRID_LAYOUTS as readonly string[]).includes(value);
}

export function cellCount(layout: GridLayout): number {
  return SHAPES[layout].cells.length;
}

/**
 * The cells of a layout: those already assigned keep their camera; empty ones are filled with
 * cameras not shown yet, in list order (so 4 -> 9 adds five more, and nothing shows twice).
 */
export function fillCells(layout: GridLayout, assigned: ReadonlyArray<string | null>, all: readonly string[]): Array<string | null> {
  const n = cellCount(layout);
  const cells = Array.from({ length: n }, (_, i) => assigned[i] ?? null);
  const shown = new Set(cells.filter((c): c is string => c !== null));
  const spare = all.filter((id) => !shown.has(id));
  for (let i = 0; i < n; i++) if (cells[i] === null) cells[i] = spare.shift() ?? null;
  return cells;
}

/** Page `page` (0-based) of every camera, one camera per cell. */
export function pageCells(layout: GridLayout, all: readonly string[], page: number): Array<string | null> {
  const n = cellCount(layout);
  return Array.from({ length: n }, (_, i) => all[page * n + i] ?? null);
}

export function pageCount(layout: GridLayout, total: number): number {
  return Math.max(1, Math.ceil(total / cellCount(layout)));
}
