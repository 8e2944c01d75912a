import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { allows, type Access, type Principal } from '../auth/principal.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../core/logger.js';
import { tokenFromRequest } from './credentials.js';
import { refuseCrossSiteUpgrade } from './origin.js';

export interface WsContext {
  principal: Principal | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  remote: string | undefined;
}

/** One WebSocket endpoint on the gateway's HTTP port, with its declared role. */
export interface WsEndpoint {
  /** Path with `:name` parameters, e.g. `/api/cameras/:id/joystick`. */
  path: string;
  access: Access;
  summary: string;
  /** Handles an already-authorised socket. Errors close the socket with 1011. */
  handle(ws: WebSocket, req: IncomingMessage, ctx: WsContext): void;
  /** Raw upgrade handling (e.g. MQTT over WebSocket), instead of `handle`. */
  raw?: boolean;
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '/([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The one upgrade router: every WebSocket endpoint shares the HTTP port; no extra ports. */
export class WsRouter {
  private readonly endpoints: Array<WsEndpoint & { regex: RegExp; names: string[] }> = [];
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });

  constructor(
    private readonly tokens: TokenService,
    private readonly log: Logger,
  ) {}

  add(endpoint: WsEndpoint): void {
    this.endpoints.push({ ...endpoint, ...compile(endpoint.path) });
  }

  list(): readonly WsEndpoint[] {
    return this.endpoints;
  }

  /** The WebSocket server (for endpoints that accept raw streams such as MQTT). */
  get server(): WebSocketServer {
    return this.wss;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (refuseCrossSiteUpgrade(this, req, socket)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    let params: Record<string, string> | undefined;
    const endpoint = this.endpoints.find((e) => {
      const m = e.regex.exec(url.pathname);
      if (!m) return false;
      params = Object.fromEntries(e.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return true;
    });
    if (!endpoint || !params) return refuse(socket, 404, `no WebSocket endpoint at ${url.pathname}`);
    const token = tokenFromRequest(req);
    const principal = token ? this.tokens.resolve(token) : undefined;
    if (endpoint.access !== 'public' && !principal) return refuse(socket, 401, 'a valid token is required (log in again)');
    if (!allows(principal, endpoint.access)) return refuse(socket, 403, `this needs the ${endpoint.access} role`);
    const ctx: WsContext = { principal, params, query: url.searchParams, remote: req.socket.remoteAddress };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        endpoint.handle(ws, req, ctx);
      } catch (err) {
        this.log.error({ err, path: url.pathname }, 'WebSocket handler failed');
        ws.close(1011, 'internal error');
      }
    });
  }

  /** Closes every open WebSocket. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
