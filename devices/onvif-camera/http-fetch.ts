/**
 * GET of a camera's HTTP resource (the snapshot JPEG) with HTTP Digest (RFC 7616, MD5/SHA-256,
 * qop=auth) or Basic authentication, as the camera's challenge asks. Bounded in size and in total
 * time (a deadline over the whole exchange, not only the socket's idle time). Redirects are not
 * followed: the password goes only where the caller checked it may go.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';

export interface FetchResult {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface FetchLimits {
  /** Socket idle timeout and total deadline of the whole exchange (both legs of a digest), ms. */
  timeoutMs: number;
  /** Largest body accepted, bytes. Default 8 MiB. */
  maxBytes?: number;
}

const MAX_BYTES = 8 * 1024 * 1024;

function get(url: string, headers: Record<string, string>, timeoutMs: number, deadlineAt: number, maxBytes: number): Promise<FetchResult & { challenge: string | undefined }> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(
      () => req.destroy(Object.assign(new Error(`no complete answer from ${new URL(url).host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      Math.max(1, deadlineAt - Date.now()),
    );
    const settle = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A): void => {
      clearTimeout(deadline);
      fn(...a);
    };
    resolve = settle(resolve);
    reject = settle(reject);
    const req = request(url, { method: 'GET', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(Object.assign(new Error(`answer larger than ${maxBytes} bytes`), { code: 'ETOOLARGE' }));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? 'application/octet-stream'),
          body: Buffer.concat(chunks),
          challenge: res.headers['www-authenticate'],
        }),
      );
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' })));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${new URL(url).host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

export function digestAuthorization(method: string, url: string, username: string, password: string, challenge: string): string {
  const c = parseChallenge(challenge);
  const algorithm = (c.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (s: string): string => createHash(hashName).update(s).digest('hex');
  const uri = new URL(url).pathname + new URL(url).search;
  const ha1 = h(`${username}:${c.realm ?? ''}:${password}`);
  const ha2 = h(`${method}:${uri}`);
  const qop = c.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const response = qop ? h(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [`username="${username}"`, `realm="${c.realm ?? ''}"`, `nonce="${c.nonce ?? ''}"`, `uri="${uri}"`, `algorithm=${algorithm}`, `response="${response}"`];
  if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}

/** GET with the camera's credentials; answers whatever status the camera gives after authenticating. */
export async function fetchWithAuth(url: string, username: string | undefined, password: string | undefined, limits: FetchLimits | number): Promise<FetchResult> {
  const { timeoutMs, maxBytes = MAX_BYTES } = typeof limits === 'number' ? { timeoutMs: limits } : limits;
  const deadlineAt = Date.now() + timeoutMs;
  const first = await get(url, {}, timeoutMs, deadlineAt, maxBytes);
  if (first.status !== 401 || !username || !first.challenge) return first;
  const authorization = /^Digest/i.test(first.challenge)
    ? digestAuthorization('GET', url, username, password ?? '', first.challenge)
    : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  return get(url, { Authorization: authorization }, timeoutMs, deadlineAt, maxBytes);
}
