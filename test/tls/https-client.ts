import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { connect } from 'node:tls';

export interface SimpleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request that trusts only `ca` (the test's local CA), as a browser that installed it would. */
export function httpsRequest(url: string, options: { ca: string; method?: string; token?: string; json?: unknown; origin?: string }): Promise<SimpleResponse> {
  return send(url, options, true);
}

/** One plain HTTP request (redirect and CA download checks). */
export function httpRequest(url: string): Promise<SimpleResponse> {
  return send(url, {}, false);
}

function send(url: string, options: { ca?: string; method?: string; token?: string; json?: unknown; origin?: string }, secure: boolean): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.origin) headers.origin = options.origin;
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    if (body) headers['content-type'] = 'application/json';
    const make = secure ? request : plainRequest;
    const req = make(url, { method: options.method ?? (body ? 'POST' : 'GET'), headers, timeout: 10_000, ...(secure ? { ca: options.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The certificate a TLS server presents (its SHA-256 fingerprint), with no trust check. */
export function presentedFingerprint(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, servername: undefined }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert.fingerprint256);
    });
    socket.on('error', reject);
  });
}
