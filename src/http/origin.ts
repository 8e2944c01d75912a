import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { credentialOf } from './credentials.js';

/**
 * Cross-site request refusal (docs/api.md, "Cross-site requests"). A state-changing request or a
 * WebSocket upgrade is accepted when
 * - its `Origin` is the gateway's own (same host and port as the request's Host) or one of
 *   `http.corsOrigins`;
 * - or it has no `Origin` (curl, devices, scripts) and does not rely on the session cookie alone:
 *   it carries `Authorization: Bearer`, a `?token=`, or no credential at all.
 * `Sec-Fetch-Site: cross-site | same-site` without an allowed Origin is refused as well.
 */
export type OriginVerdict = { ok: true } | { ok: false; code: 'cross_site' | 'origin_required'; error: string };

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

export function checkOrigin(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): OriginVerdict {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (allowedOrigins.has(origin) || sameOrigin(origin, req.headers.host)) return { ok: true };
    return { ok: false, code: 'cross_site', error: `refused: this request comes from another site (${origin.slice(0, 100)}); only the gateway's own pages and http.corsOrigins may change anything` };
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { ok: false, code: 'cross_site', error: 'refused: this request comes from another site; only the gateway\'s own pages and http.corsOrigins may change anything' };
  }
  if (credentialOf(req)?.source === 'cookie') {
    return { ok: false, code: 'origin_required', error: 'refused: a request that carries only the session cookie must come from the gateway\'s own pages; scripts and devices send Authorization: Bearer <token>' };
  }
  return { ok: true };
}

/**
 * For the WebSocket upgrade router: refuses (403, then closes) an upgrade from another site and
 * answers true; answers false when the upgrade may go on.
 */
export function refuseCrossSiteUpgrade(req: IncomingMessage, socket: Duplex, allowedOrigins: ReadonlySet<string>): boolean {
  const verdict = checkOrigin(req, allowedOrigins);
  if (verdict.ok) return false;
  const body = JSON.stringify({ error: verdict.error, code: verdict.code });
  socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  return true;
}
