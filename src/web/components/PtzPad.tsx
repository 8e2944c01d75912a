import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Joystick, type JoystickEvent, type Vector } from '../lib/joystick.js';
import { percent, useReportedPtz, type ReportedPtz } from '../lib/ptz-feedback.js';

const KEYS: Record<string, Vector> = {
  ArrowLeft: { pan: -1, tilt: 0, zoom: 0 },
  ArrowRight: { pan: 1, tilt: 0, zoom: 0 },
  ArrowUp: { pan: 0, tilt: 1, zoom: 0 },
  ArrowDown: { pan: 0, tilt: -1, zoom: 0 },
  '+': { pan: 0, tilt: 0, zoom: 1 },
  '=': { pan: 0, tilt: 0, zoom: 1 },
  '-': { pan: 0, tilt: 0, zoom: -1 },
};

/** A drag must travel this far (px) before the camera moves: a click on the pad only focuses it. */
const DRAG_START_PX = 6;

function clamp(v: number): number {
  return Math.max(-1, Math.min(1, Math.round(v * 100) / 100));
}

/** Keys go to the PTZ unless the person is typing (text fields, selects, editable text). */
export function typingInto(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(type);
}

type Source = 'pad' | 'key' | 'button';

/**
 * The PTZ joystick: drag (mouse or touch) from the pad's centre, arrow keys and +/- whenever this
 * camera is selected and no text field has focus, zoom buttons. The camera moves while held and
 * stops on release; the gateway also stops it if this page vanishes. `lockedBy` greys it out.
 * The knob shows the move at once (keys and buttons too), before the camera or its video can;
 * a dot and a line under the pad show where the camera reports it points (`reported`, from the
 * feed, asked four times a second while the pad is held).
 */
export function PtzPad({ cameraId, takeover, onMessage, lockedBy, reported }: { cameraId: string; takeover: boolean; onMessage: (event: JoystickEvent) => void; lockedBy?: string | null; reported?: ReportedPtz }) {
  const pad = useRef<HTMLDivElement>(null);
  const stick = useRef<Joystick | null>(null);
  const source = useRef<Source | null>(null);
  const down = useRef<{ x: number; y: number; dragging: boolean } | null>(null);
  const keysHeld = useRef(new Set<string>());
  const [speed, setSpeed] = useState(0.6);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const lockedRef = useRef(lockedBy);
  lockedRef.current = lockedBy;
  const [knob, setKnob] = useState({ x: 0, y: 0 });
  const [held, setHeld] = useState(false);
  const camera = useReportedPtz(cameraId, held, reported ?? { position: null, moving: null });

  useEffect(() => {
    const joystick = new Joystick(cameraId, onMessage, takeover);
    stick.current = joystick;
    return () => joystick.close();
  }, [cameraId, takeover]);

  const scaled = (v: Vector): Vector => ({ pan: clamp(v.pan * speedRef.current), tilt: clamp(v.tilt * speedRef.current), zoom: clamp(v.zoom * speedRef.current) });
  const hold = (from: Source, v: Vector) => {
    if (lockedRef.current) return;
    source.current = from;
    setHeld(true);
    // The pad's knob follows the pointer itself; keys and buttons show their direction on it too.
    if (from !== 'pad') setKnob({ x: Math.sign(v.pan), y: -Math.sign(v.tilt) });
    stick.current?.hold(scaled(v));
  };
  const release = (from?: Source) => {
    if (from && source.current !== from) return;
    source.current = null;
    setKnob({ x: 0, y: 0 });
    setHeld(false);
    stick.current?.release();
  };

  // Keys anywhere on the page while this camera is selected (not while typing in a field).
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape') return release();
      const v = KEYS[e.key];
      if (!v || e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      e.preventDefault();
      if (e.repeat || keysHeld.current.has(e.key)) return;
      keysHeld.current.add(e.key);
      hold('key', v);
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (!keysHeld.current.delete(e.key)) return;
      if (keysHeld.current.size === 0) release('key');
    };
    const onWindowBlur = () => {
      keysHeld.current.clear();
      release();
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onWindowBlur);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onWindowBlur);
    };
  }, [cameraId]);

  const fromPointer = (e: PointerEvent) => {
    const rect = pad.current!.getBoundingClientRect();
    const x = clamp(((e.clientX - rect.left) / rect.width) * 2 - 1);
    const y = clamp(((e.clientY - rect.top) / rect.height) * 2 - 1);
    setKnob({ x, y });
    hold('pad', { pan: x, tilt: -y, zoom: 0 });
  };

  const zoomButton = (direction: 1 | -1, label: string) => (
    <button
      type="button"
      class="zoom"
      aria-label={label}
      title={label}
      disabled={Boolean(lockedBy)}
      onPointerDown={(e) => {
        // Captured: the button keeps the press even if the layout shifts under the pointer (the
        // lock line changes when control is taken); it ends on release, cancel or capture loss.
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        hold('button', { pan: 0, tilt: 0, zoom: direction });
      }}
      onPointerUp={() => release('button')}
      onPointerCancel={() => release('button')}
      onLostPointerCapture={() => release('button')}
      onKeyDown={(e) => {
        if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
          e.preventDefault();
          hold('button', { pan: 0, tilt: 0, zoom: direction });
        }
      }}
      onKeyUp={(e) => (e.key === 'Enter' || e.key === ' ') && release('button')}
    >
      {direction > 0 ? '+' : '−'}
    </button>
  );

  return (
    <div class={`ptz${lockedBy ? ' locked' : ''}`} aria-disabled={lockedBy ? 'true' : undefined}>
      <div
        ref={pad}
        class="ptz-pad"
        role="application"
        tabIndex={0}
        aria-label={lockedBy ? t('console.lock.padLocked', { name: lockedBy }) : t('ptz.pad')}
        title={lockedBy ? t('console.lock.padLocked', { name: lockedBy }) : t('ptz.padHelp')}
        onPointerDown={(e) => {
          pad.current!.setPointerCapture(e.pointerId);
          down.current = { x: e.clientX, y: e.clientY, dragging: false };
        }}
        onPointerMove={(e) => {
          const d = down.current;
          if (!d || !e.buttons) return;
          if (!d.dragging && Math.hypot(e.clientX - d.x, e.clientY - d.y) < DRAG_START_PX) return;
          d.dragging = true;
          fromPointer(e);
        }}
        onPointerUp={() => {
          down.current = null;
          release('pad');
        }}
        onPointerCancel={() => {
          down.current = null;
          release('pad');
        }}
        onLostPointerCapture={() => {
          down.current = null;
          release('pad');
        }}
      >
        <span class="ptz-knob" data-x={knob.x} data-y={knob.y} style={{ transform: `translate(calc(${knob.x} * var(--pad-travel)), calc(${knob.y} * var(--pad-travel)))` }} />
        {camera.position && (
          <span
            class="ptz-position"
            title={t('ptzFeedback.dot')}
            data-x={camera.position.x}
            data-y={camera.position.y}
            style={{ transform: `translate(calc(${camera.position.x} * var(--pad-travel)), calc(${-camera.position.y} * var(--pad-travel)))` }}
          />
        )}
        {lockedBy && <span class="ptz-locked-by">{t('console.lock.padLocked', { name: lockedBy })}</span>}
      </div>
      <p class="ptz-reported muted small" aria-live="polite" data-moving={camera.moving === null ? undefined : String(camera.moving)}>
        {camera.position
          ? `${t('ptzFeedback.reported', { pan: percent(camera.position.x), tilt: percent(camera.position.y), zoom: percent(camera.position.zoom) })} · ${t(camera.moving ? 'ptzFeedback.moving' : 'ptzFeedback.still')}`
          : t('ptzFeedback.unknown')}
      </p>
      <div class="ptz-side">
        {zoomButton(1, t('ptz.zoomIn'))}
        {zoomButton(-1, t('ptz.zoomOut'))}
        <label>
          {t('ptz.speed')}
          <input type="range" min={0.1} max={1} step={0.1} value={speed} onInput={(e) => setSpeed(Number(e.currentTarget.value))} />
        </label>
      </div>
    </div>
  );
}
