import { useEffect, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import type { AlarmNotice } from '../../lib/alarms.js';
import { itemKey, type Placement, type SiteMapItem } from './site-map-data.js';

/** A drag in progress: from the list of things not yet placed, or a marker already on the plan. */
interface Drag {
  item: SiteMapItem;
  fromPalette: boolean;
  startX: number;
  startY: number;
  x: number;
  y: number;
  moved: boolean;
}

const KIND_SYMBOL: Record<string, string> = { cameras: 'C', barriers: 'B', speakers: 'S', 'alarm-buttons': '!', 'door-sensors': 'D', homes: 'H' };

export interface SiteMapCanvasProps {
  imageUrl: string;
  items: SiteMapItem[];
  placements: Placement[];
  raised: ReadonlyMap<string, AlarmNotice>;
  canEdit: boolean;
  onPlace: (item: SiteMapItem, x: number, y: number) => void;
  onRemove: (item: SiteMapItem) => void;
  onOpen: (item: SiteMapItem) => void;
}

/** The raised alarm of a thing on the map (one of its devices), if any. */
export function alarmOf(item: SiteMapItem, raised: ReadonlyMap<string, AlarmNotice>): AlarmNotice | undefined {
  for (const d of item.devices) {
    const a = raised.get(d);
    if (a) return a;
  }
  return undefined;
}

/**
 * The plan with its markers. Officers and admins drag things from the list onto the plan and drag
 * markers to move them (pointer events: mouse, pen and touch alike); a marker whose device has a
 * raised alarm flashes; clicking a camera's marker opens its live picture.
 */
export function SiteMapCanvas({ imageUrl, items, placements, raised, canEdit, onPlace, onRemove, onOpen }: SiteMapCanvasProps) {
  const plan = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const byKey = new Map(items.map((i) => [itemKey(i), i]));
  const placed = placements.filter((p) => byKey.has(itemKey(p)));
  const placedKeys = new Set(placed.map(itemKey));
  const unplaced = items.filter((i) => !placedKeys.has(itemKey(i)));

  // The latest callbacks, for the window listeners of a drag (added at pointerdown, before any re-render).
  const handlers = useRef({ onPlace, onOpen });
  handlers.current = { onPlace, onOpen };
  const detach = useRef<(() => void) | null>(null);
  useEffect(() => () => detach.current?.(), []);

  const start = (item: SiteMapItem, fromPalette: boolean) => (e: PointerEvent) => {
    if (e.button !== 0 || !canEdit) return;
    e.preventDefault();
    detach.current?.();
    const first: Drag = { item, fromPalette, startX: e.clientX, startY: e.clientY, x: e.clientX, y: e.clientY, moved: false };
    dragRef.current = first;
    setDrag(first);
    const move = (ev: PointerEvent) => {
      const d = dragRef.current;
      if (!d) return;
      const next = { ...d, x: ev.clientX, y: ev.clientY, moved: d.moved || Math.hypot(ev.clientX - d.startX, ev.clientY - d.startY) > 4 };
      dragRef.current = next;
      setDrag(next);
    };
    const up = (ev: PointerEvent) => {
      const d = dragRef.current;
      detach.current?.();
      dragRef.current = null;
      setDrag(null);
      if (!d) return;
      if (!d.moved) {
        if (!d.fromPalette) handlers.current.onOpen(d.item);
        return;
      }
      const rect = plan.current?.getBoundingClientRect();
      if (!rect || rect.width === 0 || rect.height === 0) return;
      const fx = (ev.clientX - rect.left) / rect.width;
      const fy = (ev.clientY - rect.top) / rect.height;
      if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return; // dropped outside the plan: nothing changes
      handlers.current.onPlace(d.item, Math.round(fx * 10000) / 10000, Math.round(fy * 10000) / 10000);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
    detach.current = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      detach.current = null;
    };
  };

  const rect = plan.current?.getBoundingClientRect();
  return (
    <div class="site-map-body">
      <div class="site-map-plan" ref={plan} aria-label={t('sitemap.mapLabel')}>
        <img src={imageUrl} alt={t('sitemap.mapLabel')} draggable={false} />
        {placed.map((p) => {
          const item = byKey.get(itemKey(p))!;
          const alarm = alarmOf(item, raised);
          const dragging = drag && !drag.fromPalette && drag.moved && itemKey(drag.item) === itemKey(item) && rect;
          const left = dragging ? ((drag.x - rect.left) / rect.width) * 100 : p.x * 100;
          const top = dragging ? ((drag.y - rect.top) / rect.height) * 100 : p.y * 100;
          const label = alarm ? t('sitemap.alarmAt', { name: item.name }) : `${t(`sitemap.kind.${item.kind}` as MessageKey)}: ${item.name}`;
          return (
            <button
              key={itemKey(item)}
              type="button"
              class={`site-marker kind-${item.kind}${alarm ? ' alarm' : ''}`}
              style={{ left: `${left}%`, top: `${top}%` }}
              data-kind={item.kind}
              data-id={item.id}
              data-x={p.x}
              data-y={p.y}
              data-alarm={alarm ? String(alarm.id) : undefined}
              title={label}
              aria-label={label}
              onPointerDown={start(item, false)}
              onClick={(e) => {
                // keyboard (Enter/Space) and the viewers' clicks; an editor's pointer clicks arrive through the drag
                if (!canEdit || e.detail === 0) onOpen(item);
              }}
              onContextMenu={(e) => {
                if (!canEdit) return;
                e.preventDefault();
                if (confirm(`${t('sitemap.remove')}: ${item.name}?`)) onRemove(item);
              }}
            >
              <span class="site-marker-symbol" aria-hidden="true">
                {KIND_SYMBOL[item.kind]}
              </span>
              <span class="site-marker-name">{item.name}</span>
            </button>
          );
        })}
      </div>
      {canEdit && (
        <aside class="site-map-palette card">
          <h3>{t('sitemap.palette')}</h3>
          <p class="muted">{t('sitemap.paletteHint')}</p>
          {unplaced.length === 0 && <p class="muted">{t('sitemap.allPlaced')}</p>}
          <ul>
            {unplaced.map((item) => (
              <li key={itemKey(item)} class="site-palette-item" data-kind={item.kind} data-id={item.id} onPointerDown={start(item, true)}>
                <span class={`site-marker-symbol kind-${item.kind}`} aria-hidden="true">
                  {KIND_SYMBOL[item.kind]}
                </span>{' '}
                {item.name} <span class="muted">({t(`sitemap.kind.${item.kind}` as MessageKey)})</span>
              </li>
            ))}
          </ul>
        </aside>
      )}
      {drag?.fromPalette && drag.moved && (
        <div class="site-drag-ghost" style={{ left: `${drag.x}px`, top: `${drag.y}px` }} aria-hidden="true">
          {drag.item.name}
        </div>
      )}
    </div>
  );
}
