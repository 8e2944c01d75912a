/**
 * WS-Discovery (2005/04) target service: answers a Probe with exactly one ProbeMatch, unicast to
 * the sender, and (only when multicast is enabled) announces Hello on start and Bye on stop.
 * Tests use unicast on loopback; multicast is opt-in so nothing leaves the machine by default.
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { NS } from '../../devices/onvif-camera/protocol.js';
import type { Logger } from '../../src/core/logger.js';
import type { Service } from '../../src/core/lifecycle.js';
import { esc } from './soap/envelope.js';

export const DISCOVERY_MULTICAST_ADDRESS = '239.255.255.250';
export const DISCOVERY_PORT = 3702;
export const DEVICE_TYPES = 'dn:NetworkVideoTransmitter tds:Device';

export interface DiscoveryOptions {
  host: string;
  /** UDP port to listen on (3702 for real clients; a free port in tests). */
  port: number;
  /** Join 239.255.255.250 and send Hello/Bye there. Off by default. */
  multicast: boolean;
  endpointUuid: string;
  scopes: () => string[];
  xaddrs: () => string;
  log: Logger;
}

export class DiscoveryResponder implements Service {
  readonly name = 'ws-discovery';
  private socket: Socket | undefined;
  private messageNumber = 0;
  private readonly instanceId = Math.floor(Date.now() / 1000);
  probesAnswered = 0;

  constructor(private readonly opts: DiscoveryOptions) {}

  async start(): Promise<void> {
    if (this.socket) return;
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (msg, rinfo) => this.onMessage(msg.toString('utf8'), rinfo.address, rinfo.port));
    socket.on('error', (err) => this.opts.log.warn({ err }, 'ws-discovery socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, this.opts.multicast ? undefined : this.opts.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    if (this.opts.multicast) {
      socket.addMembership(DISCOVERY_MULTICAST_ADDRESS);
      await this.send(this.announcement('Hello'), DISCOVERY_MULTICAST_ADDRESS, DISCOVERY_PORT);
    }
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    if (this.opts.multicast) await this.send(this.announcement('Bye'), DISCOVERY_MULTICAST_ADDRESS, DISCOVERY_PORT).catch(() => {});
    this.socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  get port(): number {
    return this.socket?.address().port ?? this.opts.port;
  }

  private onMessage(text: string, address: string, port: number): void {
    if (!/<(?:[\w-]+:)?Probe[\s>/]/.test(text)) return;
    const messageId = /<(?:[\w-]+:)?MessageID[^>]*>([^<]+)</.exec(text)?.[1]?.trim();
    if (!messageId) return;
    const types = /<(?:[\w-]+:)?Types[^>]*>([^<]*)</.exec(text)?.[1]?.trim() ?? '';
    const scopes = /<(?:[\w-]+:)?Scopes[^>]*>([^<]*)</.exec(text)?.[1]?.trim() ?? '';
    if (types && !types.split(/\s+/).some((t) => /(NetworkVideoTransmitter|Device)$/.test(t))) return;
    if (scopes) {
      const ours = this.opts.scopes();
      if (!scopes.split(/\s+/).every((s) => ours.some((o) => o === s || o.startsWith(s.endsWith('/') ? s : `${s}/`)))) return;
    }
    this.probesAnswered++;
    void this.send(this.probeMatch(messageId), address, port).catch((err: unknown) => this.opts.log.warn({ err }, 'cannot answer probe'));
  }

  private send(xml: string, address: string, port: number): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve, reject) => socket.send(xml, port, address, (err) => (err ? reject(err) : resolve())));
  }

  private header(action: string, extra: string): string {
    this.messageNumber++;
    return (
      `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>${extra}<wsa:Action>${NS.wsd}/${action}</wsa:Action>` +
      `<d:AppSequence InstanceId="${this.instanceId}" MessageNumber="${this.messageNumber}"/>`
    );
  }

  private envelope(header: string, body: string): string {
    return (
      `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${NS.soapEnv}" xmlns:wsa="${NS.wsaDiscovery}" xmlns:d="${NS.wsd}" ` +
      `xmlns:dn="${NS.dn}" xmlns:tds="${NS.tds}"><env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`
    );
  }

  private matchBody(withXaddrs: boolean): string {
    return (
      `<wsa:EndpointReference><wsa:Address>urn:uuid:${this.opts.endpointUuid}</wsa:Address></wsa:EndpointReference>` +
      `<d:Types>${DEVICE_TYPES}</d:Types><d:Scopes>${esc(this.opts.scopes().join(' '))}</d:Scopes>` +
      (withXaddrs ? `<d:XAddrs>${esc(this.opts.xaddrs())}</d:XAddrs>` : '') +
      `<d:MetadataVersion>1</d:MetadataVersion>`
    );
  }

  private probeMatch(relatesTo: string): string {
    const header = this.header(
      'ProbeMatches',
      `<wsa:RelatesTo>${esc(relatesTo)}</wsa:RelatesTo><wsa:To>${NS.wsaDiscovery}/role/anonymous</wsa:To>`,
    );
    return this.envelope(header, `<d:ProbeMatches><d:ProbeMatch>${this.matchBody(true)}</d:ProbeMatch></d:ProbeMatches>`);
  }

  private announcement(kind: 'Hello' | 'Bye'): string {
    const header = this.header(kind, `<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>`);
    return this.envelope(header, `<d:${kind}>${this.matchBody(kind === 'Hello')}</d:${kind}>`);
  }
}
