import { createHash } from 'node:crypto';
import type { GatewayConfig, MqttDeviceConfig, MqttIntegrationConfig } from '../config/schema.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { buildTopic, type TopicSpec } from '../core/mqtt-contract.js';
import { contract } from './contract.js';
import { DEVICE_READABLE_GATEWAY_TOPICS, kindAccess, matchOwnPublish, type KindAccess } from './topic-access.js';

export interface DeviceIdentity {
  id: string;
  kind: string;
  groups: readonly string[];
}

/** The gateway's own client: privileged on every topic. */
export const INTERNAL_IDENTITY: DeviceIdentity = { id: '__gateway__', kind: '__gateway__', groups: [] };
/** Kind of a configured integration (mqtt.integrations): anything under the base topic. */
export const INTEGRATION_KIND = '__integration__';
/** MQTT's own largest packet: what the gateway's own client may send to its embedded broker. */
export const MQTT_MAX_PACKET_BYTES = 268_435_455;

export interface DeviceAclOptions {
  base: string;
  devices: readonly MqttDeviceConfig[];
  internalPassword: string;
  integrations?: readonly MqttIntegrationConfig[];
  /** The gateway's own client id (`community-gateway-<site>`): reserved for the internal identity. */
  gatewayClientId: string;
  maxPacketBytes: GatewayConfig['mqtt']['maxPacketBytes'];
  /** Largest retained payload a device may keep. */
  maxRetainedBytes: number;
  /** Topics beyond the contract the gateway also receives (benchmarks, router tests). */
  extraTopics?: readonly TopicSpec<unknown, string>[];
  /** Topic trees outside the base topic that integrations may use too (Home Assistant's discovery prefix). */
  integrationPrefixes?: readonly string[];
}

export interface PublishRequest {
  topic: string;
  retain: boolean;
  payloadBytes: number;
}

/**
 * Who may connect to the embedded broker, with which client id, and what each may touch. A device
 * connects with its id as client id (or `<id>:<suffix>` for a second connection such as a
 * technician's tool); the gateway's client id is reserved for the gateway. In its own subtree
 * `<base>/<kind>/<id>/` a device publishes only the contract's device-to-gateway topics and
 * subscribes; it may subscribe to `<base>/<kind>/group/<g>/#` for each of its groups and to
 * `<base>/gateway/state`. Passwords are kept hashed (scrypt); a verified password is remembered as
 * a SHA-256 so that reconnect storms do not cost a scrypt each.
 */
export class DeviceAcl {
  private readonly devices = new Map<string, { identity: DeviceIdentity; hash: string }>();
  private readonly verified = new Map<string, string>();
  private readonly access = new Map<string, KindAccess>();
  private readonly readableGatewayTopics: readonly string[];
  private readonly base: string;

  constructor(private readonly options: DeviceAclOptions) {
    const { base, devices, integrations = [], gatewayClientId } = options;
    this.base = base;
    for (const d of devices) {
      if (d.id === gatewayClientId) throw new Error(`mqtt.devices: "${d.id}" is the gateway's own client id (mqtt.clientId); give the device another id`);
      this.devices.set(d.id, { identity: { id: d.id, kind: d.kind, groups: d.groups }, hash: d.passwordHash ?? hashPassword(d.password!) });
      if (!this.access.has(d.kind)) this.access.set(d.kind, kindAccess(d.kind, [...contract, ...(options.extraTopics ?? [])]));
    }
    for (const i of integrations) {
      if (this.devices.has(i.name)) throw new Error(`mqtt.integrations: "${i.name}" is also a device id`);
      if (i.name === gatewayClientId) throw new Error(`mqtt.integrations: "${i.name}" is the gateway's own client id (mqtt.clientId)`);
      this.devices.set(i.name, { identity: { id: i.name, kind: INTEGRATION_KIND, groups: [] }, hash: i.passwordHash ?? hashPassword(i.password!) });
    }
    this.readableGatewayTopics = DEVICE_READABLE_GATEWAY_TOPICS.map((spec) => buildTopic(base, spec, {}));
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<DeviceIdentity | undefined> {
    if (!username || !password) return undefined;
    const secret = password.toString('utf8');
    if (username === INTERNAL_IDENTITY.id) return secret === this.options.internalPassword ? INTERNAL_IDENTITY : undefined;
    const entry = this.devices.get(username);
    if (!entry) return undefined;
    const quick = createHash('sha256').update(secret).digest('hex');
    if (this.verified.get(username) === quick) return entry.identity;
    if (!(await verifyPassword(secret, entry.hash))) return undefined;
    this.verified.set(username, quick);
    return entry.identity;
  }

  /** Why this identity may not use this client id, or undefined when it may. */
  checkClientId(identity: DeviceIdentity, clientId: string): string | undefined {
    const gatewayId = this.options.gatewayClientId;
    if (identity === INTERNAL_IDENTITY) {
      return clientId === gatewayId || ownsClientId(INTERNAL_IDENTITY.id, clientId) ? undefined : `the gateway connects only as "${gatewayId}"`;
    }
    if (clientId === gatewayId) return `client id "${clientId}" is reserved for the gateway itself; connect with your own id "${identity.id}"`;
    if (ownsClientId(identity.id, clientId)) return undefined;
    return `client id "${clientId}" is not yours: connect with your own id "${identity.id}" as client id`;
  }

  /** The largest MQTT packet (bytes) this identity may send. */
  maxPacketBytes(identity: DeviceIdentity): number {
    const limits = this.options.maxPacketBytes;
    if (identity === INTERNAL_IDENTITY) return Math.max(MQTT_MAX_PACKET_BYTES, limits.gateway);
    if (identity.kind === INTEGRATION_KIND) return limits.integrations;
    return limits[identity.kind as keyof typeof limits] ?? Math.min(limits.barriers, limits.speakers);
  }

  private ownPrefix(identity: DeviceIdentity): string {
    return `${this.base}/${identity.kind}/${identity.id}/`;
  }

  private integrationMay(topic: string): boolean {
    return [this.base, ...(this.options.integrationPrefixes ?? [])].some((prefix) => topic.startsWith(`${prefix}/`));
  }

  /** Why a publish is refused, or undefined when allowed. */
  checkPublish(identity: DeviceIdentity, request: PublishRequest): string | undefined {
    const { topic } = request;
    if (identity === INTERNAL_IDENTITY) return undefined;
    if (identity.kind === INTEGRATION_KIND) return this.integrationMay(topic) ? undefined : `may publish only under ${this.base}/`;
    const access = this.access.get(identity.kind);
    const spec = access ? matchOwnPublish(access, this.base, identity.id, topic) : undefined;
    if (!spec) {
      const allowed = access?.publish.map((t) => t.spec.pattern.replace(/^[^/]+\/\{id\}\//, '')).join(', ') || 'nothing';
      return `may publish only its own device-to-gateway topics under ${this.ownPrefix(identity)} (${allowed})`;
    }
    if (request.retain && request.payloadBytes > 0) {
      if (!spec.retained) return `${spec.name} is not a retained topic: publish it without the retain flag`;
      if (request.payloadBytes > this.options.maxRetainedBytes) return `a retained message may be at most ${this.options.maxRetainedBytes} bytes (got ${request.payloadBytes})`;
    }
    return undefined;
  }

  /** Why a subscription is refused, or undefined when allowed. */
  checkSubscribe(identity: DeviceIdentity, filter: string): string | undefined {
    if (identity === INTERNAL_IDENTITY) return undefined;
    if (identity.kind === INTEGRATION_KIND) return this.integrationMay(filter) ? undefined : `may subscribe only under ${this.base}/`;
    if (this.readableGatewayTopics.includes(filter)) return undefined;
    const allowed = [this.ownPrefix(identity), ...identity.groups.map((g) => `${this.base}/${identity.kind}/group/${g}/`)];
    // The allowed prefix must appear literally: a wildcard cannot stand in for the device id.
    if (allowed.some((prefix) => filter.startsWith(prefix) || filter === prefix.slice(0, -1))) return undefined;
    return `may subscribe only under ${allowed.join(' or ')} and to ${this.readableGatewayTopics.join(', ')}`;
  }
}

/** A client id belongs to `owner` when it is the owner's name, or the name, a colon and a suffix. */
function ownsClientId(owner: string, clientId: string): boolean {
  return clientId === owner || (clientId.startsWith(`${owner}:`) && clientId.length > owner.length + 1);
}
