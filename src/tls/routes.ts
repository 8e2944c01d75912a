import QRCode from 'qrcode';
import type { Request } from 'express';
import { messageBody } from '../core/errors.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { CertificateService } from './certificate-service.js';

const CA_PATH = '/api/tls/ca.crt';

/** The address the caller used to reach the gateway (for links a phone can open), or undefined when the Host header is odd. */
function hostOf(req: Request): string | undefined {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]{1,300}$/.test(host) ? host : undefined;
}

/** The CA download over plain HTTP: a phone that does not trust the CA yet can still fetch it there. */
function caDownloadUrl(req: Request): string | undefined {
  const host = hostOf(req);
  return host ? `http://${host}${CA_PATH}` : undefined;
}

/** How to trust the gateway: the CA file, its fingerprint, a QR code of its download link. */
export function tlsRoutes(certificates: CertificateService): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: CA_PATH,
      access: 'public',
      summary: 'The certificate authority to trust (PEM; also served over plain HTTP so that a phone can fetch it before it trusts it). 404 when HTTPS is off or the configured certificate came without a CA.',
      handler: (_req, res) => {
        const ca = certificates.current()?.ca;
        if (!ca) return res.status(404).json(messageBody('no_ca', 'tls.no-ca'));
        res.setHeader('Content-Disposition', 'attachment; filename="community-gateway-ca.crt"');
        res.type('application/x-x509-ca-cert').send(ca);
      },
    },
    {
      method: 'get',
      path: '/api/tls',
      access: 'admin',
      summary: 'HTTPS state: mode, the certificate\'s names, addresses and expiry, the CA\'s fingerprint and its download link.',
      handler: (req) => {
        const facts = certificates.facts();
        const material = certificates.current();
        const caFacts = material?.ca ? certificates.caFacts() : undefined;
        return {
          enabled: certificates.enabled,
          mode: certificates.mode,
          certificate: facts ? { subject: facts.subject, dns: facts.names.dns, ips: facts.names.ips, validFrom: facts.validFrom.toISOString(), validTo: facts.validTo.toISOString() } : null,
          ca: caFacts ? { subject: caFacts.subject, fingerprint256: caFacts.fingerprint256, validTo: caFacts.validTo.toISOString(), downloadUrl: caDownloadUrl(req) ?? null } : null,
        };
      },
    },
    {
      method: 'get',
      path: '/api/tls/ca-qr.svg',
      access: 'admin',
      summary: 'QR code (SVG) of the CA download link, for a phone or TV to scan.',
      handler: async (req, res) => {
        const url = caDownloadUrl(req);
        if (!certificates.current()?.ca || !url) return res.status(404).json(messageBody('no_ca', 'tls.no-ca-link'));
        const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        res.setHeader('Cache-Control', 'no-store');
        res.type('image/svg+xml').send(svg);
      },
    },
  ]);
}
