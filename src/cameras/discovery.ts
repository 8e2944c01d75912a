/**
 * WS-Discovery (2005/04) client: sends a SOAP 1.2 Probe for dn:NetworkVideoTransmitter to each
 * configured target (the standard multicast group, or unicast addresses) and collects the
 * ProbeMatches that relate to it for the given time.
 */
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';

export interface DiscoveredCamera {
  /** The device's endpoint reference (urn:uuid:...). */
  endpoint: string;
  xaddrs: string[];
  host: string;
  port: number;
  name: string | null;
  hardware: string | null;
  location: string | null;
  scopes: string[];
}

export interface ProbeOptions {
  targets: readonly string[];
  durationMs: number;
  onProgress?: (found: number, elapsedMs: number) => void;
  signal?: AbortSignal;
}

function probeXml(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<s:Header><a:MessageID>${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
  );
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<(?:[\\w-]+:)?${name}[^>]*>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml)?.[1]?.trim();
}

function scopeValue(scopes: string[], kind: string): string | null {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const s = scopes.find((x) => x.startsWith(prefix));
  return s ? decodeURIComponent(s.slice(prefix.length)) : null;
}

export function parseProbeMatch(xml: string, messageId: string): DiscoveredCamera | undefined {
  if (tag(xml, 'RelatesTo') !== messageId || !/ProbeMatch/.test(xml)) return undefined;
  const xaddrs = (tag(xml, 'XAddrs') ?? '').split(/\s+/).filter(Boolean);
  const first = xaddrs.map((x) => {
    try {
      return new URL(x);
    } catch {
      return undefined;
    }
  }).find(Boolean);
  if (!first) return undefined;
  const scopes = (tag(xml, 'Scopes') ?? '').split(/\s+/).filter(Boolean);
  return {
    endpoint: tag(xml, 'Address') ?? first.href,
    xaddrs,
    host: first.hostname,
    port: Number(first.port || 80),
    name: scopeValue(scopes, 'name'),
    hardware: scopeValue(scopes, 'hardware'),
    location: scopeValue(scopes, 'location'),
    scopes,
  };
}

export async function probeCameras(opts: ProbeOptions): Promise<DiscoveredCamera[]> {
  const messageId = `urn:uuid:${randomUUID()}`;
  const found = new Map<string, DiscoveredCamera>();
  const socket = createSocket({ type: 'udp4' });
  const started = Date.now();
  let progress: NodeJS.Timeout | undefined;
  try {
    socket.on('message', (msg) => {
      const match = parseProbeMatch(msg.toString('utf8'), messageId);
      if (match && !found.has(match.endpoint)) found.set(match.endpoint, match);
    });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.bind(0, resolve));
    const xml = probeXml(messageId);
    for (const target of opts.targets) {
      const i = target.lastIndexOf(':');
      await new Promise<void>((resolve) => socket.send(xml, Number(target.slice(i + 1)), target.slice(0, i), () => resolve()));
    }
    progress = setInterval(() => opts.onProgress?.(found.size, Date.now() - started), 500);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, opts.durationMs);
      opts.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  } finally {
    if (progress) clearInterval(progress);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return [...found.values()];
}
