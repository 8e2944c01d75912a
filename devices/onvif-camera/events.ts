/**
 * The camera's PullPoint event loop (ONVIF Events): CreatePullPointSubscription, then
 * PullMessages (long poll), with a Renew once half the subscription's lifetime has passed.
 * Renew, PullMessages and Unsubscribe carry full WS-Addressing (MessageID, Action, To): strict
 * cameras refuse them otherwise. A subscription the loop gives up on is unsubscribed (a camera
 * has few slots, often 8, shared with NVRs), failures back off exponentially up to a cap, and
 * stop() unsubscribes before the client's sockets close. Our own loop over the `onvif` client
 * (its built-in loop retries every few ms, leaks subscriptions and cannot be stopped mid-poll).
 */
import { createRequire } from 'node:module';
import { Backoff } from './backoff.js';
import type { OnvifClient } from './onvif-client.js';
import { formatXmlDuration, NS } from './protocol.js';

const require = createRequire(import.meta.url);
const { linerase } = require('onvif/lib/utils.js') as { linerase(x: unknown): unknown };

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

export interface PullPointOptions {
  /** Subscription lifetime asked for (InitialTerminationTime and Renew), ms. Default 120 s. */
  terminationMs?: number;
  /** PullMessages Timeout (long poll), ms. Default 30 s. */
  pullTimeoutMs?: number;
  /** First pause after a failure, ms; doubles per failure. Default 5 s. */
  retryMs?: number;
  /** Longest pause after failures, ms. Default 5 min. */
  maxRetryMs?: number;
  /** Longest wait for Unsubscribe at stop, ms. Default 2 s. */
  unsubscribeTimeoutMs?: number;
  /** Called when `health.state` changes (not at every pull). */
  onHealthChange?: (health: EventHealth) => void;
}

/** How a camera's event subscription is doing, for the API, the device page and metrics. */
export interface EventHealth {
  /** `ok`: the last pull succeeded; `failing`: retrying after errors; `starting`: not pulled yet; `off`: not running. */
  state: 'starting' | 'ok' | 'failing' | 'off';
  /** A subscription is held at the camera now. */
  subscribed: boolean;
  lastPullOkAt: string | null;
  lastError: string | null;
  /** Failures in a row (0 while healthy). */
  failures: number;
  subscriptionsCreated: number;
  unsubscribed: number;
  /** When the next attempt is due after a failure. */
  retryAt: string | null;
}

/** WS-BaseNotification's WSDL actions live under bw-2 (the schema namespace is b-2). */
const WSNT_ACTION = 'http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager';
const PULL_ACTION = `${NS.tev}/PullPointSubscription/PullMessagesRequest`;

/** The shortest PullMessages timeout asked for (a renewal due now still gets one pull). */
const MIN_PULL_MS = 1000;

export class PullPointLoop {
  private running = false;
  private pause: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private readonly backoff: Backoff;
  private readonly opts: Required<Omit<PullPointOptions, 'onHealthChange'>>;
  private readonly onHealthChange: ((health: EventHealth) => void) | undefined;
  private renewAt = 0;
  private loopDone: Promise<void> = Promise.resolve();
  readonly health: EventHealth = { state: 'off', subscribed: false, lastPullOkAt: null, lastError: null, failures: 0, subscriptionsCreated: 0, unsubscribed: 0, retryAt: null };

  constructor(
    private readonly client: OnvifClient,
    private readonly onEvent: (event: CameraEvent) => void,
    private readonly onError: (err: unknown) => void,
    options: PullPointOptions = {},
  ) {
    this.opts = {
      terminationMs: options.terminationMs ?? 120_000,
      pullTimeoutMs: options.pullTimeoutMs ?? 30_000,
      retryMs: options.retryMs ?? 5000,
      maxRetryMs: options.maxRetryMs ?? 300_000,
      unsubscribeTimeoutMs: options.unsubscribeTimeoutMs ?? 2000,
    };
    this.onHealthChange = options.onHealthChange;
    this.backoff = new Backoff({ initialMs: this.opts.retryMs, maxMs: this.opts.maxRetryMs, jitter: 0.2 });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState('starting');
    this.loopDone = this.loop();
  }

  /** Ends the loop and unsubscribes the subscription it holds (bounded in time). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.halt();
    await this.unsubscribe();
  }

  /** Ends the loop at once without telling the camera (it is unreachable, or the client closes now). */
  halt(): void {
    this.running = false;
    this.setState('off');
    this.health.retryAt = null;
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.resolve();
    }
    this.pause = undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.subscribe();
        while (this.running) {
          // A pull never outlasts the renewal time: a quiet camera must not let the subscription lapse.
          const pullMs = Math.max(MIN_PULL_MS, Math.min(this.opts.pullTimeoutMs, this.renewAt - Date.now()));
          const data = (await this.client.subscriptionRequest(
            PULL_ACTION,
            `<PullMessages xmlns="${NS.tev}"><Timeout>${formatXmlDuration(pullMs)}</Timeout><MessageLimit>10</MessageLimit></PullMessages>`,
            pullMs + 10_000,
          )) as unknown;
          if (!this.running) return;
          const answer = (linerase(data) as { pullMessagesResponse?: { notificationMessage?: RawNotification | RawNotification[] } } | undefined)?.pullMessagesResponse;
          this.healthy();
          const messages = answer?.notificationMessage;
          for (const m of messages === undefined ? [] : Array.isArray(messages) ? messages : [messages]) {
            if (this.running) this.onEvent(parseNotification(m));
          }
          if (this.running && Date.now() >= this.renewAt) await this.renew();
        }
      } catch (err) {
        if (!this.running) return;
        this.health.failures++;
        this.setState('failing');
        this.health.lastError = err instanceof Error ? err.message : String(err);
        this.onError(err);
        // Give the camera its slot back before trying again.
        await this.unsubscribe();
        if (!this.running) return;
        const delay = this.backoff.next();
        this.health.retryAt = new Date(Date.now() + delay).toISOString();
        await new Promise<void>((resolve) => (this.pause = { timer: setTimeout(resolve, delay), resolve }));
        this.pause = undefined;
        this.health.retryAt = null;
      }
    }
  }

  private async subscribe(): Promise<void> {
    await this.client.call('createPullPointSubscription');
    this.health.subscribed = true;
    this.health.subscriptionsCreated++;
    this.renewAt = Date.now() + this.opts.terminationMs / 2;
    // The client asks for PT2M; ask for our lifetime at once when it differs.
    if (this.opts.terminationMs !== 120_000) await this.renew();
  }

  private async renew(): Promise<void> {
    await this.client.subscriptionRequest(`${WSNT_ACTION}/RenewRequest`, `<Renew xmlns="${NS.wsnt}"><TerminationTime>${formatXmlDuration(this.opts.terminationMs)}</TerminationTime></Renew>`);
    this.renewAt = Date.now() + this.opts.terminationMs / 2;
  }

  private healthy(): void {
    this.backoff.reset();
    Object.assign(this.health, { lastPullOkAt: new Date().toISOString(), failures: 0, lastError: null });
    this.setState('ok');
  }

  private setState(state: EventHealth['state']): void {
    if (this.health.state === state) return;
    this.health.state = state;
    this.onHealthChange?.({ ...this.health });
  }

  /** Best effort: a camera that does not answer keeps the slot until the subscription expires. */
  private async unsubscribe(): Promise<void> {
    if (!this.health.subscribed || !this.client.subscriptionAddress || this.client.isClosed) {
      this.health.subscribed = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.subscriptionRequest(`${WSNT_ACTION}/UnsubscribeRequest`, `<Unsubscribe xmlns="${NS.wsnt}"/>`),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('Unsubscribe timed out')), this.opts.unsubscribeTimeoutMs))),
      ]);
      this.health.unsubscribed++;
    } catch {
      // refused or no answer: the camera drops it at its termination time
    } finally {
      clearTimeout(timer);
      this.health.subscribed = false;
      this.client.forgetSubscription();
    }
  }

  /** Resolves when the loop has ended (after stop()). */
  get finished(): Promise<void> {
    return this.loopDone;
  }
}
