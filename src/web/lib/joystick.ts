import { translateMessage } from '../i18n/messages.js';
import { wsUrl } from './api.js';

export interface Vector {
  pan: number;
  tilt: number;
  zoom: number;
}

export type JoystickEvent =
  | { type: 'ready'; controller: { name: string; displayName?: string } | null }
  /** `error` is in the UI language when the gateway gave a message code. */
  | { type: 'error'; status?: number; error: string; holder?: unknown; messageCode?: string; params?: Record<string, string | number> }
  | { type: 'preempted'; controller: { name: string; displayName?: string } }
  | { type: 'stopped'; reason: string }
  | { type: 'closed'; code: number; reason: string };

const REPEAT_MS = 100;

/** A refusal from the gateway in the UI language (its English text when the code is unknown). */
function translated(event: JoystickEvent): JoystickEvent {
  if (event.type !== 'error' || !event.messageCode) return event;
  return { ...event, error: translateMessage(event.messageCode, event.params ?? {}) ?? event.error };
}

/**
 * The joystick channel of one camera. While a vector is held it is re-sent every 100 ms (the
 * gateway stops the camera if nothing arrives for 500 ms); release sends a zero vector.
 */
export class Joystick {
  private ws: WebSocket | undefined;
  private held: Vector | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly cameraId: string,
    private readonly onEvent: (event: JoystickEvent) => void,
    private readonly takeover = false,
  ) {}

  private open(): WebSocket {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return this.ws;
    const ws = new WebSocket(wsUrl(`/api/cameras/${encodeURIComponent(this.cameraId)}/joystick`, this.takeover ? { takeover: '1' } : {}));
    ws.onmessage = (e) => this.onEvent(translated(JSON.parse(String(e.data)) as JoystickEvent));
    ws.onclose = (e) => {
      this.stopRepeat();
      this.onEvent({ type: 'closed', code: e.code, reason: e.reason });
    };
    this.ws = ws;
    return ws;
  }

  private send(vector: Vector): void {
    const ws = this.open();
    const message = JSON.stringify(vector);
    if (ws.readyState === WebSocket.OPEN) ws.send(message);
    else ws.addEventListener('open', () => ws.send(message), { once: true });
  }

  /** Moves at this velocity until release() (components -1..1). */
  hold(vector: Vector): void {
    this.held = vector;
    this.send(vector);
    if (!this.timer) this.timer = setInterval(() => this.held && this.send(this.held), REPEAT_MS);
  }

  release(): void {
    if (!this.held) return;
    this.stopRepeat();
    this.held = undefined;
    this.send({ pan: 0, tilt: 0, zoom: 0 });
  }

  private stopRepeat(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.release();
    this.stopRepeat();
    this.ws?.close();
    this.ws = undefined;
  }
}
