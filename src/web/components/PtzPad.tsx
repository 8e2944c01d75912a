import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Joystick, type JoystickEvent, type Vector } from '../lib/joystick.js';

const KEYS: Record<string, Vector> = {
  ArrowLeft: { pan: -1, tilt: 0, zoom: 0 },
  ArrowRight: { pan: 1, tilt: 0, zoom: 0 },
  ArrowUp: { pan: 0, tilt: 1, zoom: 0 },
  ArrowDown: { pan: 0, tilt: -1, zoom: 0 },
  '+': { pan: 0, tilt: 0, zoom: 1 },
  '=': { pan: 0, tilt: 0, zoom: 1 },
  '-': { pan: 0, tilt: 0, zoom: -1 },
};

function clamp(v: number): number {
  return Math.max(-1, Math.min(1, Math.round(v * 100) / 100));
}

/**
 * The PTZ joystick: drag (mouse or touch) from the pad's centre, arrow keys, +/- to zoom. The
 * camera moves while held and stops on release; the gateway also stops it if this page vanishes.
 */
export function PtzPad({ cameraId, takeover, onMessage }: { cameraId: string; takeover: boolean; onMessage: (event: JoystickEvent) => void }) {
  const pad = useRef<HTMLDivElement>(null);
  const stick = useRef<Joystick | null>(null);
  const [speed, setSpeed] = useState(0.6);
  const [knob, setKnob] = useState({ x: 0, y: 0 });

  useEffect(() => {
    const joystick = new Joystick(cameraId, onMessage, takeover);
    stick.current = joystick;
    return () => joystick.close();
  }, [cameraId, takeover]);

  const scaled = (v: Vector): Vector => ({ pan: clamp(v.pan * speed), tilt: clamp(v.tilt * speed), zoom: clamp(v.zoom * speed) });

  const fromPointer = (e: PointerEvent) => {
    const rect = pad.current!.getBoundingClientRect();
    const x = clamp(((e.clientX - rect.left) / rect.width) * 2 - 1);
    const y = clamp(((e.clientY - rect.top) / rect.height) * 2 - 1);
    setKnob({ x, y });
    stick.current?.hold(scaled({ pan: x, tilt: -y, zoom: 0 }));
  };
  const release = () => {
    setKnob({ x: 0, y: 0 });
    stick.current?.release();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const v = KEYS[e.key];
    if (!v || e.repeat) return;
    e.preventDefault();
    stick.current?.hold(scaled(v));
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (KEYS[e.key]) release();
  };

  const zoomButton = (direction: 1 | -1, label: string) => (
    <button
      type="button"
      class="zoom"
      aria-label={label}
      title={label}
      onPointerDown={() => stick.current?.hold(scaled({ pan: 0, tilt: 0, zoom: direction }))}
      onPointerUp={release}
      onPointerLeave={release}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && !e.repeat && stick.current?.hold(scaled({ pan: 0, tilt: 0, zoom: direction }))}
      onKeyUp={(e) => (e.key === 'Enter' || e.key === ' ') && release()}
    >
      {direction > 0 ? '+' : '−'}
    </button>
  );

  return (
    <div class="ptz">
      <div
        ref={pad}
        class="ptz-pad"
        role="application"
        tabIndex={0}
        aria-label={t('ptz.pad')}
        title={t('ptz.padHelp')}
        onPointerDown={(e) => {
          pad.current!.setPointerCapture(e.pointerId);
          fromPointer(e);
        }}
        onPointerMove={(e) => e.buttons && fromPointer(e)}
        onPointerUp={release}
        onPointerCancel={release}
        onLostPointerCapture={release}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
        onBlur={release}
      >
        <span class="ptz-knob" style={{ transform: `translate(calc(${knob.x} * var(--pad-travel)), calc(${knob.y} * var(--pad-travel)))` }} />
      </div>
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
