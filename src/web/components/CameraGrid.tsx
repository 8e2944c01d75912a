import { signal } from '@preact/signals';
import { t } from '../i18n/index.js';
import { cameras } from '../lib/cameras.js';
import { VideoTile } from './VideoTile.js';

export const LAYOUTS = [1, 4, 9, 16] as const;
export type Layout = (typeof LAYOUTS)[number];

const layout = signal<Layout>(Number(localStorage.getItem('cg_layout')) as Layout || 4);
export const focused = signal<string | null>(null);

/** The camera grid (1/4/9/16); clicking a tile takes that camera into focus. */
export function CameraGrid() {
  const list = cameras.value;
  const shown = list.slice(0, layout.value);
  const columns = Math.sqrt(layout.value);
  return (
    <section class="grid-area" aria-label={t('nav.cameras')}>
      <div class="toolbar" role="group" aria-label={t('cameras.layout')}>
        {LAYOUTS.map((n) => (
          <button
            key={n}
            type="button"
            aria-pressed={layout.value === n}
            class={layout.value === n ? 'active' : ''}
            onClick={() => {
              layout.value = n;
              localStorage.setItem('cg_layout', String(n));
            }}
          >
            {t('cameras.layoutN', { n })}
          </button>
        ))}
      </div>
      {list.length === 0 ? (
        <p class="muted">{t('cameras.none')}</p>
      ) : (
        <div class="grid" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
          {shown.map((c) => (
            <VideoTile
              key={c.id}
              cameraId={c.id}
              name={c.name}
              online={c.online}
              profile={layout.value === 1 ? 'main' : 'sub'}
              selected={focused.value === c.id}
              onSelect={() => (focused.value = c.id)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
