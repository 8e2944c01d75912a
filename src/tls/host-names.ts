import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** What a server certificate must name: DNS names and IP addresses. */
export interface CertificateNames {
  dns: string[];
  ips: string[];
}

/**
 * The names and addresses by which browsers on the LAN reach this host: its hostname (and
 * `<hostname>.local` for mDNS), `localhost`, every address of every interface (loopback
 * included), and the configured extra names. Sorted and without duplicates, so two lists can be
 * compared to see whether the certificate still covers the host.
 */
export function hostCertificateNames(extra: readonly string[] = [], interfaces = networkInterfaces(), host = hostname()): CertificateNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const name = host.trim().toLowerCase();
  if (/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/.test(name)) {
    dns.add(name);
    if (!name.includes('.')) dns.add(`${name}.local`);
  }
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      // Link-local IPv6 addresses carry a zone (%eth0) that no URL a browser is given would hold.
      if (info.family === 'IPv6' && info.address.toLowerCase().startsWith('fe80')) continue;
      ips.add(info.address);
    }
  }
  for (const entry of extra) {
    const value = entry.trim().toLowerCase();
    if (isIP(value)) ips.add(value);
    else if (value) dns.add(value);
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

/** Whether every name and address of `wanted` is in `have`. */
export function coversNames(have: CertificateNames, wanted: CertificateNames): boolean {
  const dns = new Set(have.dns);
  const ips = new Set(have.ips.map(normaliseIp));
  return wanted.dns.every((d) => dns.has(d)) && wanted.ips.every((ip) => ips.has(normaliseIp(ip)));
}

/** One spelling per address: IPv6 compressed (`::1`, not `0:0:0:0:0:0:0:1`). */
export function normaliseIp(ip: string): string {
  const value = ip.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  if (isIP(value) !== 6) return value;
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}
