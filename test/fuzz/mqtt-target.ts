/**
 * Fuzz target: every inbound topic of the MQTT contract, each published with the credentials of a
 * device of its kind into that device's own subtree (barrier, speaker), or with the integration's
 * credentials for the gateway's and the cameras' topics: the topic's example changed in one place,
 * random JSON, text, bytes, deep nesting and payloads far bigger than any device message.
 */
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import type { TopicSpec } from '../../src/core/mqtt-contract.js';
import { inboundTopics } from '../../src/mqtt/contract.js';
import { mqttPayload, oddUnicode, payloadBytes, prototypeKey, type MqttPayload } from './arbitraries.js';
import { BARRIER, BASE_TOPIC, CAMERA_ID, INTEGRATION, SPEAKER } from './stack.js';
import type { FuzzCase } from './target.js';

export interface MqttInput {
  params: Record<string, string>;
  payload: MqttPayload;
}

interface Identity {
  username: string;
  password: string;
}

/** Who publishes a topic: the configured device of its kind, else the integration. */
function publisherOf(spec: TopicSpec<unknown, string>): { identity: Identity; id: string | undefined } {
  if (spec.pattern.startsWith('barriers/')) return { identity: { username: BARRIER.id, password: BARRIER.password }, id: BARRIER.id };
  if (spec.pattern.startsWith('speakers/')) return { identity: { username: SPEAKER.id, password: SPEAKER.password }, id: SPEAKER.id };
  const id = spec.pattern.startsWith('cameras/') ? CAMERA_ID : undefined;
  return { identity: { username: INTEGRATION.name, password: INTEGRATION.password }, id };
}

/** A single topic level: plausible, or hostile (prototype keys, odd unicode) without `/`, `+`, `#`. */
const level = (plausible: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...plausible) },
    { weight: 2, arbitrary: fc.oneof(prototypeKey, oddUnicode, fc.string({ minLength: 1, maxLength: 30 })) },
  // eslint-disable-next-line no-control-regex -- NUL is not allowed in MQTT topics
  ).map((v) => v.replace(/[/+#\u0000]/g, '_') || '_');

const PLAUSIBLE_LEVELS: Record<string, readonly string[]> = { op: ['ping', 'info', 'devices', 'no-such-op'], format: ['hik', 'dahua', 'generic'] };

/** One connection per identity, opened when first needed and again after the broker closed it. */
export class MqttClients {
  private readonly clients = new Map<string, MqttClient>();

  constructor(private readonly url: () => string) {}

  async get(identity: Identity): Promise<MqttClient> {
    const known = this.clients.get(identity.username);
    if (known?.connected) return known;
    known?.end(true);
    const client = mqtt.connect(this.url(), { username: identity.username, password: identity.password, clientId: identity.username, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 });
    client.on('error', () => {});
    this.clients.set(identity.username, client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('close', () => reject(new Error(`MQTT connection of ${identity.username} closed before CONNACK`)));
    });
    return client;
  }

  close(): void {
    for (const c of this.clients.values()) c.end(true);
    this.clients.clear();
  }
}

export function mqttParts(clients: MqttClients): FuzzCase<MqttInput>[] {
  return inboundTopics().map((spec) => {
    const { identity, id } = publisherOf(spec);
    const params = fc.record(Object.fromEntries(spec.params.map((p) => [p, p === 'id' && id ? fc.constant(id) : level(PLAUSIBLE_LEVELS[p] ?? ['x'])]))) as fc.Arbitrary<
      Record<string, string>
    >;
    return {
      name: `mqtt ${spec.name} (${spec.pattern})`,
      arbitrary: fc.record({ params, payload: mqttPayload(spec.example) }),
      deadlineMs: 20_000,
      async act(input: MqttInput) {
        const topic = `${BASE_TOPIC}/${spec.pattern.replace(/\{([A-Za-z]+)\}/g, (_, n: string) => input.params[n] ?? 'x')}`;
        let client: MqttClient;
        try {
          client = await clients.get(identity);
        } catch {
          return; // refused (e.g. the broker is limiting this identity): the health check decides
        }
        // Refused or disconnected by the broker is a fine answer; only the gateway's health counts.
        const bytes = payloadBytes(input.payload);
        // A broker that closes the connection (a packet over the device's limit) never acknowledges it.
        let onClose: (() => void) | undefined;
        const closed = new Promise<void>((resolve) => client.once('close', (onClose = resolve)));
        await Promise.race([client.publishAsync(topic, bytes, { qos: 1, retain: spec.retained }).catch(() => {}), closed]);
        client.off('close', onClose!);
        // The broker acknowledges before the gateway's handler has run: give it a moment (longer
        // for a big payload, so that what it costs shows in this case and not in the next).
        await new Promise((r) => setTimeout(r, 20 + Math.round(bytes.length / (200 * 1024))));
      },
    };
  });
}
