import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import type { CertificateNames } from './host-names.js';

/** A PEM certificate with its private key. */
export interface KeyAndCertificate {
  key: string;
  cert: string;
}

const DAY_MS = 86_400_000;

/**
 * A local certificate authority for one site: browsers, phones and TVs trust it once (the admin
 * page offers it for download), then every server certificate it signs for this host is trusted.
 * EC P-256 keys, SHA-256 signatures.
 */
export async function createCertificateAuthority(siteName: string, now = new Date(), years = 10): Promise<KeyAndCertificate> {
  const notAfter = new Date(now.getTime() + years * 365 * DAY_MS);
  const pems = await generate(
    [
      { name: 'commonName', value: `${siteName.slice(0, 40)} community gateway local CA` },
      { name: 'organizationName', value: 'community-gateway' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  return { key: pems.private, cert: pems.cert };
}

/** A server certificate for the given names and addresses, signed by `ca`. */
export async function createServerCertificate(ca: KeyAndCertificate, names: CertificateNames, validityDays: number, now = new Date()): Promise<KeyAndCertificate> {
  const commonName = names.dns.find((d) => d !== 'localhost') ?? 'localhost';
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + validityDays * DAY_MS),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** What the gateway needs to know of a certificate: its names, lifetime and fingerprint. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  names: CertificateNames;
  validFrom: Date;
  validTo: Date;
  fingerprint256: string;
}

export function certificateFacts(pem: string): CertificateFacts {
  const x509 = new X509Certificate(pem);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of (x509.subjectAltName ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4).toLowerCase());
    else if (part.startsWith('IP Address:')) ips.push(part.slice(11).toLowerCase());
  }
  return {
    subject: x509.subject,
    issuer: x509.issuer,
    names: { dns, ips },
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    fingerprint256: x509.fingerprint256,
  };
}

/** Whether `cert` was signed by `ca`. */
export function signedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}
