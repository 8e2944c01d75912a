import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { WsRouter } from './ws-router.js';

/** The gateway's single HTTP port: the JSON API, static pages and every WebSocket endpoint. */
export class HttpServer implements Service {
  readonly name = 'http';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly deps: { host: string; port: number; app: Express; ws: WsRouter; log: Logger },
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.deps.host.includes(':') ? `[${this.deps.host}]` : this.deps.host;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    const server = createServer(this.deps.app);
    this.server = server;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => this.deps.ws.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.deps.port;
    this.deps.log.info({ url: this.url }, 'HTTP server listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await this.deps.ws.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}
