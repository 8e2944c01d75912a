import { EventEmitter } from 'node:events';

/**
 * The gateway's in-process events. Feature modules add their own events with declaration
 * merging, so that this file does not change when a feature is added:
 *
 *   declare module '../core/event-bus.js' {
 *     interface GatewayEvents { 'camera.motion': { cameraId: string; at: number } }
 *   }
 */
export interface GatewayEvents {
  'mqtt.invalid': { topic: string; reason: string; raw?: Buffer; /** Machine-readable reason (`invalid-payload`, `invalid-utf8`, ...). */ code?: string };
  'mqtt.refused': { clientId: string; operation: 'connect' | 'publish' | 'subscribe'; topic?: string; reason: string };
}

export type EventName = keyof GatewayEvents;
export type Listener<K extends EventName> = (payload: GatewayEvents[K]) => void;

/** A typed, synchronous event bus. A listener that throws is reported, never breaks the emitter. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(0);
  }

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    const wrapped = (payload: GatewayEvents[K]): void => {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(event, err);
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  emit<K extends EventName>(event: K, payload: GatewayEvents[K]): void {
    this.emitter.emit(event, payload);
  }

  listenerCount(event: EventName): number {
    return this.emitter.listenerCount(event);
  }
}
