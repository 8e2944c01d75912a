/**
 * A typed, promise-based face of the npm `onvif` client (0.8.x, CommonJS, callback API): one
 * `Cam` per camera over a keep-alive agent whose sockets we track, so that close() ends every
 * request at once (including a PullMessages long poll) and no socket outlives the driver.
 */
import { randomUUID } from 'node:crypto';
import { Agent, type ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { AnswerTooLargeError, boundedRequestPart2, CameraHttpError, DEFAULT_SOAP_MAX_BYTES, type TransportCam } from './soap-transport.js';

const require = createRequire(import.meta.url);

type Callback = (err: Error | null, result?: unknown, xml?: string, statusCode?: number) => void;

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
  emit(event: string, ...args: unknown[]): boolean;
  events?: { subscription?: { subscriptionReference?: { address?: { href?: string; hostname?: string; port?: string; path?: string } } } };
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
  /** Per-request socket timeout, ms; also the total deadline of a call unless deadlineMs says otherwise. */
  timeoutMs: number;
  /** Total time one call may take (connect, digest retry, whole answer), ms. Default timeoutMs. */
  deadlineMs?: number | undefined;
  /** Largest SOAP answer accepted, bytes. Default 4 MiB. */
  maxAnswerBytes?: number | undefined;
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

/** Requests in a row that connect() makes at the most (clock, services, capabilities, profiles, sources, retries). */
const CONNECT_STEPS = 8;
/** Time a call may take beyond its requests' deadlines (parsing an answer, the library's own steps). */
const CALL_GUARD_MARGIN_MS = 2000;

export class OnvifClient {
  readonly cam: RawCam;
  private readonly agent: Agent;
  private readonly sockets = new Set<Socket>();
  private closed = false;
  /** Total time of one request of a call (the transport's deadline). */
  private readonly callDeadlineMs: number;
  private lastWireError: Error | undefined;

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
    this.callDeadlineMs = options.deadlineMs ?? options.timeoutMs;
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
    // Every request (also those to an explicit URL: the subscription address) goes through our
    // agent, bounded in size and total time.
    const part2 = boundedRequestPart2(this.cam as unknown as TransportCam, this.agent, {
      maxBytes: options.maxAnswerBytes ?? DEFAULT_SOAP_MAX_BYTES,
      deadlineMs: options.deadlineMs ?? options.timeoutMs,
    });
    // The client sometimes loses a wire error and fails later on the missing answer (a
    // TypeError): keep the last one, so that the caller hears what really happened.
    this.cam._requestPart2 = ((o: Parameters<typeof part2>[0], cb: Callback) =>
      part2(o, (err, ...rest) => {
        if (err) this.lastWireError = err;
        cb(err, ...rest);
      })) as RawCam['_requestPart2'];
  }

  /** The current PullPoint subscription's address (after createPullPointSubscription), if any. */
  get subscriptionAddress(): string | undefined {
    return this.cam.events?.subscription?.subscriptionReference?.address?.href;
  }

  /** Forgets the current subscription (after Unsubscribe, or when it is abandoned). */
  forgetSubscription(): void {
    if (this.cam.events) delete this.cam.events.subscription;
  }

  /**
   * A request to the subscription address with full WS-Addressing (MessageID, Action, To):
   * strict cameras refuse Renew, PullMessages and Unsubscribe without them.
   */
  subscriptionRequest(action: string, bodyXml: string, replyTimeoutMs?: number): Promise<unknown> {
    const address = this.cam.events?.subscription?.subscriptionReference?.address;
    if (!address?.href) return Promise.reject(new OnvifCallError('no event subscription', action, false, 'ENOSUBSCRIPTION'));
    const href = address.href;
    return this.invoke(
      action.split('/').pop() ?? action,
      (cb) =>
      this.cam._request(
        {
          url: address,
          action,
          ...(replyTimeoutMs !== undefined ? { replyTimeout: replyTimeoutMs } : {}),
          body:
            this.cam._envelopeHeader(true) +
            `<a:MessageID>urn:uuid:${randomUUID()}</a:MessageID><a:Action s:mustUnderstand="1">${xmlText(action)}</a:Action><a:To s:mustUnderstand="1">${xmlText(href)}</a:To>` +
            '</s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
            bodyXml +
            this.cam._envelopeFooter(),
        },
        cb,
      ),
      replyTimeoutMs,
    );
  }

  /** GetSystemDateAndTime (clock offset), GetServices, GetProfiles, GetVideoSources. */
  connect(): Promise<void> {
    // connect is several requests in a row (clock, services, profiles, sources, nodes)
    return this.invoke('connect', (cb) => this.cam.connect(cb), CONNECT_STEPS * this.callDeadlineMs).then(() => undefined);
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

  /**
   * Runs one library call. Whatever the library does with a hostile answer (a parse that never
   * calls back), the call settles: past its guard time it fails as a timeout.
   */
  private invoke(operation: string, start: (cb: Callback) => void, replyTimeoutMs?: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new OnvifCallError('camera connection closed', operation, true, 'ECLOSED'));
    this.lastWireError = undefined;
    // Each request of a call has its own deadline; a call may retry once (digest) and parse after.
    const guardMs = (replyTimeoutMs ?? this.callDeadlineMs) * 2 + CALL_GUARD_MARGIN_MS;
    return new Promise((resolve, reject) => {
      let done = false;
      const guard = setTimeout(() => cb(new OnvifCallError(`the camera did not complete ${operation} within ${Math.round(guardMs / 1000)} s`, operation, true, 'ETIMEDOUT')), guardMs);
      guard.unref();
      const cb: Callback = (err, result, xml) => {
        if (done) return;
        done = true;
        clearTimeout(guard);
        if (err instanceof TypeError && this.lastWireError) err = this.lastWireError;
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
  if (err instanceof CameraHttpError) {
    // 401/403 without a SOAP fault: the credentials were refused all the same.
    const refused = err.status === 401 || err.status === 403;
    return new OnvifCallError(refused ? `${err.message}: not authorized` : err.message, operation, false, `HTTP_${err.status}`, refused ? ['ter:NotAuthorized'] : []);
  }
  if (err instanceof AnswerTooLargeError) return new OnvifCallError(err.message, operation, false, err.code);
  const code = (err as NodeJS.ErrnoException).code;
  const network = (code !== undefined && NETWORK_CODES.has(code)) || /Network timeout|socket hang up/i.test(err.message);
  const text = typeof xml === 'string' ? xml.slice(0, 64 * 1024) : '';
  const faults = [...text.matchAll(/>\s*((?:ter|tt|env):[A-Za-z]+)\s*</g)].map((m) => m[1]!).filter((c) => c.startsWith('ter:'));
  const isFault = err.message.startsWith('ONVIF SOAP Fault: ');
  const message = (isFault && faultText(text)) || err.message.replace(/^ONVIF SOAP Fault: /, '');
  return new OnvifCallError(message, operation, network, code ?? faults[faults.length - 1], faults);
}

/** A SOAP fault's Reason and Detail texts, joined with ": " (the client glues them together). */
export function faultText(xml: string): string | undefined {
  const texts = (element: string): string[] => {
    const m = new RegExp(`<(?:[\\w.-]+:)?${element}\\b[^>]*>([\\s\\S]*?)</(?:[\\w.-]+:)?${element}>`).exec(xml);
    if (!m) return [];
    const inner = m[1]!;
    const parts = [...inner.matchAll(/<(?:[\w.-]+:)?Text\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?Text>/g)].map((t) => t[1]!);
    return (parts.length ? parts : [inner.replace(/<[^>]*>/g, ' ')]).map((t) => decodeXml(t).replace(/\s+/g, ' ').trim()).filter(Boolean);
  };
  const all = [...texts('Reason'), ...texts('Detail')];
  return all.length ? [...new Set(all)].join(': ') : undefined;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}

function xmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export type { ClientRequest };
