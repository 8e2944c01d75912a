import { compilePattern, matchLevels, type CompiledPattern, type TopicSpec } from '../core/mqtt-contract.js';
import { contract } from './contract.js';
import { gatewayState } from './gateway-topics.js';

/**
 * What a device may touch, derived from the contract rather than kept by hand: in its own subtree
 * (`<kind>/{id}/...`) it may publish only the contract's device-to-gateway topics and read the
 * gateway-to-device ones; it may read its groups' topics (`<kind>/group/{group}/...`) and the
 * gateway's retained `gateway/state`. It may retain only the topics the contract marks retained.
 * The embedded broker's ACL and the generated mosquitto ACL both come from here.
 */

export interface DeviceTopic {
  spec: TopicSpec<unknown, string>;
  compiled: CompiledPattern;
}

export interface KindAccess {
  /** Own-subtree topics the device publishes (direction to-gateway). */
  publish: readonly DeviceTopic[];
  /** Own-subtree topics the gateway publishes to the device (direction from-gateway). */
  read: readonly DeviceTopic[];
  /** Group topics (direction from-gateway) the device reads for each of its groups. */
  group: readonly DeviceTopic[];
}

/** Topics outside their own subtree that every device may read (subscribe to). */
export const DEVICE_READABLE_GATEWAY_TOPICS: readonly TopicSpec<unknown, string>[] = [gatewayState as TopicSpec<unknown, string>];

function levels(spec: TopicSpec<unknown, string>): string[] {
  return spec.pattern.split('/');
}

export function isOwnSubtreeTopic(spec: TopicSpec<unknown, string>, kind: string): boolean {
  const [first, second] = levels(spec);
  return first === kind && second === '{id}';
}

export function isGroupTopic(spec: TopicSpec<unknown, string>, kind: string): boolean {
  const [first, second, third] = levels(spec);
  return first === kind && second === 'group' && third === '{group}';
}

export function kindAccess(kind: string, topics: readonly TopicSpec<unknown, string>[] = contract): KindAccess {
  const compile = (spec: TopicSpec<unknown, string>): DeviceTopic => ({ spec, compiled: compilePattern(spec.pattern) });
  const own = topics.filter((t) => isOwnSubtreeTopic(t, kind));
  return {
    publish: own.filter((t) => t.direction === 'to-gateway').map(compile),
    read: own.filter((t) => t.direction === 'from-gateway').map(compile),
    group: topics.filter((t) => isGroupTopic(t, kind) && t.direction === 'from-gateway').map(compile),
  };
}

/** The device-to-gateway topic of this device that `topic` is, or undefined. */
export function matchOwnPublish(access: KindAccess, base: string, deviceId: string, topic: string): TopicSpec<unknown, string> | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const rest = topic.slice(base.length + 1).split('/');
  for (const t of access.publish) {
    const params = matchLevels(t.compiled, rest);
    if (params && params.id === deviceId) return t.spec;
  }
  return undefined;
}

/**
 * Kinds whose devices speak MQTT themselves: the device publishes its own availability. (Cameras
 * speak ONVIF; the gateway publishes their topics for integrations.)
 */
export function isMqttDeviceKind(kind: string, topics: readonly TopicSpec<unknown, string>[] = contract): boolean {
  return topics.some((t) => t.pattern === `${kind}/{id}/availability` && t.direction === 'to-gateway');
}

/** Who may read a gateway-to-device topic, for the generated docs (the same rule as the ACL). */
export function readersOf(spec: TopicSpec<unknown, string>): 'device' | 'group' | 'devices and integrations' | 'integrations' {
  const kind = levels(spec)[0]!;
  if (isMqttDeviceKind(kind) && isOwnSubtreeTopic(spec, kind)) return 'device';
  if (isMqttDeviceKind(kind) && isGroupTopic(spec, kind)) return 'group';
  if (DEVICE_READABLE_GATEWAY_TOPICS.includes(spec)) return 'devices and integrations';
  return 'integrations';
}

/** Who may publish a device-to-gateway topic, for the generated docs. */
export function writersOf(spec: TopicSpec<unknown, string>): 'device' | 'integrations' {
  const kind = levels(spec)[0]!;
  return isMqttDeviceKind(kind) && isOwnSubtreeTopic(spec, kind) ? 'device' : 'integrations';
}
