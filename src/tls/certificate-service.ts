import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import { certificateFacts, createCertificateAuthority, createServerCertificate, signedBy, type CertificateFacts, type KeyAndCertificate } from './certificate-factory.js';
import { coversNames, hostCertificateNames, type CertificateNames } from './host-names.js';

export interface HttpsSettings {
  mode: 'off' | 'auto' | 'files';
  certFile: string | null;
  keyFile: string | null;
  caFile: string | null;
  names: string[];
  validityDays: number;
  renewBeforeDays: number;
  checkIntervalMs: number;
}

/** The key, certificate chain and (for download) CA in use. */
export interface TlsMaterial {
  key: string;
  cert: string;
  /** The CA that browsers should trust; absent when a configured certificate came without one. */
  ca: string | undefined;
}

const DAY_MS = 86_400_000;

/** Where `auto` keeps its CA and server certificate: `<dataDir>/tls/`. */
export function tlsDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

/**
 * The gateway's TLS certificate. `auto`: on first start a local CA (10 years) and a server
 * certificate for the host's names and addresses are made and kept in `<dataDir>/tls/` (keys
 * 0600); the server certificate is made again when it is due (`renewBeforeDays`), when the host
 * has a name or address it lacks, or when it is not the CA's. `files`: the configured certificate
 * is read, and read again when its file changes (a certbot renewal). Listeners hear of every new
 * certificate, so that HTTPS and MQTT over TLS switch to it without a restart.
 */
export class CertificateService implements Service {
  readonly name = 'tls-certificates';
  private material: TlsMaterial | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(material: TlsMaterial) => void>();
  private filesMtime = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      settings: HttpsSettings;
      dataDir: string;
      siteName: string;
      log: Logger;
      metrics?: Metrics;
      /** The host's names (tests pass their own). */
      hostNames?: () => CertificateNames;
      now?: () => Date;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.settings.mode !== 'off';
  }

  get mode(): HttpsSettings['mode'] {
    return this.deps.settings.mode;
  }

  caFacts(): CertificateFacts | undefined {
    return this.material?.ca ? certificateFacts(this.material.ca) : undefined;
  }

  /** The material in use; undefined while HTTPS is off or before start(). */
  current(): TlsMaterial | undefined {
    return this.material;
  }

  facts(): CertificateFacts | undefined {
    return this.material ? certificateFacts(this.material.cert) : undefined;
  }

  onChange(listener: (material: TlsMaterial) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    await this.check();
    const facts = this.facts()!;
    this.deps.log.info({ mode: this.deps.settings.mode, names: [...facts.names.dns, ...facts.names.ips], validTo: facts.validTo.toISOString() }, 'HTTPS certificate ready');
    this.deps.metrics?.gauge('gateway_tls_certificate_expiry_seconds', 'Seconds until the HTTPS certificate expires', [], (g) => {
      const f = this.facts();
      g.set(f ? Math.round((f.validTo.getTime() - Date.now()) / 1000) : 0);
    });
    this.timer = setInterval(() => void this.check().catch((err: unknown) => this.deps.log.error({ err }, 'could not renew the HTTPS certificate; the current one stays in use')), this.deps.settings.checkIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  /** Loads, makes or renews the certificate as due; one check at a time. */
  check(): Promise<void> {
    this.checking ??= (this.deps.settings.mode === 'files' ? this.checkFiles() : this.checkAuto()).finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async checkFiles(): Promise<void> {
    const { certFile, keyFile, caFile } = this.deps.settings;
    if (!certFile || !keyFile) throw new Error('https.mode is "files" but https.certFile or https.keyFile is not set');
    const mtime = Math.max(statSync(certFile).mtimeMs, statSync(keyFile).mtimeMs);
    if (this.material && mtime === this.filesMtime) return;
    const material = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), ca: caFile ? readFileSync(caFile, 'utf8') : undefined };
    certificateFacts(material.cert); // refuses a file that is no certificate
    this.filesMtime = mtime;
    this.use(material, this.material ? 'the configured certificate changed; now in use' : undefined);
  }

  private async checkAuto(): Promise<void> {
    const dir = tlsDir(this.deps.dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = this.material?.ca ? { key: readFileSync(join(dir, 'ca.key'), 'utf8'), cert: this.material.ca } : await this.loadOrCreateCa(dir);
    const names = this.deps.hostNames?.() ?? hostCertificateNames(this.deps.settings.names);
    const existing = this.material ?? readPair(dir, 'server');
    const reason = existing ? this.renewalReason(existing, ca.cert, names) : 'no server certificate yet';
    if (!reason) {
      if (!this.material) this.use({ ...existing!, ca: ca.cert });
      return;
    }
    const server = await createServerCertificate(ca, names, this.deps.settings.validityDays, this.now());
    writePrivate(join(dir, 'server.key'), server.key);
    writeFileSync(join(dir, 'server.crt'), server.cert);
    this.deps.log.info({ reason }, 'made a new HTTPS server certificate');
    this.use({ ...server, ca: ca.cert }, this.material ? 'renewed HTTPS certificate in use' : undefined);
  }

  private renewalReason(pair: KeyAndCertificate, caCert: string, names: CertificateNames): string | undefined {
    let facts: CertificateFacts;
    try {
      facts = certificateFacts(pair.cert);
    } catch {
      return 'the stored server certificate cannot be read';
    }
    if (!signedBy(pair.cert, caCert)) return 'the stored server certificate is not signed by the local CA';
    if (facts.validTo.getTime() - this.now().getTime() < this.deps.settings.renewBeforeDays * DAY_MS) return `it expires on ${facts.validTo.toISOString()}`;
    if (!coversNames(facts.names, names)) return 'the host has names or addresses the certificate lacks';
    return undefined;
  }

  private async loadOrCreateCa(dir: string): Promise<KeyAndCertificate> {
    const stored = readPair(dir, 'ca');
    if (stored) return stored;
    const ca = await createCertificateAuthority(this.deps.siteName, this.now());
    writePrivate(join(dir, 'ca.key'), ca.key);
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    this.deps.log.info({ file: join(dir, 'ca.crt') }, 'made a local certificate authority; trust it on the guard-room PCs, phones and TVs (admin page, "Trust this gateway")');
    return ca;
  }

  private use(material: TlsMaterial, message?: string): void {
    this.material = material;
    if (message) this.deps.log.info({ validTo: certificateFacts(material.cert).validTo.toISOString() }, message);
    for (const listener of this.listeners) {
      try {
        listener(material);
      } catch (err) {
        this.deps.log.error({ err }, 'a TLS listener refused the new certificate');
      }
    }
  }
}

function readPair(dir: string, name: string): KeyAndCertificate | undefined {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  if (!existsSync(key) || !existsSync(cert)) return undefined;
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}
