import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { WsRouter } from './ws-router.js';

/** Where the HTTP server gets its TLS key and certificate (the gateway's certificate service). */
export interface TlsSource {
  current(): { key: string; cert: string } | undefined;
  onChange(listener: (material: { key: string; cert: string }) => void): () => void;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  app: Express;
  ws: WsRouter;
  log: Logger;
  /** HTTPS on the same port; plain HTTP there is redirected (or served, with redirectHttp false). */
  tls?: { source: TlsSource; redirectHttp: boolean };
}

/** Paths plain HTTP still serves while HTTPS is on: a phone fetches the CA before it trusts it; health checks. */
const PLAIN_HTTP_PATHS = new Set(['/api/tls/ca.crt', '/healthz']);
/** First byte of a TLS record carrying a handshake. */
const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing this long is closed before it is told apart. */
const FIRST_BYTE_TIMEOUT_MS = 10_000;

/** The gateway's single HTTP port: the JSON API, static pages and every WebSocket endpoint. */
export class HttpServer implements Service {
  readonly name = 'http';
  private server: Server | undefined;
  private secure: HttpsServer | undefined;
  private front: NetServer | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly deps: HttpServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.deps.host.includes(':') ? `[${this.deps.host}]` : this.deps.host;
    return `${this.deps.tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const { tls } = this.deps;
    const material = tls?.source.current();
    if (tls && !material) throw new Error('HTTPS is on but no certificate is available');
    const plain = createServer(tls?.redirectHttp ? (req, res) => this.plainHttp(req, res) : this.deps.app);
    this.server = plain;
    let listener: Server | NetServer = plain;
    if (tls && material) {
      const secure = createHttpsServer({ key: material.key, cert: material.cert }, this.deps.app);
      this.secure = secure;
      this.unsubscribe = tls.source.onChange((next) => secure.setSecureContext({ key: next.key, cert: next.cert }));
      secure.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.deps.ws.upgrade(req, socket, head));
      secure.on('tlsClientError', (err, socket) => {
        this.deps.log.debug({ err: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
        socket.destroy();
      });
      // One port for both: the first byte tells a TLS handshake from plain HTTP.
      listener = this.front = createNetServer((socket) => this.dispatch(socket, plain, secure));
    } else {
      plain.on('connection', (socket: Socket) => this.track(socket));
    }
    if (!tls || !tls.redirectHttp) plain.on('upgrade', (req, socket, head) => this.deps.ws.upgrade(req, socket, head));
    else plain.on('upgrade', (_req, socket: Duplex) => socket.end('HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nUse HTTPS (wss://).'));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.deps.port, this.deps.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    const address = listener.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.deps.port;
    this.deps.log.info({ url: this.url }, tls ? 'HTTPS server listening (plain HTTP on the same port is redirected)' : 'HTTP server listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    const secure = this.secure;
    const front = this.front;
    this.server = this.secure = this.front = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!server) return;
    await this.deps.ws.close();
    const listener: Server | NetServer = front ?? server;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    // The inner servers of a shared port never listened: closing them only ends their idle timers.
    if (front) {
      server.closeAllConnections();
      secure?.closeAllConnections?.();
    }
    await closed;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private dispatch(socket: Socket, plain: Server, secure: HttpsServer): void {
    this.track(socket);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  }

  /** Plain HTTP while HTTPS is on: the CA download and health check are served, all else redirected. */
  private plainHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && PLAIN_HTTP_PATHS.has(path)) {
      this.deps.app(req, res);
      return;
    }
    const host = req.headers.host;
    if (!host || !/^[A-Za-z0-9.\-:[\]]{1,300}$/.test(host)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'https_required', error: 'This gateway answers only over HTTPS; open it with https://' }));
      return;
    }
    const target = `https://${host}${req.url?.startsWith('/') ? req.url : '/'}`;
    res.writeHead(308, { location: target, 'content-type': 'text/plain; charset=utf-8' }).end(`This gateway answers over HTTPS: ${target}\n`);
  }
}
