import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { allows, type Access, type Principal } from '../auth/principal.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../core/logger.js';
import { tokenFromRequest } from './credentials.js';
import { refuseCrossSiteUpgrade } from './origin.js';
import { WsAuthorisationWatch } from './ws-authorisation-watch.js';
import { guardSocket, type WsWho } from './ws-guard.js';

export interface WsContext {
  principal: Principal | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  remote: string | undefined;
}

/** The largest message an endpoint accepts when it declares no `maxPayload`: control messages only. */
export const DEFAULT_WS_MAX_PAYLOAD = 16 * 1024;

/** One WebSocket endpoint on the gateway's HTTP port, with its declared role. */
export interface WsEndpoint {
  /** Path with `:name` parameters, e.g. `/api/cameras/:id/joystick`. */
  path: string;
  access: Access;
  summary: string;
  /**
   * The largest message (bytes) a client may send; a bigger one closes that socket with 1009
   * (message too big). Default DEFAULT_WS_MAX_PAYLOAD. Size it to what the endpoint expects.
   */
  maxPayload?: number;
  /**
   * Handles an already-authorised socket. The router has attached an 'error' listener already; a
   * listener of the endpoint that throws is logged and closes that socket with 1011.
   */
  handle(ws: WebSocket, req: IncomingMessage, ctx: WsContext): void;
  /** Raw upgrade handling (e.g. MQTT over WebSocket), instead of `handle`. */
  raw?: boolean;
}

interface CompiledEndpoint extends WsEndpoint {
  regex: RegExp;
  names: string[];
  maxPayload: number;
}

export interface WsRouterOptions {
  /** How often open sockets' tokens are checked again (revocation, logout, expiry, role change). */
  authorisationCheckMs?: number;
  /** Origins beyond the gateway's own that may open sockets (http.corsOrigins). */
  corsOrigins?: readonly string[];
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '/([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

/** Answers a refused upgrade with a JSON body (`code`, `error`) and frees the socket. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ code, error: message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** The upgrade's URL and path parameters, or why it cannot be read (a client's malformed request). */
function matchUrl(reqUrl: string | undefined, endpoints: readonly CompiledEndpoint[]): { url: URL; endpoint?: CompiledEndpoint; params?: Record<string, string> } | { invalid: string } {
  let url: URL;
  try {
    url = new URL(reqUrl ?? '/', 'http://localhost');
  } catch {
    return { invalid: 'the request path is not a valid URL' };
  }
  for (const endpoint of endpoints) {
    const m = endpoint.regex.exec(url.pathname);
    if (!m) continue;
    try {
      return { url, endpoint, params: Object.fromEntries(endpoint.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    } catch {
      return { invalid: 'the request path has invalid percent-encoding (such as %ZZ)' };
    }
  }
  return { url };
}

/** The one upgrade router: every WebSocket endpoint shares the HTTP port; no extra ports. */
export class WsRouter {
  private readonly endpoints: CompiledEndpoint[] = [];
  /** One WebSocketServer per distinct maxPayload (ws applies the limit per server). */
  private readonly servers = new Map<number, WebSocketServer>();
  private readonly watch: WsAuthorisationWatch;
  private readonly corsOrigins: ReadonlySet<string>;

  constructor(
    private readonly tokens: TokenService,
    private readonly log: Logger,
    options: WsRouterOptions = {},
  ) {
    this.watch = new WsAuthorisationWatch(tokens, log, options.authorisationCheckMs ?? 500);
    this.corsOrigins = new Set(options.corsOrigins ?? []);
  }

  add(endpoint: WsEndpoint): void {
    const maxPayload = endpoint.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD;
    if (!Number.isSafeInteger(maxPayload) || maxPayload < 1) throw new Error(`WebSocket endpoint ${endpoint.path}: maxPayload must be a positive integer`);
    this.endpoints.push({ ...endpoint, ...compile(endpoint.path), maxPayload });
  }

  list(): ReadonlyArray<WsEndpoint & { maxPayload: number }> {
    return this.endpoints;
  }

  /** Every open WebSocket of every endpoint. */
  get clients(): WebSocket[] {
    return [...this.servers.values()].flatMap((s) => [...s.clients]);
  }

  private serverFor(maxPayload: number): WebSocketServer {
    let server = this.servers.get(maxPayload);
    if (!server) {
      server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload });
      this.servers.set(maxPayload, server);
    }
    return server;
  }

  /** Never throws: whatever goes wrong is logged and answered, and the socket freed. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that resets the connection mid-handshake must not raise an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    try {
      this.route(req, socket, head);
    } catch (err) {
      if (err instanceof URIError) return refuse(socket, 400, 'bad_request', 'the request has invalid percent-encoding');
      this.log.error({ err, remote: req.socket.remoteAddress }, 'WebSocket upgrade failed');
      refuse(socket, 500, 'internal', 'internal error; see the gateway log');
    }
  }

  private route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (refuseCrossSiteUpgrade(req, socket, this.corsOrigins)) return;
    const match = matchUrl(req.url, this.endpoints);
    if ('invalid' in match) return refuse(socket, 400, 'bad_request', match.invalid);
    const { url, endpoint, params } = match;
    if (!endpoint || !params) return refuse(socket, 404, 'not_found', `no WebSocket endpoint at ${url.pathname}`);
    const token = tokenFromRequest(req);
    const principal = token ? this.tokens.resolve(token) : undefined;
    if (endpoint.access !== 'public' && !principal) return refuse(socket, 401, 'unauthorized', 'a valid token is required (log in again)');
    if (!allows(principal, endpoint.access)) return refuse(socket, 403, 'forbidden', `this needs the ${endpoint.access} role`);
    const ctx: WsContext = { principal, params, query: url.searchParams, remote: req.socket.remoteAddress };
    const who: WsWho = { path: url.pathname, remote: ctx.remote, user: principal?.name };
    this.serverFor(endpoint.maxPayload).handleUpgrade(req, socket, head, (ws) => {
      let admit: (() => boolean) | undefined;
      const guarded = guardSocket(ws, who, this.log, () => admit?.() ?? true);
      if (token && principal && endpoint.access !== 'public') admit = this.watch.watch(guarded, token, principal, endpoint.access);
      try {
        endpoint.handle(ws, req, ctx);
      } catch (err) {
        this.log.error({ err, ...who }, 'WebSocket handler failed; closing that connection');
        guarded.close(1011, 'internal error; see the gateway log');
      }
    });
  }

  /** Closes every open WebSocket and stops checking their tokens. */
  async close(): Promise<void> {
    this.watch.stop();
    for (const client of this.clients) client.terminate();
    const servers = [...this.servers.values()];
    this.servers.clear(); // a later start gets fresh servers
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
