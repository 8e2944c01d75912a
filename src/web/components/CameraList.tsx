import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { CameraView } from '../lib/cameras.js';
import { prepareStreams } from '../lib/stream-prepare.js';
import { StatusDot } from './DeviceHealth.js';

/** Drag data type of a camera dragged from the list into a cell. */
export const CAMERA_DRAG_TYPE = 'text/x-cg-camera';

/**
 * Every camera by area (its configured location), with a search: click puts it into the selected
 * cell, or drag it onto any cell.
 */
export function CameraList({ cameras, locations, onPick }: { cameras: CameraView[]; locations: ReadonlyMap<string, string>; onPick: (cameraId: string) => void }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const matching = cameras.filter((c) => !q || c.name.toLowerCase().includes(q) || c.id.toLowerCase().includes(q) || (locations.get(c.id) ?? '').toLowerCase().includes(q));
  const groups = new Map<string, CameraView[]>();
  for (const c of matching) {
    const area = locations.get(c.id) || t('console.list.ungrouped');
    groups.set(area, [...(groups.get(area) ?? []), c]);
  }
  return (
    <nav class="camera-list card" aria-label={t('console.list.title')}>
      <label>
        <span class="sr-only">{t('console.list.search')}</span>
        <input type="search" name="camera-search" placeholder={t('console.list.searchHint')} aria-label={t('console.list.search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <p class="muted small">{t('console.list.help')}</p>
      {matching.length === 0 && <p class="muted">{t('console.list.none')}</p>}
      {[...groups.entries()].map(([area, list]) => (
        <section key={area} class="camera-group">
          {groups.size > 1 || locations.size > 0 ? <h3>{area}</h3> : null}
          <ul>
            {list.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  class="camera-item"
                  data-camera={c.id}
                  draggable
                  title={t('console.list.put', { name: c.name })}
                  // Pressed or dragged: the camera is about to go into a cell (most cells play the sub stream).
                  onPointerDown={() => prepareStreams([{ camera: c.id, profile: 'sub' }])}
                  onDragStart={(e) => {
                    prepareStreams([{ camera: c.id, profile: 'sub' }]);
                    e.dataTransfer?.setData(CAMERA_DRAG_TYPE, c.id);
                    e.dataTransfer?.setData('text/plain', c.id);
                  }}
                  onClick={() => onPick(c.id)}
                >
                  <StatusDot online={c.online} /> {c.name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
