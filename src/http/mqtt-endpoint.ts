import { createWebSocketStream, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { WsContext, WsEndpoint } from './ws-router.js';
import type { EmbeddedBroker } from '../mqtt/embedded-broker.js';

/**
 * MQTT over WebSocket on the gateway's HTTP port (`/mqtt`); the broker authenticates each client
 * and bounds its packets (and the CONNECT before the login) exactly as on TCP.
 */
export function mqttWebSocketEndpoint(broker: EmbeddedBroker): WsEndpoint {
  return {
    path: '/mqtt',
    access: 'public',
    summary: 'MQTT 3.1.1 over WebSocket to the embedded broker (MQTT credentials required).',
    handle(ws: WebSocket, req: IncomingMessage, ctx: WsContext) {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      broker.accept(stream, ctx.remote ?? req.socket.remoteAddress);
    },
  };
}
