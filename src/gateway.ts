import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { AuditLog } from './auth/audit-log.js';
import { LoginGuard } from './auth/login-guard.js';
import { authMigrations } from './auth/migrations.js';
import { SiteSettings, siteSettingsMigrations } from './auth/site-settings.js';
import { TokenService } from './auth/tokens.js';
import { UserDirectory } from './auth/users.js';
import type { GatewayConfig } from './config/schema.js';
import { camerasFeature } from './cameras/feature.js';
import { CapabilityRegistry } from './core/capabilities.js';
import { EventBus } from './core/event-bus.js';
import { dashboardFeature } from './dashboard/feature.js';
import { visionFeature } from './vision/feature.js';
import { ServiceGroup, type Service } from './core/lifecycle.js';
import type { Logger } from './core/logger.js';
import { topicFilter, type TopicSpec } from './core/mqtt-contract.js';
import type { Feature, FeatureFactory, GatewayContext } from './feature.js';
import { createApp } from './http/app.js';
import type { RouteModule } from './http/route.js';
import { feedEndpoint } from './http/feed.js';
import { MQTT_WEBSOCKET_MAX_PAYLOAD, mqttWebSocketEndpoint } from './http/mqtt-endpoint.js';
import { broadcastFeature } from './broadcast/feature.js';
import { authRoutes } from './http/routes/auth.js';
import { siteNames, systemRoutes } from './http/routes/system.js';
import { adminRoutes } from './http/routes/admin.js';
import { openApiRoutes } from './http/routes/openapi.js';
import { HttpServer } from './http/server.js';
import { WsRouter } from './http/ws-router.js';
import { Metrics } from './metrics/registry.js';
import { MqttConnection } from './mqtt/connection.js';
import { inboundTopics } from './mqtt/contract.js';
import { ContractRouter } from './mqtt/contract-router.js';
import { DeviceAcl, INTERNAL_IDENTITY } from './mqtt/device-acl.js';
import { DevicePresenceTracker } from './mqtt/device-presence.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { GatewayBridge } from './mqtt/gateway-bridge.js';
import { gatewayState } from './mqtt/gateway-topics.js';
import { ContractMirror } from './mqtt/mirror.js';
import { MqttPublisher } from './mqtt/publisher.js';
import { Database } from './store/database.js';
import { streamingFeature } from './streaming/feature.js';
import { VERSION } from './version.js';
import { accessFeature } from './access/feature.js';
import { uplinkFeature } from './uplink/feature.js';
import { consoleViewsFeature } from './console-views/feature.js';
import { VISITOR_COUNTS, visitorsFeature } from './visitors/feature.js';
import { HomeAssistantCoverControl } from './ha/cover-control.js';
import { BARRIER_COMMANDS } from './access/barrier-control.js';
import { recordingFeature } from './recording/feature.js';
import { CertificateService } from './tls/certificate-service.js';
import { MqttTlsListener } from './tls/mqtt-tls-listener.js';
import { tlsRoutes } from './tls/routes.js';
import { HomeAssistantDiscovery } from './ha/ha-discovery.js';
import { BackupService } from './backup/backup-service.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { backupRoutes } from './backup/routes.js';
import { grabJpeg } from './ha/snapshot-grabber.js';
import { STREAM_SOURCES } from './cameras/stream-sources.js';
import { resolveFfmpeg } from './core/ffmpeg.js';

import { alarmsFeature } from './alarms/feature.js';
import { siteMapFeature } from './alarms/site-map-feature.js';

/** Features beyond the core; each issue adds its factory here. */
export const FEATURES: readonly FeatureFactory[] = [camerasFeature, streamingFeature, accessFeature, recordingFeature, broadcastFeature, alarmsFeature, visionFeature, uplinkFeature, consoleViewsFeature, visitorsFeature, siteMapFeature, dashboardFeature];

export interface GatewayOptions {
  config: GatewayConfig;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Printed once when the first admin password is generated. */
  onGeneratedAdminPassword?: (name: string, password: string) => void;
  /** Replaces FEATURES (tests). */
  features?: readonly FeatureFactory[];
  /** Inbound topics beyond the contract (benchmarks and tests of the router itself). */
  extraInboundTopics?: readonly TopicSpec<unknown, string>[];
  /** The configuration file it was started with (backups include it). */
  configFile?: string;
  /** Collect Node's default process metrics (off in tests that run several gateways). */
  defaultMetrics?: boolean;
}

/**
 * The composition root: builds every service, starts them in dependency order and stops them in
 * reverse. The constructor only wires objects together; nothing is opened before start().
 */
export class Gateway implements Service {
  readonly name = 'gateway';
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly database: Database;
  readonly users: UserDirectory;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly loginGuard: LoginGuard;
  readonly broker: EmbeddedBroker | undefined;
  readonly mqtt: MqttConnection;
  readonly router: ContractRouter;
  readonly publisher: MqttPublisher;
  readonly mirror: ContractMirror;
  readonly bridge: GatewayBridge;
  readonly presence: DevicePresenceTracker;
  readonly http: HttpServer;
  /** The HTTPS certificate (https.mode); also used by MQTT over TLS. */
  readonly certificates: CertificateService;
  /** MQTT over TLS on the embedded broker (mqtt.embedded.tlsPort), when on. */
  readonly mqttTls: MqttTlsListener | undefined;
  /** Home Assistant MQTT discovery (homeAssistant.enabled). */
  readonly homeAssistant: HomeAssistantDiscovery;
  /** Barrier covers commanded from Home Assistant (homeAssistant.allowControl). */
  readonly homeAssistantCovers: HomeAssistantCoverControl;
  /** Backups on a schedule and on demand. */
  readonly backups: BackupService;
  /** Cross-service key figures on /metrics. */
  readonly gatewayMetrics: GatewayMetrics;
  readonly ws: WsRouter;
  readonly app: Express;
  /** Every HTTP route module (for the generated API reference). */
  readonly routeModules: readonly RouteModule[];
  readonly features: readonly Feature[];
  private readonly group: ServiceGroup;

  constructor(private readonly options: GatewayOptions) {
    const { config, log } = options;
    const env = options.env ?? process.env;
    const base = config.mqtt.baseTopic;
    const largestClientPacket = Math.max(...(['barriers', 'speakers', 'cameras', 'integrations'] as const).map((kind) => config.mqtt.maxPacketBytes[kind]));
    this.bus = new EventBus((event, err) => log.error({ event, err }, 'event listener failed'));
    this.metrics = new Metrics({ defaultMetrics: options.defaultMetrics ?? false });
    this.mirror = new ContractMirror();

    const featureFactories = options.features ?? FEATURES;
    // The database reads this list at start(); the features' migrations are appended below,
    // once the features are built (they need the database object itself).
    const migrations = [authMigrations, siteSettingsMigrations];
    this.database = new Database({ dataDir: config.storage.dataDir, migrations, log });
    this.tokens = new TokenService(this.database, config.auth.sessionTtlHours * 3600_000);
    this.users = new UserDirectory({
      database: this.database,
      tokens: this.tokens,
      users: config.auth.users,
      dataDir: config.storage.dataDir,
      env,
      log,
      ...(options.onGeneratedAdminPassword ? { onGeneratedAdminPassword: options.onGeneratedAdminPassword } : {}),
    });
    this.audit = new AuditLog(this.database);
    this.loginGuard = new LoginGuard({ limits: config.auth.login, audit: this.audit, log });

    const internalPassword = randomBytes(24).toString('base64url');
    const external = config.mqtt.url !== null;
    const clientId = config.mqtt.clientId ?? `community-gateway-${config.site.id}`;
    if (!external) {
      const acl = new DeviceAcl({
        base,
        devices: config.mqtt.devices,
        internalPassword,
        integrations: config.mqtt.integrations,
        gatewayClientId: clientId,
        maxPacketBytes: config.mqtt.maxPacketBytes,
        maxRetainedBytes: config.mqtt.embedded.maxRetainedBytes,
        extraTopics: options.extraInboundTopics ?? [],
        integrationPrefixes: config.homeAssistant.enabled ? [config.homeAssistant.discoveryPrefix, config.homeAssistant.statusTopic.split('/')[0]!] : [],
      });
      this.broker = new EmbeddedBroker({ ...config.mqtt.embedded, baseTopic: base, acl, bus: this.bus, metrics: this.metrics, log: log.child({ component: 'broker' }) });
    }
    const broker = this.broker;
    this.certificates = new CertificateService({ settings: config.https, dataDir: config.storage.dataDir, siteName: config.site.name, log: log.child({ component: 'tls' }), metrics: this.metrics });
    if (broker && config.mqtt.embedded.tlsPort !== null) {
      this.mqttTls = new MqttTlsListener({ host: config.mqtt.embedded.host, port: config.mqtt.embedded.tlsPort, certificates: this.certificates, broker, log: log.child({ component: 'broker' }) });
    }
    this.mqtt = new MqttConnection({
      url: external ? config.mqtt.url! : () => `mqtt://${loopbackOf(config.mqtt.embedded.host)}:${broker!.port}`,
      clientId,
      username: external ? (config.mqtt.username ?? undefined) : INTERNAL_IDENTITY.id,
      password: external ? (config.mqtt.password ?? undefined) : internalPassword,
      protocolVersion: external ? config.mqtt.protocolVersion : 4,
      keepaliveSeconds: config.mqtt.keepaliveSeconds,
      maximumPacketSize: largestClientPacket,
      tls: external ? config.mqtt.tls : null,
      will: { topic: `${base}/${gatewayState.pattern}`, payload: JSON.stringify({ state: 'offline', siteId: config.site.id }), qos: 1, retain: true },
      log: log.child({ component: 'mqtt' }),
    });
    this.publisher = new MqttPublisher(base, this.mqtt, this.mirror);
    const inbound = [...inboundTopics(), ...(options.extraInboundTopics ?? [])];
    this.router = new ContractRouter({
      base,
      inbound,
      connection: this.mqtt,
      publisher: this.publisher,
      mirror: this.mirror,
      bus: this.bus,
      metrics: this.metrics,
      log: log.child({ component: 'mqtt-router' }),
    });
    this.bridge = new GatewayBridge({ siteId: config.site.id, version: VERSION, connection: this.mqtt, router: this.router, publisher: this.publisher, log });
    this.presence = new DevicePresenceTracker({ devices: config.mqtt.devices, router: this.router, bus: this.bus });
    this.bridge.operation('devices', () => ({ devices: this.presence.list() }));

    const ctx: GatewayContext = {
      config,
      log,
      bus: this.bus,
      metrics: this.metrics,
      database: this.database,
      audit: this.audit,
      tokens: this.tokens,
      users: this.users,
      router: this.router,
      publisher: this.publisher,
      bridge: this.bridge,
      presence: this.presence,
      capabilities: new CapabilityRegistry(),
    };
    const capabilities = ctx.capabilities;
    this.features = featureFactories.map((factory) => factory(ctx));
    for (const feature of this.features) if (feature.migrations) migrations.push(feature.migrations);

    const devicesOf = (kind: string) => () => config.mqtt.devices.filter((d) => d.kind === kind).map((d) => ({ id: d.id, name: d.id }));
    const alarmDevicesOf = (kind: string) => () => devicesOf(kind)().map((d) => ({ id: d.id, name: config.alarms.devices.find((a) => a.id === d.id)?.name ?? d.id }));
    this.homeAssistant = new HomeAssistantDiscovery({
      settings: config.homeAssistant,
      context: { base, siteId: config.site.id, siteName: config.site.name, version: VERSION, allowControl: config.homeAssistant.allowControl, visitors: this.features.some((f) => f.name === 'visitors') },
      connection: this.mqtt,
      bus: this.bus,
      database: this.database,
      utcOffsetMinutes: config.access.utcOffsetMinutes,
      cameras: () => capabilities.optional(STREAM_SOURCES)?.list().map((c) => ({ id: c.id, name: c.name })) ?? config.cameras.list.map((c) => ({ id: c.id, name: c.name })),
      barriers: devicesOf('barriers'),
      speakers: devicesOf('speakers'),
      alarmButtons: alarmDevicesOf('alarm-buttons'),
      doorSensors: alarmDevicesOf('door-sensors'),
      snapshot: async (cameraId) => {
        const sources = capabilities.require(STREAM_SOURCES);
        return grabJpeg(resolveFfmpeg(config.ffmpeg.path ? { configured: config.ffmpeg.path } : {}).path, await sources.resolve(cameraId, 'sub'));
      },
      visitorEntries: () => {
        const counts = capabilities.optional(VISITOR_COUNTS);
        return counts ? (from, to) => counts.countGranted(from, to) : undefined;
      },
      log: log.child({ component: 'home-assistant' }),
    });
    this.homeAssistantCovers = new HomeAssistantCoverControl({
      enabled: config.homeAssistant.enabled && config.homeAssistant.allowControl,
      router: this.router,
      commands: () => capabilities.optional(BARRIER_COMMANDS),
      audit: this.audit,
      log: log.child({ component: 'home-assistant' }),
    });

    this.gatewayMetrics = new GatewayMetrics({ metrics: this.metrics, bus: this.bus, presence: this.presence, cameras: () => capabilities.optional(STREAM_SOURCES)?.list() });
    this.backups = new BackupService({ settings: config.backup, dataDir: config.storage.dataDir, configFile: options.configFile, site: config.site.id, version: VERSION, database: this.database, metrics: this.metrics, log: log.child({ component: 'backup' }) });

    this.ws = new WsRouter(this.tokens, log, { corsOrigins: config.http.corsOrigins });
    this.ws.add(feedEndpoint(this.mirror));
    // A WebSocket message on /mqtt carries whole MQTT packets: let the largest a client may send
    // through (the broker bounds each client's packets by its kind).
    if (broker && config.mqtt.embedded.websocket) this.ws.add(mqttWebSocketEndpoint(broker, { maxPayload: Math.max(largestClientPacket, MQTT_WEBSOCKET_MAX_PAYLOAD) }));
    for (const feature of this.features) for (const endpoint of feature.wsEndpoints ?? []) this.ws.add(endpoint);

    const siteSettings = new SiteSettings(this.database, { name: config.site.name });
    this.routeModules = [
      systemRoutes({ siteId: config.site.id, siteName: () => siteSettings.siteName(), version: VERSION, metrics: this.metrics, mqtt: this.mqtt, presence: this.presence, names: siteNames(config), utcOffsetMinutes: config.access.utcOffsetMinutes }),
      authRoutes({ users: this.users, tokens: this.tokens, audit: this.audit, guard: this.loginGuard, sessionTtlMs: config.auth.sessionTtlHours * 3600_000 }),
      adminRoutes({ users: this.users, audit: this.audit, settings: siteSettings, utcOffsetMinutes: config.access.utcOffsetMinutes }),
      tlsRoutes(this.certificates),
      backupRoutes(this.backups),
      openApiRoutes({ modules: () => this.routeModules, endpoints: () => this.ws.list(), info: { title: `community-gateway (${config.site.name})`, version: VERSION } }),
      ...this.features.flatMap((f) => (f.routes ? [f.routes] : [])),
    ];
    const app = (this.app = createApp({
      modules: this.routeModules,
      tokens: this.tokens,
      audit: this.audit,
      log,
      staticDirs: this.features.flatMap((f) => f.staticDirs ?? []),
      corsOrigins: config.http.corsOrigins,
      metrics: this.metrics,
    }));
    this.http = new HttpServer({
      host: config.http.host,
      port: config.http.port,
      app,
      ws: this.ws,
      log,
      ...(this.certificates.enabled ? { tls: { source: this.certificates, redirectHttp: config.https.redirectHttp } } : {}),
    });

    this.group = new ServiceGroup(
      'gateway',
      [
        this.database,
        this.users,
        this.tokens,
        this.audit,
        this.loginGuard,
        this.certificates,
        ...(broker ? [broker] : []),
        ...(this.mqttTls ? [this.mqttTls] : []),
        this.mqtt,
        this.bridge,
        this.presence,
        ...this.features.flatMap((f) => f.services),
        this.homeAssistantCovers,
        // The router subscribes last, once every handler is registered, so retained state reaches them.
        this.router,
        // The embedded broker admits devices only now, once the router holds its subscriptions (nothing they replay is lost).
        ...(broker ? [devicesGate(broker, inbound.map((spec) => topicFilter(base, spec)))] : []),
        // After the router: it takes the messages the broker held for the gateway first.
        this.homeAssistant,
        this.backups,
        this.gatewayMetrics,
        this.http,
      ],
      log,
    );
  }

  async start(): Promise<void> {
    await this.group.start();
    this.options.log.info({ url: this.http.url, site: this.options.config.site.id, version: VERSION }, 'gateway started');
  }

  async stop(): Promise<void> {
    await this.group.stop();
    this.options.log.info('gateway stopped');
  }
}

function devicesGate(broker: EmbeddedBroker, filters: readonly string[]): Service {
  return { name: 'mqtt-devices-gate', start: () => broker.acceptDevices(filters), stop: async () => {} };
}

function loopbackOf(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
