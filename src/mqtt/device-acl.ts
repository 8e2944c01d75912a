import { createHash } from 'node:crypto';
import type { MqttDeviceConfig, MqttIntegrationConfig } from '../config/schema.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';

export interface DeviceIdentity {
  id: string;
  kind: string;
  groups: readonly string[];
}

/** The gateway's own client: privileged on every topic. */
export const INTERNAL_IDENTITY: DeviceIdentity = { id: '__gateway__', kind: '__gateway__', groups: [] };
/** Kind of a configured integration (mqtt.integrations): anything under the base topic. */
export const INTEGRATION_KIND = '__integration__';

/**
 * Who may connect to the embedded broker and what each may touch: a device publishes and
 * subscribes only under `<base>/<kind>/<id>/#`, and may subscribe to `<base>/<kind>/group/<g>/#`
 * for each of its groups. Passwords are kept hashed (scrypt); a verified password is remembered
 * as a SHA-256 so that reconnect storms do not cost a scrypt each.
 */
export class DeviceAcl {
  private readonly devices = new Map<string, { identity: DeviceIdentity; hash: string }>();
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly base: string,
    devices: readonly MqttDeviceConfig[],
    private readonly internalPassword: string,
    integrations: readonly MqttIntegrationConfig[] = [],
  ) {
    for (const d of devices) {
      this.devices.set(d.id, { identity: { id: d.id, kind: d.kind, groups: d.groups }, hash: d.passwordHash ?? hashPassword(d.password!) });
    }
    for (const i of integrations) {
      if (this.devices.has(i.name)) throw new Error(`mqtt.integrations: "${i.name}" is also a device id`);
      this.devices.set(i.name, { identity: { id: i.name, kind: INTEGRATION_KIND, groups: [] }, hash: i.passwordHash ?? hashPassword(i.password!) });
    }
  }

  async authenticate(username: string | undefined, password: Buffer | undefined): Promise<DeviceIdentity | undefined> {
    if (!username || !password) return undefined;
    const secret = password.toString('utf8');
    if (username === INTERNAL_IDENTITY.id) return secret === this.internalPassword ? INTERNAL_IDENTITY : undefined;
    const entry = this.devices.get(username);
    if (!entry) return undefined;
    const quick = createHash('sha256').update(secret).digest('hex');
    if (this.verified.get(username) === quick) return entry.identity;
    if (!(await verifyPassword(secret, entry.hash))) return undefined;
    this.verified.set(username, quick);
    return entry.identity;
  }

  private ownPrefix(identity: DeviceIdentity): string {
    return `${this.base}/${identity.kind}/${identity.id}/`;
  }

  /** Why a publish is refused, or undefined when allowed. */
  checkPublish(identity: DeviceIdentity, topic: string): string | undefined {
    if (identity === INTERNAL_IDENTITY) return undefined;
    if (identity.kind === INTEGRATION_KIND) return topic.startsWith(`${this.base}/`) ? undefined : `may publish only under ${this.base}/`;
    return topic.startsWith(this.ownPrefix(identity)) && !/[+#]/.test(topic) ? undefined : `may publish only under ${this.ownPrefix(identity)}`;
  }

  /** Why a subscription is refused, or undefined when allowed. */
  checkSubscribe(identity: DeviceIdentity, filter: string): string | undefined {
    if (identity === INTERNAL_IDENTITY) return undefined;
    if (identity.kind === INTEGRATION_KIND) return filter.startsWith(`${this.base}/`) ? undefined : `may subscribe only under ${this.base}/`;
    const allowed = [this.ownPrefix(identity), ...identity.groups.map((g) => `${this.base}/${identity.kind}/group/${g}/`)];
    // The allowed prefix must appear literally: a wildcard cannot stand in for the device id.
    return allowed.some((prefix) => filter.startsWith(prefix) || filter === prefix.slice(0, -1)) ? undefined : `may subscribe only under ${allowed.join(' or ')}`;
  }
}
