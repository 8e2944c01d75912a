/**
 * The HTTP leg of every SOAP call the `onvif` client makes, replacing its own: a camera's answer
 * is bounded in size (a 600 MB answer must not reach a string) and in total time (a camera that
 * trickles one byte a second must not hold a call past its deadline, whatever the socket's idle
 * timeout), an HTTP error status that carries no SOAP envelope is reported as that status, and
 * HTTP Digest is answered as the camera asks. Every request goes through the client's agent.
 */
import { request, type Agent, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const utils = require('onvif/lib/utils.js') as {
  parseSOAPString(xml: string, cb: SoapCallback, statusCode?: number): void;
  getDigestHeaders(rawHeaders: string[]): string[];
};

export type SoapCallback = (err: Error | null, result?: unknown, xml?: string, statusCode?: number) => void;

export interface SoapLimits {
  /** Largest answer accepted, bytes. */
  maxBytes: number;
  /** Total time for one call (connect, digest round trip, whole answer), ms. */
  deadlineMs: number;
}

export const DEFAULT_SOAP_MAX_BYTES = 4 * 1024 * 1024;

/** What the client's `_requestPart2` receives. */
interface Part2Options {
  headers?: Record<string, string | number>;
  action?: string;
  service?: string;
  body: string;
  url?: { hostname?: string | null; port?: string | number | null; path?: string | null; href?: string };
  replyTimeout?: number;
  /** Set on the first leg, kept over the digest retry. */
  deadlineAt?: number;
}

/** The parts of the `onvif` Cam this transport needs. */
export interface TransportCam {
  hostname: string;
  port: number;
  path: string;
  timeout: number;
  uri?: Record<string, { path?: string } | undefined>;
  digestAuth(challenges: string[], reqOptions: unknown): string;
  emit(event: string, ...args: unknown[]): boolean;
}

/** An answer that is not SOAP at all: the camera's HTTP status says what went wrong. */
export class CameraHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CameraHttpError';
  }
}

export class AnswerTooLargeError extends Error {
  readonly code = 'ETOOLARGE';
  constructor(maxBytes: number) {
    super(`the camera's answer is larger than ${formatBytes(maxBytes)}`);
    this.name = 'AnswerTooLargeError';
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

function deadlineError(ms: number): Error {
  return Object.assign(new Error(`Network timeout: no complete answer within ${ms} ms`), { code: 'ETIMEDOUT' });
}

const SOAP_ENVELOPE = /<(?:[\w.-]+:)?Envelope[\s>/]/;

export function boundedRequestPart2(cam: TransportCam, agent: Agent, limits: SoapLimits): (options: Part2Options, cb: SoapCallback) => void {
  const part2 = (options: Part2Options, callback: SoapCallback): void => {
    // A long poll (PullMessages) asks for a longer reply time: its deadline grows by as much.
    const budget = options.replyTimeout ? Math.max(limits.deadlineMs, options.replyTimeout + limits.deadlineMs) : limits.deadlineMs;
    options.deadlineAt ??= Date.now() + budget;
    const remaining = Math.max(1, options.deadlineAt - Date.now());
    const target = options.url
      ? { hostname: options.url.hostname ?? cam.hostname, port: options.url.port ?? cam.port, path: options.url.path ?? '/' }
      : { hostname: cam.hostname, port: cam.port, path: options.service ? (cam.uri?.[options.service]?.path ?? options.service) : cam.path };
    const headers: Record<string, string | number> = {
      ...options.headers,
      'Content-Type': `application/soap+xml;charset=utf-8;action="${options.action ?? ''}"`,
      'Content-Length': Buffer.byteLength(options.body, 'utf8'),
    };
    const reqOptions = { ...target, method: 'POST', agent, headers };
    let done = false;
    const finish = (err: Error | null, result?: unknown, xml?: string, status?: number): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      callback(err, result, xml, status);
    };
    const deadline = setTimeout(() => {
      finish(deadlineError(budget));
      req.destroy();
    }, remaining);
    const req = request(reqOptions, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status === 401 && options.headers?.Authorization !== undefined) {
        res.destroy();
        return finish(new Error(`Digest authentication failed ${status}`));
      }
      const challenges = status === 401 ? utils.getDigestHeaders(res.rawHeaders) : [];
      if (status === 401 && challenges.length > 0) {
        res.destroy();
        let authorization: string;
        try {
          authorization = cam.digestAuth(challenges, reqOptions);
        } catch (err) {
          return finish(err as Error);
        }
        done = true;
        clearTimeout(deadline);
        return part2({ ...options, headers: { ...options.headers, Authorization: authorization } }, callback);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limits.maxBytes) {
          finish(new AnswerTooLargeError(limits.maxBytes));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(err));
      res.on('end', () => {
        if (done) return;
        const xml = Buffer.concat(chunks, size).toString('utf8');
        cam.emit('rawResponse', xml, status);
        if (status >= 300 && !SOAP_ENVELOPE.test(xml)) {
          return finish(new CameraHttpError(`the camera answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} at ${target.path}`, status), undefined, xml, status);
        }
        utils.parseSOAPString(xml, (err, result, x, s) => finish(err, result, x, s), status);
      });
    });
    req.setTimeout(options.replyTimeout ?? cam.timeout, () => {
      finish(new Error('Network timeout'));
      req.destroy();
    });
    req.on('error', (err) => finish(err));
    cam.emit('rawRequest', options.body);
    req.end(options.body);
  };
  return part2;
}
