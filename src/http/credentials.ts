import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'cg_token';

/**
 * The bearer token of a request: `Authorization: Bearer <token>`, the `token` query parameter
 * (TV walls open a URL; browsers cannot set headers on a WebSocket), or the session cookie.
 */
export function tokenFromRequest(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
    }
  }
  return undefined;
}
