/** A day timeline of one camera: recorded spans, gaps and event marks; click or drag to seek; zoom 24 h .. 1 min. */
import { useRef } from 'preact/hooks';
import { t } from '../../i18n/index.js';

export interface TimelineData {
  spans: Array<{ from: number; to: number }>;
  gaps: Array<{ from: number; to: number; reason: string }>;
  events: Array<{ id: number; at: number; kind: string; label: string | null }>;
}

export const ZOOMS_MS = [86_400_000, 6 * 3_600_000, 3_600_000, 15 * 60_000, 60_000];

interface Props {
  data: TimelineData | undefined;
  /** Visible window [from, from + span). */
  from: number;
  spanMs: number;
  position: number | undefined;
  selection?: { from: number; to: number } | undefined;
  onSeek: (at: number) => void;
  onSelect?: (range: { from: number; to: number }) => void;
}

export function Timeline({ data, from, spanMs, position, selection, onSeek, onSelect }: Props) {
  const bar = useRef<HTMLDivElement>(null);
  const drag = useRef<number | undefined>(undefined);
  const pct = (ms: number): number => Math.max(0, Math.min(100, ((ms - from) / spanMs) * 100));
  const at = (clientX: number): number => {
    const r = bar.current!.getBoundingClientRect();
    return from + ((clientX - r.left) / r.width) * spanMs;
  };
  const box = (a: number, b: number): Record<string, string> => ({ left: `${pct(a)}%`, width: `${Math.max(0.2, pct(b) - pct(a))}%` });
  return (
    <div
      ref={bar}
      class="timeline"
      role="slider"
      aria-label={t('playback.timeline')}
      aria-valuenow={position}
      onPointerDown={(e) => {
        drag.current = at(e.clientX);
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
      }}
      onPointerUp={(e) => {
        const start = drag.current;
        drag.current = undefined;
        const end = at(e.clientX);
        if (start !== undefined && Math.abs(end - start) > spanMs / 200 && onSelect) onSelect({ from: Math.min(start, end), to: Math.max(start, end) });
        else onSeek(end);
      }}
    >
      {data?.spans.map((s) => <div key={`s${s.from}`} class="timeline-span" style={box(s.from, s.to)} />)}
      {data?.gaps.map((g) => <div key={`g${g.from}`} class="timeline-gap" style={box(g.from, g.to)} title={`${t('playback.gap')}: ${g.reason}`} />)}
      {data?.events.map((e) => <div key={`e${e.id}`} class={`timeline-event timeline-event-${e.kind}`} style={{ left: `${pct(e.at)}%` }} title={`${t(`playback.event.${e.kind}` as never)} ${e.label ?? ''}`} />)}
      {selection && <div class="timeline-selection" style={box(selection.from, selection.to)} />}
      {position !== undefined && <div class="timeline-cursor" style={{ left: `${pct(position)}%` }} />}
    </div>
  );
}
