/**
 * Which addresses the gateway offers as WebRTC host candidates. The guard room's browsers are on
 * the gateway's LAN: host candidates are enough (no STUN, no TURN). By default the gateway offers
 * the one address its HTTP server listens on, or, when it listens on every address, each
 * non-loopback IPv4 address of the machine.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { WebrtcConfig } from '../../config/webrtc-schema.js';
import type { IcePolicy } from './webrtc-viewer.js';

const ANY = new Set(['0.0.0.0', '::', '', 'localhost']);

function interfaceIpv4(): { address: string; internal: boolean }[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && a.family === 'IPv4')
    .map((a) => ({ address: a.address, internal: a.internal }));
}

export function icePolicy(config: Pick<WebrtcConfig, 'addresses' | 'udpPorts'>, httpHost: string): IcePolicy {
  const local = interfaceIpv4();
  const wanted = config.addresses.length > 0 ? config.addresses : ANY.has(httpHost) ? local.filter((a) => !a.internal).map((a) => a.address) : [httpHost];
  const addresses = wanted.filter((a) => isIP(a) === 4);
  const onInterfaces = addresses.filter((a) => local.some((l) => l.address === a && !l.internal));
  return {
    addresses,
    // werift can pin gathering to one interface address; others (loopback) are added by hand.
    ...(onInterfaces.length === 1 ? { interfaceAddress: onInterfaces[0]! } : {}),
    additionalHostAddresses: addresses.filter((a) => !onInterfaces.includes(a) || onInterfaces.length > 1),
    ...(config.udpPorts ? { portRange: config.udpPorts } : {}),
  };
}
