import { allows, type Access, type Principal } from '../auth/principal.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../core/logger.js';
import type { GuardedSocket } from './ws-guard.js';

/** Close codes for sockets whose authorisation ended (4000-4999 are the application's). */
export const WS_CLOSE = {
  /** The token was revoked, logged out or expired. */
  loggedOut: 4001,
  /** The principal's role changed (or no longer allows the endpoint). */
  roleChanged: 4003,
} as const;

interface Watched {
  socket: GuardedSocket;
  token: string;
  principal: Principal;
  access: Access;
}

/**
 * Keeps what authorised each open WebSocket and checks it again every `periodMs`: a socket whose
 * token was revoked, logged out or has expired is closed with 4001, one whose principal's role
 * changed with 4003, each with a reason the page can show. Every inbound message is checked the
 * same way before the endpoint sees it. Re-resolving through TokenService
 * covers every way a token can end (logout, an admin's revocation, expiry, and whatever revokes
 * tokens on a user's role, password or removal) without coupling to any of them. The timer runs
 * only while sockets are watched, is unref'd, and stops at `stop()`.
 */
export class WsAuthorisationWatch {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tokens: TokenService,
    private readonly log: Logger,
    private readonly periodMs: number,
  ) {}

  /** Watches one socket; the function returned checks it at once (false: it was closed). */
  watch(socket: GuardedSocket, token: string, principal: Principal, access: Access): () => boolean {
    const entry: Watched = { socket, token, principal, access };
    this.watched.add(entry);
    socket.ws.once('close', () => this.watched.delete(entry));
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), this.periodMs);
      this.timer.unref();
    }
    return () => this.recheck(entry);
  }

  /** Checks one socket now, before its message is handled; false when it was closed. */
  private recheck(entry: Watched): boolean {
    if (!this.watched.has(entry)) return false;
    let current: Principal | undefined;
    try {
      current = this.tokens.resolve(entry.token);
    } catch (err) {
      this.log.error({ err }, 'checking the token of an open WebSocket failed');
      return true;
    }
    return !this.closeIfEnded(entry, current);
  }

  get size(): number {
    return this.watched.size;
  }

  /** Re-resolves every watched token once and closes the sockets it no longer authorises. */
  check(): void {
    if (this.watched.size === 0) return this.stop();
    const now = new Map<string, Principal | undefined>();
    for (const entry of [...this.watched]) {
      let current: Principal | undefined;
      if (now.has(entry.token)) current = now.get(entry.token);
      else {
        try {
          current = this.tokens.resolve(entry.token);
        } catch (err) {
          // The store failing is not a revocation: keep the socket, say so, try again next time.
          this.log.error({ err }, 'checking the tokens of open WebSockets failed');
          return;
        }
        now.set(entry.token, current);
      }
      this.closeIfEnded(entry, current);
    }
  }

  private closeIfEnded(entry: Watched, current: Principal | undefined): boolean {
    const verdict = this.verdict(entry, current);
    if (!verdict) return false;
    this.watched.delete(entry);
    this.log.info({ ...entry.socket.who, code: verdict.code, reason: verdict.reason }, 'closing a WebSocket whose authorisation ended');
    entry.socket.close(verdict.code, verdict.reason);
    return true;
  }

  private verdict(entry: Watched, current: Principal | undefined): { code: number; reason: string } | undefined {
    if (!current) return { code: WS_CLOSE.loggedOut, reason: 'your login has ended (logged out, expired or revoked); log in again' };
    if (current.name !== entry.principal.name || current.role !== entry.principal.role || !allows(current, entry.access)) {
      return { code: WS_CLOSE.roleChanged, reason: `your role changed (now ${current.role}); reconnect` };
    }
    return undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
