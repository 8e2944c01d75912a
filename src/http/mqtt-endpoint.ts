import { createWebSocketStream, type WebSocket } from 'ws';
import type { WsEndpoint } from './ws-router.js';
import type { EmbeddedBroker } from '../mqtt/embedded-broker.js';

/** MQTT over WebSocket on the gateway's HTTP port (`/mqtt`); the broker authenticates each client. */
export function mqttWebSocketEndpoint(broker: EmbeddedBroker): WsEndpoint {
  return {
    path: '/mqtt',
    access: 'public',
    summary: 'MQTT 3.1.1 over WebSocket to the embedded broker (MQTT credentials required).',
    handle(ws: WebSocket) {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      broker.accept(stream);
    },
  };
}
