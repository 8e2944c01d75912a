import { createWebSocketStream, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { WsContext, WsEndpoint } from './ws-router.js';
import type { EmbeddedBroker } from '../mqtt/embedded-broker.js';

/**
 * The largest WebSocket message on `/mqtt` (one message carries one or more MQTT packets): keep it
 * at least the broker's largest accepted MQTT packet; a bigger message closes the socket with 1009.
 */
export const MQTT_WEBSOCKET_MAX_PAYLOAD = 256 * 1024;

/**
 * MQTT over WebSocket on the gateway's HTTP port (`/mqtt`); the broker authenticates each client
 * and bounds its packets (and the CONNECT before the login) exactly as on TCP.
 */
export function mqttWebSocketEndpoint(broker: EmbeddedBroker, options: { maxPayload?: number } = {}): WsEndpoint {
  return {
    path: '/mqtt',
    access: 'public',
    maxPayload: options.maxPayload ?? MQTT_WEBSOCKET_MAX_PAYLOAD,
    summary: 'MQTT 3.1.1 over WebSocket to the embedded broker (MQTT credentials required).',
    handle(ws: WebSocket, req: IncomingMessage, ctx: WsContext) {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      broker.accept(stream, ctx.remote ?? req.socket.remoteAddress);
    },
  };
}
