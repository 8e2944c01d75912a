/**
 * The camera's PullPoint event loop (ONVIF Events): CreatePullPointSubscription, then
 * PullMessages (long poll) and Renew in turn, recreating the subscription after an error with a
 * pause. Our own loop over the `onvif` client's calls (its built-in loop retries refused
 * connections every few ms and cannot be stopped mid-poll); stop() ends it at once because the
 * client's sockets are destroyed by its close().
 */
import type { OnvifClient } from './onvif-client.js';

export interface CameraEvent {
  /** Topic without namespace prefix, e.g. `VideoSource/MotionAlarm`, `RuleEngine/TamperDetector/Tamper`. */
  topic: string;
  /** Simple data items (e.g. { State: 'true' }). */
  data: Record<string, string>;
  source: Record<string, string>;
  /** When the camera says it happened, in the camera's clock (ISO), if it said. */
  cameraTime: string | undefined;
}

interface RawItem {
  $?: { Name?: string; Value?: string; name?: string; value?: string };
}

interface RawNotification {
  topic?: { _?: string } | string;
  message?: { message?: { $?: { UtcTime?: string | Date }; source?: { simpleItem?: RawItem | RawItem[] }; data?: { simpleItem?: RawItem | RawItem[] } } };
}

function items(raw: RawItem | RawItem[] | undefined): Record<string, string> {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return Object.fromEntries(list.map((i) => [i.$?.Name ?? i.$?.name ?? '', String(i.$?.Value ?? i.$?.value ?? '')]).filter(([k]) => k));
}

function isoOrUndefined(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function parseNotification(n: RawNotification): CameraEvent {
  const topicText = typeof n.topic === 'string' ? n.topic : (n.topic?._ ?? '');
  const msg = n.message?.message;
  return {
    topic: topicText.replace(/^[\w-]+:/, '').replace(/\/[\w-]+:/g, '/'),
    data: items(msg?.data?.simpleItem),
    source: items(msg?.source?.simpleItem),
    cameraTime: isoOrUndefined(msg?.$?.UtcTime),
  };
}

export class PullPointLoop {
  private running = false;
  private pause: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: OnvifClient,
    private readonly onEvent: (event: CameraEvent) => void,
    private readonly onError: (err: unknown) => void,
    private readonly retryMs = 5000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.pause) clearTimeout(this.pause);
    this.pause = undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.client.call('createPullPointSubscription');
        while (this.running) {
          const data = await this.client.call<{ notificationMessage?: RawNotification | RawNotification[] } | undefined>('pullMessages', {});
          const messages = data?.notificationMessage;
          for (const m of messages === undefined ? [] : Array.isArray(messages) ? messages : [messages]) {
            if (this.running) this.onEvent(parseNotification(m));
          }
          if (this.running) await this.client.call('renew', {});
        }
      } catch (err) {
        if (!this.running) return;
        this.onError(err);
        await new Promise<void>((resolve) => (this.pause = setTimeout(resolve, this.retryMs)));
      }
    }
  }
}
