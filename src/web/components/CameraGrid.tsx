import { signal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.js';
import { api } from '../lib/api.js';
import { takePrefetchedCameraList, type CameraListAnswer } from '../lib/camera-list-prefetch.js';
import { cameras, type CameraView } from '../lib/cameras.js';
import { GRID_LAYOUTS, SHAPES, cellCount, pageCount, type GridLayout } from '../lib/grid-layouts.js';
import { enlargedCell, gridLayout, gridPage, loadViews, putCamera, selectedCell, setLayout, showPage, shownCells, swapCells } from '../lib/grid-state.js';
import { aimMode } from '../lib/ptz-aim.js';
import { prepareStreams } from '../lib/stream-prepare.js';
import { AimLayer } from './AimLayer.js';
import type { TreeGroup } from '../lib/camera-tree.js';
import { CAMERA_DRAG_TYPE, CameraList, type CameraPlace } from './CameraList.js';
import { FullscreenIcon } from './Icons.js';
import { SavedViews } from './SavedViews.js';
import { VideoTile } from './VideoTile.js';
import { LiveBoxes } from './vision/LiveBoxes.js';
import { LiveBoxesToggle, liveBoxesOnTiles } from './vision/LiveBoxesToggle.js';

/** The camera taken into focus (PTZ, presets, lock), by id. */
export const focused = signal<string | null>(null);
const CELL_DRAG_TYPE = 'text/x-cg-cell';

function layoutLabel(layout: GridLayout): string {
  return layout.includes('+') || layout.includes('x') ? t(`console.layout.${layout}` as MessageKey) : t('cameras.layoutN', { n: layout });
}

/**
 * Each camera's group and location, and the configured groups: the camera tree is built from them.
 * Also the cameras as `/api/cameras` answered them: the grid shows those until the feed's snapshot
 * arrives (the feed's WebSocket is the slower of the two; the tiles need only the ids to start).
 */
function useCameraPlaces(): { places: ReadonlyMap<string, CameraPlace>; groups: TreeGroup[]; early: CameraView[] } {
  const [places, setPlaces] = useState<ReadonlyMap<string, CameraPlace>>(new Map());
  const [groups, setGroups] = useState<TreeGroup[]>([]);
  const [early, setEarly] = useState<CameraView[]>([]);
  const count = cameras.value.length;
  useEffect(() => {
    // The first time, the answer asked for alongside the session check (App), if there is one.
    takePrefetchedCameraList()
      .then((early) => early ?? api<CameraListAnswer>('/api/cameras'))
      .then(
        (r) => {
          setPlaces(new Map(r.cameras.map((c) => [c.id, { location: c.location ?? null, group: c.group ?? null }])));
          if (count === 0) setEarly([...r.cameras].sort((a, b) => a.id.localeCompare(b.id)));
        },
        () => undefined,
      );
  }, [count]);
  useEffect(() => {
    api<{ groups: TreeGroup[] }>('/api/camera-groups').then((r) => setGroups(r.groups), () => undefined);
  }, []);
  return { places, groups, early };
}

/** Big cells (one view, enlarged, a 1+5 / 1+7 main cell) play the main profile, the others the sub stream. */
function cellProfile(layout: GridLayout, enlarged: boolean, placement: { span: number } | undefined): 'main' | 'sub' {
  return enlarged || layout === '1' || (placement?.span ?? 1) > 1 ? 'main' : 'sub';
}

function Cell({ index, camera, layout, placement }: { index: number; camera: CameraView | undefined; layout: GridLayout; placement: { column: number; row: number; span: number } | undefined }) {
  const all = cameras.value.map((c) => c.id);
  const [over, setOver] = useState(false);
  const enlarged = enlargedCell.value !== null;
  const style = placement && !enlarged ? { gridColumn: `${placement.column} / span ${placement.span}`, gridRow: `${placement.row} / span ${placement.span}` } : {};
  const selected = selectedCell.value === index;
  // While click-to-aim is on over this tile, a drag draws the zoom box: the cell must not start
  // an HTML drag of its own (that cancels the box's pointer events and swaps the cell onto itself).
  const aiming = aimMode.value && selected && camera !== undefined && focused.value === camera.id;
  const dropProps = {
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      const cameraId = e.dataTransfer?.getData(CAMERA_DRAG_TYPE);
      const from = e.dataTransfer?.getData(CELL_DRAG_TYPE);
      if (cameraId) putCamera(index, cameraId, all);
      else if (from) swapCells(Number(from), index, all);
      selectedCell.value = index;
      focused.value = cameraId || camera?.id || null;
    },
  };
  return (
    <div
      class={`cell${over ? ' drop' : ''}${selected ? ' selected-cell' : ''}`}
      data-cell={index}
      style={style}
      draggable={camera !== undefined && !aiming}
      onDragStart={(e) => e.dataTransfer?.setData(CELL_DRAG_TYPE, String(index))}
      {...dropProps}
    >
      {camera ? (
        <VideoTile
          key={`${index}:${camera.id}`}
          cameraId={camera.id}
          name={camera.name}
          online={camera.online}
          status={camera.status}
          profile={cellProfile(layout, enlarged, placement)}
          selected={selected && focused.value === camera.id}
          tools
          onSelect={() => {
            selectedCell.value = index;
            focused.value = camera.id;
          }}
          onDoubleClick={() => {
            enlargedCell.value = enlarged ? null : index;
            selectedCell.value = index;
            focused.value = camera.id;
          }}
        >
          {aiming && <AimLayer camera={camera} />}
          {liveBoxesOnTiles.value && <LiveBoxes cameraId={camera.id} />}
        </VideoTile>
      ) : (
        <button type="button" class="cell-empty" aria-label={t('console.cell.select', { n: index + 1 })} onClick={() => (selectedCell.value = index)}>
          {t('console.cell.empty')}
        </button>
      )}
    </div>
  );
}

/**
 * The camera grid: layouts 1/4/9/16, 1+5, 1+7, 2x3; any camera in any cell (camera list, drag and
 * drop, swap by dragging a tile), paging, double-click to enlarge and back, full screen, saved views.
 */
export function CameraGrid() {
  const { places, groups, early } = useCameraPlaces();
  const list = cameras.value.length > 0 ? cameras.value : early;
  const all = list.map((c) => c.id);
  const byId = new Map(list.map((c) => [c.id, c]));
  const layout = gridLayout.value;
  const cells = shownCells(all);
  const shape = SHAPES[layout];
  const pages = pageCount(layout, all.length);
  const area = useRef<HTMLElement>(null);
  useEffect(() => {
    void loadViews().catch(() => undefined);
  }, []);
  const enlarged = enlargedCell.value;
  const visible = enlarged !== null ? [enlarged] : cells.map((_, i) => i);
  // The gateway starts the shown streams while the tiles' players load (not after: a cold stream
  // is ffmpeg's start, the camera's RTSP set-up and its next keyframe).
  const shown = visible.flatMap((i) => (cells[i] && byId.has(cells[i]!) ? [{ camera: cells[i]!, profile: cellProfile(layout, enlarged !== null, shape.cells[i]) }] : []));
  const shownKey = shown.map((s) => `${s.camera}/${s.profile}`).join(',');
  useLayoutEffect(() => prepareStreams(shown), [shownKey]);
  return (
    <div class="grid-with-list">
      <CameraList
        cameras={list}
        places={places}
        groups={groups}
        onPick={(id) => {
          prepareStreams([{ camera: id, profile: cellProfile(layout, enlarged !== null, shape.cells[selectedCell.value]) }]);
          putCamera(selectedCell.value, id, all);
          focused.value = id;
        }}
      />
      <section class="grid-area" ref={area} aria-label={t('nav.cameras')}>
        <div class="toolbar">
          <div role="group" class="layouts" aria-label={t('cameras.layout')}>
            {GRID_LAYOUTS.map((n) => (
              <button key={n} type="button" data-layout={n} aria-pressed={layout === n} class={layout === n ? 'active' : ''} onClick={() => setLayout(n, all)}>
                {layoutLabel(n)}
              </button>
            ))}
          </div>
          {pages > 1 && (
            <div role="group" class="paging" aria-label={t('console.page', { page: gridPage.value + 1, pages })}>
              <button type="button" class="icon" aria-label={t('console.page.prev')} onClick={() => showPage(gridPage.value - 1, all)}>
                ‹
              </button>
              <span>{t('console.page', { page: gridPage.value + 1, pages })}</span>
              <button type="button" class="icon" aria-label={t('console.page.next')} onClick={() => showPage(gridPage.value + 1, all)}>
                ›
              </button>
            </div>
          )}
          {enlarged !== null && (
            <button type="button" class="back" onClick={() => (enlargedCell.value = null)}>
              {t('console.back', { n: cellCount(layout) })}
            </button>
          )}
          <button
            type="button"
            class="icon"
            aria-label={t('console.fullscreen.grid')}
            title={t('console.fullscreen.grid')}
            onClick={() => (document.fullscreenElement ? void document.exitFullscreen() : void area.current?.requestFullscreen().catch(() => undefined))}
          >
            <FullscreenIcon />
          </button>
          <LiveBoxesToggle />
          <SavedViews all={all} />
        </div>
        {list.length === 0 ? (
          <p class="muted">{t('cameras.none')}</p>
        ) : (
          <div
            class={`grid layout-${layout.replace('+', 'p')}${enlarged !== null ? ' enlarged' : ''}`}
            style={enlarged !== null ? { gridTemplateColumns: '1fr' } : { gridTemplateColumns: `repeat(${shape.columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${shape.rows}, auto)` }}
          >
            {visible.map((i) => (
              <Cell key={i} index={i} camera={cells[i] ? byId.get(cells[i]!) : undefined} layout={layout} placement={shape.cells[i]} />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
