/**
 * One RTSP 1.0 control connection (RFC 2326) over a raw TCP socket, as a client: requests one at
 * a time with CSeq, answers matched by CSeq, Digest (RFC 2617 MD5, with or without qop) or Basic
 * authentication answered once per challenge, TCP-interleaved frames written out and those the
 * camera sends skipped. Everything the camera sends is bounded: header block, body, time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Largest header block of one answer; a camera that sends more is cut off. */
export const RTSP_MAX_HEAD_BYTES = 16 * 1024;
/** Largest answer body (an SDP is a few hundred bytes). */
export const RTSP_MAX_BODY_BYTES = 64 * 1024;

export interface RtspResponse {
  status: number;
  reason: string;
  /** Lower-case names; repeated headers joined with "\n". */
  headers: Record<string, string>;
  body: string;
}

export type RtspFailure = 'timeout' | 'closed' | 'protocol' | 'unreachable' | 'auth';

export class RtspError extends Error {
  constructor(
    message: string,
    readonly failure: RtspFailure,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RtspError';
  }
}

export interface RtspConnectionOptions {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  /** Connect and each request's answer. */
  timeoutMs: number;
}

interface Pending {
  cseq: string;
  resolve: (r: RtspResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function authParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return params;
}

export class RtspConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private cseq = 0;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private digest: { realm: string; nonce: string; qop: string | undefined; opaque: string | undefined; nc: number } | undefined;
  private basic = false;
  private closedReason: string | undefined;
  private readonly closeListeners = new Set<(reason: string) => void>();
  /** Interleaved bytes the camera sent (RTCP receiver reports), skipped. */
  interleavedBytesIn = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly options: RtspConnectionOptions,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(`connection error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    socket.on('close', () => this.fail('the camera closed the connection'));
  }

  /** Opens the TCP connection (bounded by timeoutMs). */
  static open(options: RtspConnectionOptions): Promise<RtspConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RtspError(`no RTSP connection to ${options.host}:${options.port} within ${options.timeoutMs} ms`, 'timeout'));
      }, options.timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new RtspError(`RTSP connection to ${options.host}:${options.port} failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, 'unreachable'));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RtspConnection(socket, options));
      });
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Sends a request (after the previous one is answered); answers a 401 challenge once. */
  request(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = this.options.timeoutMs): Promise<RtspResponse> {
    const run = async (): Promise<RtspResponse> => {
      let reply = await this.send(method, url, headers, timeoutMs);
      if (reply.status === 401 && this.options.username !== undefined) {
        const hadAuth = this.digest !== undefined || this.basic;
        const challenge = reply.headers['www-authenticate'] ?? '';
        const stale = /stale\s*=\s*"?true/i.test(challenge);
        if (hadAuth && !stale) throw new RtspError(`the camera refused the user name or password for ${method}`, 'auth', 401);
        this.learnChallenge(challenge);
        reply = await this.send(method, url, headers, timeoutMs);
        if (reply.status === 401) throw new RtspError(`the camera refused the user name or password for ${method}`, 'auth', 401);
      }
      return reply;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Writes one interleaved frame ($, channel, 16-bit length, packet). False when the socket is gone. */
  writeInterleaved(channel: number, packet: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false;
    const head = Buffer.allocUnsafe(4);
    head[0] = 0x24;
    head[1] = channel & 0xff;
    head.writeUInt16BE(packet.length, 2);
    this.socket.write(Buffer.concat([head, packet]));
    return true;
  }

  /** Bytes written but not yet sent (a camera that stops reading). */
  get backlogBytes(): number {
    return this.socket.writableLength;
  }

  close(reason = 'closed by the gateway'): void {
    this.fail(reason);
  }

  private send(method: string, url: string, headers: Record<string, string>, timeoutMs: number): Promise<RtspResponse> {
    if (this.closedReason) return Promise.reject(new RtspError(this.closedReason, 'closed'));
    const cseq = String(++this.cseq);
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: community-gateway'];
    const auth = this.authorization(method, url);
    if (auth) lines.push(`Authorization: ${auth}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v.replace(/[\r\n]/g, ' ')}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new RtspError(`the camera did not answer ${method} within ${timeoutMs} ms`, 'timeout'));
        this.fail(`no answer to ${method}`);
      }, timeoutMs);
      this.pending = { cseq, resolve, reject, timer };
      this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  private learnChallenge(header: string): void {
    // Several WWW-Authenticate headers may come (Basic and Digest): prefer Digest.
    const digestLine = header.split('\n').find((h) => /^\s*Digest\s/i.test(h));
    if (digestLine) {
      const p = authParams(digestLine.replace(/^\s*Digest\s+/i, ''));
      const qop = p.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
      this.digest = { realm: p.realm ?? '', nonce: p.nonce ?? '', qop, opaque: p.opaque, nc: 0 };
      this.basic = false;
    } else if (/Basic/i.test(header)) {
      this.basic = true;
    } else {
      throw new RtspError('the camera asked for an authentication scheme other than Digest or Basic', 'auth', 401);
    }
  }

  private authorization(method: string, uri: string): string | undefined {
    const { username, password = '' } = this.options;
    if (username === undefined) return undefined;
    if (this.basic) return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const d = this.digest;
    if (!d) return undefined;
    const ha1 = md5(`${username}:${d.realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    let response: string;
    let extra = '';
    if (d.qop) {
      const nc = (++d.nc).toString(16).padStart(8, '0');
      const cnonce = randomBytes(8).toString('hex');
      response = md5(`${ha1}:${d.nonce}:${nc}:${cnonce}:${d.qop}:${ha2}`);
      extra = `, qop=${d.qop}, nc=${nc}, cnonce="${cnonce}"`;
    } else {
      response = md5(`${ha1}:${d.nonce}:${ha2}`);
    }
    const opaque = d.opaque !== undefined ? `, opaque="${d.opaque}"` : '';
    return `Digest username="${username}", realm="${d.realm}", nonce="${d.nonce}", uri="${uri}", response="${response}", algorithm=MD5${extra}${opaque}`;
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length > 0 && !this.closed) {
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4) return;
        const length = this.buffer.readUInt16BE(2);
        if (this.buffer.length < 4 + length) return;
        this.interleavedBytesIn += 4 + length;
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffer.length > RTSP_MAX_HEAD_BYTES) this.fail(`the camera sent more than ${RTSP_MAX_HEAD_BYTES} bytes without an RTSP header end`);
        return;
      }
      if (end > RTSP_MAX_HEAD_BYTES) return this.fail(`the camera sent an RTSP header block over ${RTSP_MAX_HEAD_BYTES} bytes`);
      const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        headers[name] = headers[name] !== undefined ? `${headers[name]}\n${value}` : value;
      }
      const length = Number(headers['content-length'] ?? 0);
      if (!Number.isInteger(length) || length < 0 || length > RTSP_MAX_BODY_BYTES) return this.fail(`the camera announced an RTSP body of ${headers['content-length']} bytes`);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      const status = /^RTSP\/1\.\d (\d{3})\s*(.*)$/.exec(lines[0]!);
      if (!status) {
        // A request from the camera (ANNOUNCE, GET_PARAMETER): not used by a backchannel; refuse it politely.
        if (/ RTSP\/1\.\d$/.test(lines[0]!)) this.socket.write(`RTSP/1.0 501 Not Implemented\r\nCSeq: ${headers.cseq ?? '0'}\r\n\r\n`);
        else return this.fail(`the camera sent something that is not RTSP: ${JSON.stringify(lines[0]!.slice(0, 60))}`);
        continue;
      }
      const pending = this.pending;
      if (!pending || headers.cseq !== pending.cseq) continue; // a late answer to a timed-out request
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve({ status: Number(status[1]), reason: status[2] ?? '', headers, body });
    }
  }

  private fail(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new RtspError(reason, 'closed'));
    }
    this.socket.destroy();
    this.buffer = Buffer.alloc(0);
    for (const l of this.closeListeners) l(reason);
    this.closeListeners.clear();
  }
}
