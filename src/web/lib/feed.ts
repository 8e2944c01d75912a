import { signal } from '@preact/signals';
import { wsUrl } from './api.js';

export interface FeedMessage {
  topic: string;
  name: string;
  payload: unknown;
  retained: boolean;
}

type Listener = (message: FeedMessage) => void;

/** Retained state by topic (relative to the base), exactly as on MQTT. */
export const retained = signal<ReadonlyMap<string, FeedMessage>>(new Map());
export const feedConnected = signal(false);

const listeners = new Set<Listener>();
let endedHandler: ((code: number) => void) | undefined;

/** Called instead of a reload when the gateway ends this login or token (4001) or its role changed (4003). */
export function onFeedEnded(handler: ((code: number) => void) | undefined): void {
  endedHandler = handler;
}
let socket: WebSocket | undefined;
let retryMs = 500;
let stopped = true;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function apply(messages: FeedMessage[], replace: boolean): void {
  const next = new Map(replace ? [] : retained.value);
  for (const m of messages) if (m.retained) next.set(m.topic, m);
  retained.value = next;
}

function connect(): void {
  const ws = new WebSocket(wsUrl('/api/feed'));
  socket = ws;
  ws.onopen = () => {
    feedConnected.value = true;
    retryMs = 500;
  };
  ws.onmessage = (event) => {
    const data = JSON.parse(String(event.data)) as { type: string; messages?: FeedMessage[] } & Partial<FeedMessage>;
    if (data.type === 'snapshot') apply(data.messages ?? [], true);
    if (data.type === 'message') {
      const message = data as FeedMessage;
      if (message.retained) apply([message], false);
      for (const l of listeners) l(message);
    }
  };
  ws.onclose = (event) => {
    feedConnected.value = false;
    if (stopped) return;
    // The gateway ended this login (4001: logged out, expired, revoked) or the role changed (4003):
    // reload, so the console shows its login form and a wall its refusal, instead of retrying.
    if (event.code === 4001 || event.code === 4003) {
      stopped = true;
      // A page that says so itself (the TV wall: "access withdrawn") instead of reloading.
      if (endedHandler) endedHandler(event.code);
      else location.reload();
      return;
    }
    // Reconnect by itself after a network drop, backing off up to 10 s.
    retryTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

/** Opens the dashboards' one live connection (mirror of the MQTT contract). */
export function startFeed(): void {
  if (!stopped) return;
  stopped = false;
  connect();
}

export function stopFeed(): void {
  stopped = true;
  clearTimeout(retryTimer);
  socket?.close();
}

/** Every live message whose topic matches `pattern` (`+` one level, `#` the rest). */
export function onFeed(pattern: string, listener: Listener): () => void {
  const regex = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`);
  const wrapped: Listener = (m) => {
    if (regex.test(m.topic)) listener(m);
  };
  listeners.add(wrapped);
  return () => listeners.delete(wrapped);
}

/** Retained messages whose topic matches `pattern`. */
export function retainedMatching(pattern: string): FeedMessage[] {
  const regex = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`);
  return [...retained.value.values()].filter((m) => regex.test(m.topic));
}
