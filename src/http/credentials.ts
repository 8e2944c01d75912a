import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'cg_token';

/** Where a request's token came from: only a cookie is sent by browsers on their own. */
export type CredentialSource = 'header' | 'query' | 'cookie';

function fromHeader(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
}

function fromQuery(req: IncomingMessage): string | undefined {
  const url = req.url ?? '/';
  // Parse only when there is a query: URL() on a hostile path must not be able to throw here.
  if (!url.includes('token=')) return undefined;
  try {
    return new URL(url, 'http://localhost').searchParams.get('token') || undefined;
  } catch {
    return undefined;
  }
}

function fromCookie(req: IncomingMessage): string | undefined {
  const cookie = req.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('=')) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The bearer token of a request and where it came from: `Authorization: Bearer <token>`, the
 * `token` query parameter (TV walls open a URL; browsers cannot set headers on a WebSocket), or
 * the session cookie.
 */
export function credentialOf(req: IncomingMessage): { token: string; source: CredentialSource } | undefined {
  const header = fromHeader(req);
  if (header) return { token: header, source: 'header' };
  const query = fromQuery(req);
  if (query) return { token: query, source: 'query' };
  const cookie = fromCookie(req);
  return cookie ? { token: cookie, source: 'cookie' } : undefined;
}

export function tokenFromRequest(req: IncomingMessage): string | undefined {
  return credentialOf(req)?.token;
}

/** A URL as it may be logged: the value of every `token` query parameter replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.replace(/([?&](?:access_)?token=)[^&#]*/gi, '$1[redacted]');
}
