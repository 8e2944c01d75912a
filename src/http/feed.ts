import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ContractMirror, MirroredMessage } from '../mqtt/mirror.js';
import type { WsEndpoint } from './ws-router.js';

/** Each message is serialised once, however many dashboards receive it. */
const serialised = new WeakMap<MirroredMessage, string>();

function frame(message: MirroredMessage): string {
  let text = serialised.get(message);
  if (text === undefined) {
    text = JSON.stringify({ type: 'message', ...message });
    serialised.set(message, text);
  }
  return text;
}

/**
 * Holds a WebSocket's writes until the end of the current tick, so that the messages of one
 * committed batch (hundreds per second under load) leave in one write instead of one syscall each.
 * `ws` keeps its socket private; without one this does nothing.
 */
function tickCork(ws: WebSocket): () => void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  let corked = false;
  return () => {
    if (corked || !socket || socket.destroyed) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
}

/** The largest message a dashboard may send (it sends only `ping`). */
export const FEED_MAX_MESSAGE_BYTES = 4 * 1024;

/** Most a dashboard may lag behind before it is sent a fresh snapshot instead of every message. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * `/api/feed`: the dashboards' one WebSocket. It mirrors the MQTT contract: first
 * `{ type: 'snapshot', messages }` with every retained topic, then `{ type: 'message', topic, name, payload }`
 * for each message in either direction. A dashboard too slow to keep up is resynchronised with a
 * snapshot rather than buffered without bound.
 */
export function feedEndpoint(mirror: ContractMirror): WsEndpoint {
  return {
    path: '/api/feed',
    access: 'viewer',
    summary: 'Live mirror of the MQTT contract for dashboards (retained snapshot, then every message).',
    // Dashboards send only "ping".
    maxPayload: FEED_MAX_MESSAGE_BYTES,
    handle(ws: WebSocket) {
      let lagging = false;
      const cork = tickCork(ws);
      const send = (message: MirroredMessage) => {
        cork();
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          lagging = true;
          return;
        }
        if (lagging) {
          lagging = false;
          ws.send(JSON.stringify({ type: 'snapshot', messages: mirror.snapshot() }));
        }
        ws.send(frame(message));
      };
      ws.send(JSON.stringify({ type: 'snapshot', messages: mirror.snapshot() }));
      const off = mirror.subscribe(send);
      ws.on('message', (data) => {
        if (data.toString() === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      });
      ws.once('close', off);
    },
  };
}
