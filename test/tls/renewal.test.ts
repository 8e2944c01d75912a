import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { certificateFacts, signedBy } from '../../src/tls/certificate-factory.js';
import { CertificateService, type HttpsSettings } from '../../src/tls/certificate-service.js';
import { hostCertificateNames, type CertificateNames } from '../../src/tls/host-names.js';
import { MqttTlsListener } from '../../src/tls/mqtt-tls-listener.js';
import { presentedFingerprint } from './https-client.js';

const DAY = 86_400_000;
const settings: HttpsSettings = { mode: 'auto', certFile: null, keyFile: null, caFile: null, names: [], validityDays: 365, renewBeforeDays: 30, checkIntervalMs: 3_600_000 };

describe('the generated certificate: kept, renewed before expiry, and when the host gains an address', () => {
  const dirs: string[] = [];
  const services: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function service(dataDir: string, clock: { now: number }, names: () => CertificateNames = () => ({ dns: ['localhost'], ips: ['127.0.0.1'] })) {
    const s = new CertificateService({ settings, dataDir, siteName: 'Test', log: silentLogger(), hostNames: names, now: () => new Date(clock.now) });
    services.push(s);
    return s;
  }

  it('a restart reuses the CA and the certificate; 30 days before expiry a new one is made and served on the next handshake', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cg-tls-'));
    dirs.push(dataDir);
    const clock = { now: Date.now() };
    const first = service(dataDir, clock);
    await first.start();
    const original = first.current()!;
    await first.stop();

    const again = service(dataDir, clock);
    await again.start();
    expect(again.current()).toEqual(original);

    const listener = new MqttTlsListener({ host: '127.0.0.1', port: 0, certificates: again, broker: { accept: (socket) => socket.end() }, log: silentLogger() });
    services.push(listener);
    await listener.start();
    const before = await presentedFingerprint('127.0.0.1', listener.port);
    expect(before).toBe(certificateFacts(original.cert).fingerprint256);

    const changes: string[] = [];
    again.onChange((m) => changes.push(m.cert));
    clock.now += 300 * DAY; // 65 days left: not due yet
    await again.check();
    expect(changes).toHaveLength(0);
    clock.now += 40 * DAY; // 25 days left: due
    await again.check();
    expect(changes).toHaveLength(1);
    const renewed = again.current()!;
    expect(renewed.ca).toBe(original.ca);
    expect(signedBy(renewed.cert, original.ca!)).toBe(true);
    expect(certificateFacts(renewed.cert).validTo.getTime()).toBeGreaterThan(certificateFacts(original.cert).validTo.getTime() + 300 * DAY);
    expect(readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8')).toBe(renewed.cert);
    // No restart: the listener presents the renewed certificate to the next client.
    expect(await presentedFingerprint('127.0.0.1', listener.port)).toBe(certificateFacts(renewed.cert).fingerprint256);
  });

  it('a new address of the host (a new network card, a changed DHCP lease) gets a new certificate that names it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cg-tls-'));
    dirs.push(dataDir);
    const clock = { now: Date.now() };
    let ips = ['127.0.0.1'];
    const s = service(dataDir, clock, () => ({ dns: ['localhost'], ips }));
    await s.start();
    ips = ['127.0.0.1', '192.168.77.5'];
    await s.check();
    expect(certificateFacts(s.current()!.cert).names.ips).toContain('192.168.77.5');
  });

  it('the host\'s names: hostname, .local, localhost, every interface address, configured extras', () => {
    const names = hostCertificateNames(['gate.example', '10.9.8.7'], { eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null }, { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 }] }, 'guardroom');
    expect(names).toEqual({ dns: ['gate.example', 'guardroom', 'guardroom.local', 'localhost'], ips: ['10.9.8.7', '127.0.0.1', '192.168.1.20', '::1'] });
  });
});
