/**
 * A typed, promise-based face of the npm `onvif` client (0.8.x, CommonJS, callback API): one
 * `Cam` per camera over a keep-alive agent whose sockets we track, so that close() ends every
 * request at once (including a PullMessages long poll) and no socket outlives the driver.
 */
import { Agent, type ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

const require = createRequire(import.meta.url);

type Callback = (err: Error | null, result?: unknown, xml?: string) => void;

/** The parts of the `onvif` Cam object this driver uses. */
export interface RawCam {
  connect(cb: Callback): void;
  profiles?: RawProfile[];
  defaultProfile?: RawProfile;
  activeSource?: { profileToken: string };
  uri?: Record<string, { href?: string; path?: string } | undefined>;
  timeShift?: number;
  _request(options: { service?: string; body: string; url?: unknown; replyTimeout?: number; action?: string }, cb: Callback): void;
  _requestPart2(options: unknown, cb: Callback): void;
  _envelopeHeader(openHeader?: boolean): string;
  _envelopeFooter(): string;
  on(event: 'rawRequest', listener: (body: string) => void): void;
  removeAllListeners(event?: string): void;
  [method: string]: unknown;
}

export interface RawProfile {
  $: { token: string };
  name?: string;
  videoEncoderConfiguration?: {
    encoding?: string;
    resolution?: { width?: number; height?: number };
    rateControl?: { frameRateLimit?: number };
  };
  PTZConfiguration?: { $?: { token?: string }; nodeToken?: string };
}

const { Cam } = require('onvif') as { Cam: new (opts: Record<string, unknown>) => RawCam };

export interface OnvifClientOptions {
  host: string;
  port: number;
  path?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Per-request socket timeout, ms. */
  timeoutMs: number;
}

/** An error from the wire or from a SOAP fault, with the fault's subcodes when there are any. */
export class OnvifCallError extends Error {
  constructor(
    message: string,
    readonly operation: string,
    readonly network: boolean,
    readonly code?: string,
    /** SOAP fault subcodes (e.g. ter:ActionNotSupported), outermost first. */
    readonly faults: readonly string[] = [],
  ) {
    super(message);
    this.name = 'OnvifCallError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

export class OnvifClient {
  readonly cam: RawCam;
  private readonly agent: Agent;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(readonly options: OnvifClientOptions) {
    const sockets = this.sockets;
    this.agent = new (class extends Agent {
      override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
        const socket = super.createConnection(...args) as Socket;
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        return socket;
      }
    })({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 4 });
    this.cam = new Cam({
      hostname: options.host,
      port: options.port,
      path: options.path ?? '/onvif/device_service',
      username: options.username,
      password: options.password,
      timeout: options.timeoutMs,
      autoconnect: false,
      agent: this.agent,
    });
    // Requests to an explicit URL (PullMessages, Renew, Unsubscribe at the subscription address)
    // bypass the client's agent and would use Node's global one: route them through ours too.
    const original = this.cam._requestPart2.bind(this.cam);
    this.cam._requestPart2 = (options: unknown, cb: Callback) => {
      const o = options as { url?: Record<string, unknown> };
      if (o.url && !o.url.agent) o.url = { ...o.url, agent: this.agent };
      original(options, cb);
    };
  }

  /** GetSystemDateAndTime (clock offset), GetServices, GetProfiles, GetVideoSources. */
  connect(): Promise<void> {
    return this.invoke('connect', (cb) => this.cam.connect(cb)).then(() => undefined);
  }

  /** Calls a method of the `onvif` Cam by name with its options argument. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    const fn = this.cam[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`onvif client has no method ${method}`));
    return this.invoke(method, (cb) => (fn as (...a: unknown[]) => void).call(this.cam, ...args, cb)) as Promise<T>;
  }

  /** Sends a hand-built SOAP body (inside the client's envelope, with its WS-Security header). */
  request(service: string, action: string, bodyXml: string): Promise<unknown> {
    return this.invoke(action, (cb) =>
      this.cam._request({ service, action, body: this.cam._envelopeHeader() + bodyXml + this.cam._envelopeFooter() }, cb),
    );
  }

  /** Called synchronously just before the bytes of every SOAP request are written. */
  onRequestWritten(listener: (body: string) => void): void {
    this.cam.on('rawRequest', listener);
  }

  get clientRequestsOpen(): number {
    return this.sockets.size;
  }

  /** Ends every request and socket; later calls fail at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cam.removeAllListeners();
    this.cam._requestPart2 = (_o: unknown, cb: Callback) => cb(new OnvifCallError('camera connection closed', 'closed', true, 'ECLOSED'));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.agent.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private invoke(operation: string, start: (cb: Callback) => void): Promise<unknown> {
    if (this.closed) return Promise.reject(new OnvifCallError('camera connection closed', operation, true, 'ECLOSED'));
    return new Promise((resolve, reject) => {
      let done = false;
      const cb: Callback = (err, result, xml) => {
        if (done) return;
        done = true;
        if (err) reject(toCallError(err, operation, xml));
        else resolve(result);
      };
      try {
        start(cb);
      } catch (err) {
        cb(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }
}

export function toCallError(err: Error, operation: string, xml?: string): OnvifCallError {
  if (err instanceof OnvifCallError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const network = (code !== undefined && NETWORK_CODES.has(code)) || /Network timeout|socket hang up/i.test(err.message);
  const faults = [...(typeof xml === 'string' ? xml : '').matchAll(/>\s*((?:ter|tt|env):[A-Za-z]+)\s*</g)].map((m) => m[1]!).filter((c) => c.startsWith('ter:'));
  const message = err.message.replace(/^ONVIF SOAP Fault: /, '');
  return new OnvifCallError(message, operation, network, code ?? faults[faults.length - 1], faults);
}

export type { ClientRequest };
