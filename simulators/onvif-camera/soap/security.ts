/**
 * WS-Security UsernameToken verification: PasswordDigest = Base64(SHA1(nonce + Created + password))
 * with the Created string hashed exactly as received, a freshness window around the camera's
 * own clock, and refusal of a nonce already seen inside that window.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PASSWORD_TEXT_TYPE } from '../../../devices/onvif-camera/protocol.js';
import { attr, child, childText, type XmlNode } from './envelope.js';

export interface UsernameToken {
  username: string;
  password: string;
  passwordType: string | undefined;
  nonce: string | undefined;
  created: string | undefined;
}

export type TokenVerdict = { ok: true } | { ok: false; reason: string };

export function readUsernameToken(header: XmlNode): UsernameToken | undefined {
  const token = child(header, 'Security', 'UsernameToken');
  if (!token) return undefined;
  const password = child(token, 'Password');
  return {
    username: childText(token, 'Username') ?? '',
    password: childText(token, 'Password') ?? '',
    passwordType: attr(password, 'Type'),
    nonce: childText(token, 'Nonce'),
    created: childText(token, 'Created'),
  };
}

export function passwordDigest(nonceBase64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceBase64, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export class UsernameTokenVerifier {
  private readonly seenNonces = new Map<string, number>();

  constructor(
    private readonly credentials: () => { username: string; password: string },
    /** The camera's clock (ms since epoch), possibly offset from the host's. */
    private readonly cameraNow: () => number,
    /** Allowed distance between Created and the camera's clock, ms. */
    private readonly windowMs: number,
  ) {}

  verify(token: UsernameToken): TokenVerdict {
    const { username, password } = this.credentials();
    if (token.username !== username) return { ok: false, reason: 'unknown user' };
    if (token.passwordType === PASSWORD_TEXT_TYPE) {
      return safeEqual(token.password, password) ? { ok: true } : { ok: false, reason: 'wrong password' };
    }
    if (!token.nonce || !token.created) return { ok: false, reason: 'digest without Nonce or Created' };
    const created = Date.parse(token.created);
    if (Number.isNaN(created)) return { ok: false, reason: `unreadable Created "${token.created}"` };
    const now = this.cameraNow();
    if (Math.abs(created - now) > this.windowMs) {
      return { ok: false, reason: `Created ${token.created} is outside the ${this.windowMs / 1000} s window around the camera clock ${new Date(now).toISOString()}` };
    }
    if (!safeEqual(passwordDigest(token.nonce, token.created, password), token.password)) return { ok: false, reason: 'wrong password' };
    const hostNow = Date.now();
    for (const [n, expires] of this.seenNonces) if (expires < hostNow) this.seenNonces.delete(n);
    if (this.seenNonces.has(token.nonce)) return { ok: false, reason: 'nonce replayed' };
    this.seenNonces.set(token.nonce, hostNow + 2 * this.windowMs);
    return { ok: true };
  }
}
