import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';

interface LiveTrack {
  id: string;
  label: string;
  score: number;
  box: { x: number; y: number; w: number; h: number };
}

/**
 * The objects tracked on a camera now, drawn over its picture (place it in a positioned box over
 * the video or snapshot). Polls /api/vision/cameras/:id/live once a second while mounted.
 */
export function LiveBoxes(props: { cameraId: string }) {
  const [tracks, setTracks] = useState<LiveTrack[]>([]);
  useEffect(() => {
    let stopped = false;
    const poll = (): void => {
      api<{ tracks: LiveTrack[] }>(`/api/vision/cameras/${encodeURIComponent(props.cameraId)}/live`).then(
        (r) => !stopped && setTracks(r.tracks),
        () => !stopped && setTracks([]),
      );
    };
    poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [props.cameraId]);
  return (
    <svg class="vision-live-boxes" data-camera={props.cameraId} data-tracks={tracks.length} viewBox="0 0 100 100" preserveAspectRatio="none" style={{ position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none' }}>
      {tracks.map((tr) => (
        <g key={tr.id} data-track={tr.id} data-label={tr.label}>
          <rect x={tr.box.x * 100} y={tr.box.y * 100} width={tr.box.w * 100} height={tr.box.h * 100} fill="none" stroke={tr.label === 'person' ? 'red' : 'orange'} stroke-width="0.6" />
          <text x={tr.box.x * 100 + 0.5} y={tr.box.y * 100 + 3} font-size="3" fill={tr.label === 'person' ? 'red' : 'orange'}>{`${t(`vision.class.${tr.label}` as MessageKey)} ${Math.round(tr.score * 100)}%`}</text>
        </g>
      ))}
    </svg>
  );
}
