/** What a TV wall shows, from its URL: `/wall?layout=3x3&cameras=a,b&rotate=20&profile=auto&token=...`. */
export interface WallLayout {
  columns: number;
  rows: number;
  /** A fixed set of cameras, in order; empty: every camera. */
  cameras: string[];
  /** Seconds per page when there are more cameras than tiles; 0: no rotation. */
  rotateSeconds: number;
  profile: 'auto' | 'main' | 'sub';
}

export function parseWallLayout(search: string): WallLayout {
  const params = new URLSearchParams(search);
  const match = /^(\d{1,2})x(\d{1,2})$/.exec(params.get('layout') ?? '');
  const columns = match ? Math.min(8, Math.max(1, Number(match[1]))) : 2;
  const rows = match ? Math.min(8, Math.max(1, Number(match[2]))) : 2;
  const cameras = (params.get('cameras') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  const rotate = Number(params.get('rotate'));
  const profile = params.get('profile');
  return {
    columns,
    rows,
    cameras,
    rotateSeconds: Number.isFinite(rotate) && rotate >= 5 ? Math.round(rotate) : 30,
    profile: profile === 'main' || profile === 'sub' ? profile : 'auto',
  };
}

/** The cameras of page `page` (0-based) and how many pages there are. */
export function wallPage<T>(all: readonly T[], perPage: number, page: number): { items: T[]; pages: number; page: number } {
  const pages = Math.max(1, Math.ceil(all.length / perPage));
  const current = ((page % pages) + pages) % pages;
  return { items: all.slice(current * perPage, current * perPage + perPage), pages, page: current };
}

/**
 * Sub streams by default; a tile wider than 960 device pixels (a 4K TV with a 3x3 wall) gets the
 * main stream so that it stays sharp.
 */
export function tileProfile(layout: WallLayout, viewportWidth: number, devicePixelRatio: number): 'main' | 'sub' {
  if (layout.profile !== 'auto') return layout.profile;
  return (viewportWidth * devicePixelRatio) / layout.columns > 960 ? 'main' : 'sub';
}
