/**
 * HTTP/RTSP Digest authentication (RFC 2617, MD5, qop=auth or none) for the simulator's
 * servers: SOAP (as an alternative to WS-UsernameToken), snapshots and RTSP.
 */
import { createHash, randomBytes } from 'node:crypto';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const NONCE_LIFETIME_MS = 5 * 60_000;

export function parseAuthParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^\s,]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header))) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return params;
}

export class DigestAuth {
  private readonly nonces = new Map<string, number>();

  constructor(
    readonly realm: string,
    private readonly credentials: () => { username: string; password: string },
    /** Offer qop="auth" (HTTP) or plain RFC 2069 digest (what most RTSP cameras send). */
    private readonly qop: boolean,
  ) {}

  /** A WWW-Authenticate header value with a fresh nonce. */
  challenge(): string {
    const now = Date.now();
    for (const [n, t] of this.nonces) if (now - t > NONCE_LIFETIME_MS) this.nonces.delete(n);
    const nonce = randomBytes(16).toString('hex');
    this.nonces.set(nonce, now);
    return `Digest realm="${this.realm}", nonce="${nonce}"${this.qop ? ', qop="auth"' : ''}, algorithm=MD5`;
  }

  /** True when the Authorization header is a valid Digest (or Basic) answer for this method. */
  verify(method: string, authorization: string | undefined): boolean {
    if (!authorization) return false;
    const { username, password } = this.credentials();
    if (/^Basic\s/i.test(authorization)) {
      const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      return decoded === `${username}:${password}`;
    }
    if (!/^Digest\s/i.test(authorization)) return false;
    const p = parseAuthParams(authorization.replace(/^Digest\s+/i, ''));
    if (p.username !== username || p.realm !== this.realm || !p.nonce || !p.uri || !p.response) return false;
    const issued = this.nonces.get(p.nonce);
    if (issued === undefined || Date.now() - issued > NONCE_LIFETIME_MS) return false;
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return false;
    const ha1 = md5(`${username}:${this.realm}:${password}`);
    const ha2 = md5(`${method}:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }
}
