/** The recording state of one camera for the device page: recording, off, waiting, or error with its reason (from GET /api/recordings). */
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';

interface RecorderRow {
  camera: string;
  state: 'starting' | 'recording' | 'waiting' | 'error' | 'stopped';
  reason: { code: string; message: string } | null;
}

const rows = signal<Record<string, RecorderRow> | null>(null);
let users = 0;
let timer: number | undefined;

function load(): void {
  api<{ cameras: RecorderRow[] }>('/api/recordings').then(
    (r) => (rows.value = Object.fromEntries(r.cameras.map((c) => [c.camera, c]))),
    () => (rows.value = {}), // no recording feature (or no access): every camera reads "off"
  );
}

/** Keeps the states fresh while at least one cell is shown (one request for the whole table). */
function useRecorderStates(): void {
  useEffect(() => {
    if (users++ === 0) {
      load();
      timer = window.setInterval(load, 5000);
    }
    return () => {
      if (--users === 0) window.clearInterval(timer);
    };
  }, []);
}

const REASONS = new Set(['camera.offline', 'camera.login_refused', 'stream.auth_failed', 'stream.not_found', 'stream.unreachable', 'stream.no_data', 'stream.ffmpeg_exited', 'stream.source_failed', 'stream.interrupted', 'recording.write_failed', 'recording.bad_stream']);

function reasonText(reason: RecorderRow['reason']): string {
  if (!reason) return '';
  return REASONS.has(reason.code) ? t(`recstate.reason.${reason.code}` as MessageKey) : reason.message;
}

export function RecordingStateCell({ camera }: { camera: string }) {
  useRecorderStates();
  if (!rows.value) return <span class="muted">…</span>;
  const row = rows.value[camera];
  const state = !row || row.state === 'stopped' ? 'off' : row.state;
  const dot = state === 'recording' ? true : state === 'error' || state === 'waiting' ? false : null;
  return (
    <span data-recording-state={state}>
      <span class={`dot ${dot === true ? 'on' : dot === false ? 'off' : 'unknown'}`} aria-hidden="true" /> {t(`recstate.${state}` as MessageKey)}
      {row?.reason && <div class={state === 'error' ? 'error' : 'muted'}>{reasonText(row.reason)}</div>}
    </span>
  );
}
