/**
 * The camera's HTTP side: SOAP endpoints of every ONVIF service, the PullPoint subscription
 * addresses and the snapshot JPEGs. Authentication: WS-UsernameToken in the SOAP header, or
 * HTTP Digest. Fault injection (slow answers, failing calls) is applied here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../../src/core/logger.js';
import type { Service } from '../../../src/core/lifecycle.js';
import { SERVICE_PATHS, type CameraContext } from '../context.js';
import type { DigestAuth } from '../digest-auth.js';
import { deviceOperations } from './device-service.js';
import { findOperation, type OperationTable, type ServiceName } from './dispatch.js';
import { faultBody, parseSoapRequest, SoapFault, soapEnvelope, type SoapRequest } from './envelope.js';
import { eventsOperations } from './events-service.js';
import { mediaOperations } from './media-service.js';
import { ptzOperations } from './ptz-service.js';
import { readUsernameToken, type UsernameTokenVerifier } from './security.js';

const TABLES: Record<ServiceName, OperationTable> = {
  device: deviceOperations,
  media: mediaOperations,
  ptz: ptzOperations,
  events: eventsOperations,
};

const MAX_BODY_BYTES = 1 << 20;

export interface SoapCallRecord {
  at: number;
  operation: string;
  service: ServiceName;
  /** 'ok', or the fault's first subcode (e.g. ter:NotAuthorized). */
  outcome: string;
}

/** Run-time behaviour the control API changes. */
export interface HttpFaults {
  delayMs: number;
  failNext: number;
  failFault: SoapFault;
}

export interface OnvifHttpServerDeps {
  ctx: CameraContext;
  host: string;
  port: number;
  tokens: UsernameTokenVerifier;
  digest: DigestAuth;
  faults: HttpFaults;
  snapshot: (profileToken: string) => Promise<Buffer>;
  log: Logger;
}

export class OnvifHttpServer implements Service {
  readonly name = 'onvif-http';
  /** The last calls (newest last), for tests that check what a client sent. */
  readonly calls: SoapCallRecord[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly deps: OnvifHttpServerDeps) {}

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private record(operation: string, service: ServiceName, outcome: string): void {
    this.calls.push({ at: Date.now(), operation, service, outcome });
    if (this.calls.length > 500) this.calls.splice(0, this.calls.length - 500);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (req.method === 'GET' && path.startsWith(SERVICE_PATHS.snapshot)) return await this.snapshot(req, res, path);
      const service = serviceFor(path, this.deps.ctx);
      if (!service) {
        if (this.deps.ctx.behaviours.htmlNotFound) return html(res, 404, '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
        return plain(res, 404, `no ONVIF service at ${path}`);
      }
      if (req.method !== 'POST') return plain(res, 405, 'SOAP requests use POST');
      const raw = await readBody(req);
      await this.soap(req, res, path, service, raw);
    } catch (err) {
      this.deps.log.warn({ err, path }, 'onvif http request failed');
      if (!res.headersSent) plain(res, 500, 'internal error');
    }
  }

  private async soap(req: IncomingMessage, res: ServerResponse, path: string, service: ServiceName, raw: string): Promise<void> {
    const { faults } = this.deps;
    let parsed: SoapRequest | undefined;
    const controller = new AbortController();
    res.once('close', () => controller.abort());
    try {
      parsed = parseSoapRequest(raw);
      const op = findOperation(parsed, service, TABLES, { noPtz: this.deps.ctx.behaviours.noPtz });
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
      if (!op.preAuth && !loginFree(this.deps.ctx, service, parsed.operation)) {
        const denied = this.authenticate(req, parsed);
        if (denied) {
          this.record(parsed.operation, service, 'ter:NotAuthorized');
          return this.sendFault(res, denied.fault, denied.challenge);
        }
      }
      if (faults.failNext > 0) {
        faults.failNext--;
        throw faults.failFault;
      }
      const result = await op.handle(parsed, this.deps.ctx, { path, signal: controller.signal });
      const { body, header } = typeof result === 'string' ? { body: result, header: '' } : { body: result.body, header: result.header ?? '' };
      this.record(parsed.operation, service, 'ok');
      send(res, 200, soapEnvelope(body, header));
    } catch (err) {
      const fault = err instanceof SoapFault ? err : new SoapFault('env:Receiver', ['ter:Action'], `internal error: ${String(err)}`);
      if (!(err instanceof SoapFault)) this.deps.log.error({ err }, 'SOAP handler failed');
      this.record(parsed?.operation ?? '(unparsed)', service, fault.subcodes[0] ?? fault.code);
      this.sendFault(res, fault);
    }
  }

  /** Undefined when the caller is authenticated, else the fault to answer with. */
  private authenticate(req: IncomingMessage, soap: SoapRequest): { fault: SoapFault; challenge?: string } | undefined {
    const authorization = req.headers.authorization;
    if (authorization) {
      if (this.deps.digest.verify('POST', authorization)) return undefined;
      return { fault: notAuthorized('HTTP digest credentials refused'), challenge: this.deps.digest.challenge() };
    }
    const token = readUsernameToken(soap.header);
    if (token) {
      const verdict = this.deps.tokens.verify(token);
      return verdict.ok ? undefined : { fault: notAuthorized(`Sender not authorized: ${verdict.reason}`) };
    }
    return { fault: notAuthorized('Sender not authorized: credentials required'), challenge: this.deps.digest.challenge() };
  }

  private sendFault(res: ServerResponse, fault: SoapFault, challenge?: string): void {
    if (res.headersSent || res.destroyed) return;
    if (challenge) res.setHeader('WWW-Authenticate', challenge);
    send(res, challenge ? 401 : fault.httpStatus, soapEnvelope(faultBody(fault)));
  }

  private async snapshot(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const token = path.slice(SERVICE_PATHS.snapshot.length).replace(/\.jpe?g$/, '');
    if (!this.deps.ctx.profiles.some((p) => p.token === token)) return plain(res, 404, `no profile ${token}`);
    if (!this.deps.digest.verify('GET', req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', this.deps.digest.challenge());
      return plain(res, 401, 'authentication required');
    }
    if (this.deps.faults.delayMs > 0) await new Promise((r) => setTimeout(r, this.deps.faults.delayMs));
    const jpeg = await this.deps.snapshot(token);
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length, 'Cache-Control': 'no-store' });
    res.end(jpeg);
  }
}

function notAuthorized(reason: string): SoapFault {
  return new SoapFault('env:Sender', ['ter:NotAuthorized'], reason);
}

/** The login-free-services behaviour: GetServices and GetCapabilities need no credentials. */
function loginFree(ctx: CameraContext, service: ServiceName, operation: string): boolean {
  return ctx.behaviours.loginFreeServices && service === 'device' && (operation === 'GetServices' || operation === 'GetCapabilities');
}

function serviceFor(path: string, ctx: CameraContext): ServiceName | undefined {
  if (path === SERVICE_PATHS.device) return 'device';
  if (path === SERVICE_PATHS.media) return 'media';
  if (path === SERVICE_PATHS.ptz) return ctx.behaviours.noPtz ? undefined : 'ptz';
  if (path === SERVICE_PATHS.events || path.startsWith(SERVICE_PATHS.subscription)) return 'events';
  return undefined;
}

function send(res: ServerResponse, status: number, xml: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

function html(res: ServerResponse, status: number, page: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(page);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
