import type { AuditLog } from './auth/audit-log.js';
import type { TokenService } from './auth/tokens.js';
import type { UserDirectory } from './auth/users.js';
import type { GatewayConfig } from './config/schema.js';
import type { CapabilityRegistry } from './core/capabilities.js';
import type { EventBus } from './core/event-bus.js';
import type { Service } from './core/lifecycle.js';
import type { Logger } from './core/logger.js';
import type { RouteModule } from './http/route.js';
import type { WsEndpoint } from './http/ws-router.js';
import type { Metrics } from './metrics/registry.js';
import type { ContractRouter } from './mqtt/contract-router.js';
import type { DevicePresenceTracker } from './mqtt/device-presence.js';
import type { GatewayBridge } from './mqtt/gateway-bridge.js';
import type { MqttPublisher } from './mqtt/publisher.js';
import type { Database, MigrationSet } from './store/database.js';

/** What the core gives every feature (cameras, streaming, access, broadcast, ...). */
export interface GatewayContext {
  config: GatewayConfig;
  log: Logger;
  bus: EventBus;
  metrics: Metrics;
  database: Database;
  audit: AuditLog;
  tokens: TokenService;
  /** The user directory, to look up a user's record (e.g. the display name people know them by). */
  users: Pick<UserDirectory, 'find'>;
  router: ContractRouter;
  publisher: MqttPublisher;
  bridge: GatewayBridge;
  presence: DevicePresenceTracker;
  /** Interfaces features offer each other (e.g. STREAM_SOURCES from cameras to streaming). */
  capabilities: CapabilityRegistry;
}

/**
 * A feature plugs into the gateway with its migrations, services (started in order after the
 * core, stopped in reverse), HTTP routes and WebSocket endpoints. Services register their MQTT
 * handlers in start(); the router subscribes after every feature has started.
 */
export interface Feature {
  name: string;
  migrations?: MigrationSet;
  services: Service[];
  routes?: RouteModule;
  wsEndpoints?: WsEndpoint[];
  /** Folders of static files served at the root. */
  staticDirs?: string[];
}

export type FeatureFactory = (ctx: GatewayContext) => Feature;
