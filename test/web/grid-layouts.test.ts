/** The console's grid layouts: cell counts and placement, filling and paging (pure functions). */
import { describe, expect, it } from 'vitest';
import { SHAPES, cellCount, fillCells, pageCells, pageCount } from '../../src/web/lib/grid-layouts.js';
import { aimTranslation } from '../../src/web/lib/ptz-aim-math.js';

const nine = Array.from({ length: 9 }, (_, i) => `cam-${i + 1}`);

describe('grid layouts', () => {
  it('has the cells each layout promises, every cell inside its grid, none overlapping', () => {
    expect(Object.fromEntries(Object.keys(SHAPES).map((l) => [l, cellCount(l as keyof typeof SHAPES)]))).toEqual({ '1': 1, '4': 4, '9': 9, '16': 16, '1+5': 6, '1+7': 8, '2x3': 6 });
    for (const shape of Object.values(SHAPES)) {
      const taken = new Set<string>();
      for (const c of shape.cells)
        for (let r = c.row; r < c.row + c.span; r++)
          for (let col = c.column; col < c.column + c.span; col++) {
            expect(r).toBeLessThanOrEqual(shape.rows);
            expect(col).toBeLessThanOrEqual(shape.columns);
            expect(taken.has(`${r}/${col}`)).toBe(false);
            taken.add(`${r}/${col}`);
          }
      expect(taken.size).toBe(shape.rows * shape.columns);
    }
  });

  it('keeps assigned cells, fills the rest with cameras not shown, pages through all', () => {
    expect(fillCells('4', ['cam-9'], nine)).toEqual(['cam-9', 'cam-1', 'cam-2', 'cam-3']);
    expect(fillCells('1+5', ['cam-9', null, 'cam-2'], nine)).toEqual(['cam-9', 'cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5']);
    expect(fillCells('16', [], nine).filter(Boolean)).toHaveLength(9);
    expect(pageCount('4', 9)).toBe(3);
    expect(pageCells('4', nine, 2)).toEqual(['cam-9', null, null, null]);
  });

  it('aims at the clicked point: right of centre pans right, above tilts up, a box zooms in', () => {
    expect(aimTranslation(0.5, 0.5, 0)).toEqual({ x: 0, y: 0, zoom: 0 });
    const right = aimTranslation(0.8, 0.5, 0);
    expect(right.x * 180).toBeCloseTo(18, 5); // 0.3 of 60 degrees
    expect(aimTranslation(0.5, 0.2, 0).y).toBeGreaterThan(0);
    // At 2x zoom the same click turns half as far.
    expect(aimTranslation(0.8, 0.5, 1 / 29).x).toBeCloseTo(right.x / 2, 5);
    expect(aimTranslation(0.5, 0.5, 0, 16 / 9, 0.25).zoom).toBeCloseTo(3 / 29, 3); // 1x -> 4x
  });
});
