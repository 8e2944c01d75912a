/**
 * A hostile ONVIF camera: a real HTTP server the gateway is configured with. By default it passes
 * every request on to a simulated camera (so the gateway connects, polls, moves and subscribes as
 * with a real one), rewriting the simulator's addresses to its own. When an answer is armed, the
 * next matching requests get that answer instead: malformed or huge XML, faults, garbage bytes,
 * an answer trickled byte by byte, a cut connection, or no answer at all.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type HostileAnswer =
  /** A whole answer at once (prefix: bytes before the body, e.g. garbage before `<?xml`). */
  | { kind: 'body'; status: number; contentType: string; prefix: Uint8Array; body: string }
  /** The camera's real answer, changed (truncated, numbers or texts replaced, ...). */
  | { kind: 'mutate'; mutation: Mutation }
  /** `mb` MiB of XML (`shape`: many elements, one long text, one long attribute). */
  | { kind: 'huge'; mb: number; shape: 'elements' | 'text' | 'attribute' }
  /** The body one byte every `intervalMs`: never idle long enough for a socket timeout. */
  | { kind: 'trickle'; intervalMs: number; body: string }
  /** The first `at` bytes, then the connection is destroyed. */
  | { kind: 'cut'; at: number; body: string }
  /** Headers never come; the connection stays open. */
  | { kind: 'silent' };

export type Mutation =
  | { op: 'truncate'; fraction: number }
  | { op: 'numbers'; value: string }
  | { op: 'texts'; value: string }
  | { op: 'tokens'; value: string }
  | { op: 'namespaces'; uri: string }
  | { op: 'strip-closing' }
  | { op: 'prefix'; garbage: string };

/** Applies a mutation to a real answer of the simulated camera. */
export function mutate(real: string, m: Mutation): string {
  switch (m.op) {
    case 'truncate':
      return real.slice(0, Math.floor(real.length * m.fraction));
    case 'numbers':
      return real.replace(/>-?\d+(\.\d+)?</g, `>${m.value}<`).replace(/="-?\d+(\.\d+)?"/g, `="${m.value}"`);
    case 'texts':
      return real.replace(/>([^<]+)</g, `>${m.value}<`);
    case 'tokens':
      return real.replace(/token="[^"]*"/g, `token="${m.value}"`);
    case 'namespaces':
      return real.replace(/xmlns(:[\w-]+)?="[^"]*"/g, (_, p: string | undefined) => `xmlns${p ?? ''}="${m.uri}"`);
    case 'strip-closing':
      return real.replace(/<\/[^>]+>/g, '');
    case 'prefix':
      return m.garbage + real;
  }
}

export interface ArmedAnswer {
  answer: HostileAnswer;
  /** SOAP action (Body's first element, e.g. GetProfiles) or `GET` for snapshots; `any`: the next request. */
  action: string;
  /** How many matching requests get it. */
  count: number;
}

interface Served {
  action: string;
  /** Resolves when the answer is written, or the gateway closed the connection first. */
  settled: Promise<'done' | 'closed-by-gateway'>;
  res: ServerResponse;
}

function soapAction(body: string, method: string): string {
  if (method === 'GET') return 'GET';
  return /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/.exec(body)?.[1] ?? 'unknown';
}

export class HostileCamera {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private armed: ArmedAnswer | undefined;
  private served: Served[] = [];
  /** Every action seen, with how many times (for coverage in reports). */
  readonly actions = new Map<string, number>();
  port = 0;

  constructor(private readonly upstream: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
  }

  /** The next `count` requests matching `action` get `answer`. */
  arm(armed: ArmedAnswer): void {
    this.armed = { ...armed };
    this.served = [];
  }

  /** Whether the armed answers have all been handed out. */
  get consumed(): boolean {
    return !this.armed || this.armed.count <= 0;
  }

  /** The answers handed out since the last arm(). */
  get servedSinceArm(): readonly Served[] {
    return this.served;
  }

  disarm(): void {
    this.armed = undefined;
  }

  /** Ends whatever is still being answered (a trickle, a silent answer). */
  abortServed(): void {
    for (const s of this.served) s.res.destroy();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = soapAction(body.toString('utf8', 0, 4096), req.method ?? 'POST');
      this.actions.set(action, (this.actions.get(action) ?? 0) + 1);
      const armed = this.armed;
      if (armed && armed.count > 0 && (armed.action === 'any' || armed.action === action)) {
        armed.count--;
        const settled = new Promise<'done' | 'closed-by-gateway'>((resolve) => {
          res.once('finish', () => resolve('done'));
          res.once('close', () => resolve(res.writableFinished ? 'done' : 'closed-by-gateway'));
        });
        this.served.push({ action, settled, res });
        if (armed.answer.kind === 'mutate') this.forward(req, body, res, armed.answer.mutation);
        else this.answer(armed.answer, res);
        return;
      }
      this.forward(req, body, res);
    });
  }

  private rewrite(text: string): string {
    return text.split(`${this.upstream.host}:${this.upstream.port}`).join(`127.0.0.1:${this.port}`);
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, mutation?: Mutation): void {
    const headers = { ...req.headers, host: `${this.upstream.host}:${this.upstream.port}`, 'content-length': String(body.length) };
    const up = request({ host: this.upstream.host, port: this.upstream.port, method: req.method, path: req.url, headers, agent: false }, (upRes) => {
      const parts: Buffer[] = [];
      upRes.on('data', (c: Buffer) => parts.push(c));
      upRes.on('end', () => {
        let out = Buffer.concat(parts);
        const type = String(upRes.headers['content-type'] ?? '');
        if (/xml|text/.test(type)) out = Buffer.from(this.rewrite(out.toString('utf8')));
        if (mutation) out = Buffer.from(mutate(out.toString('utf8'), mutation));
        const h = { ...upRes.headers, 'content-length': String(out.length) };
        delete h['transfer-encoding'];
        if (!res.destroyed) res.writeHead(upRes.statusCode ?? 502, h).end(out);
      });
      upRes.on('error', () => res.destroy());
    });
    up.on('error', () => res.destroy());
    up.end(body);
  }

  private answer(a: Exclude<HostileAnswer, { kind: 'mutate' }>, res: ServerResponse): void {
    res.on('error', () => {});
    switch (a.kind) {
      case 'body': {
        const payload = Buffer.concat([Buffer.from(a.prefix), Buffer.from(a.body)]);
        res.writeHead(a.status, { 'content-type': a.contentType, 'content-length': String(payload.length) }).end(payload);
        return;
      }
      case 'huge':
        return this.huge(a, res);
      case 'trickle': {
        const bytes = Buffer.from(a.body);
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': String(bytes.length) });
        let i = 0;
        const next = () => {
          if (res.destroyed) return;
          if (i >= bytes.length) return void res.end();
          res.write(bytes.subarray(i, ++i));
          this.later(next, a.intervalMs);
        };
        next();
        return;
      }
      case 'cut': {
        const bytes = Buffer.from(a.body);
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': String(bytes.length + 100) });
        res.write(bytes.subarray(0, Math.min(a.at, bytes.length)), () => res.destroy());
        return;
      }
      case 'silent':
        return;
    }
  }

  private huge(a: { mb: number; shape: 'elements' | 'text' | 'attribute' }, res: ServerResponse): void {
    const head = '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body><tt:Answer';
    const open = a.shape === 'attribute' ? `${head} note="` : `${head}>`;
    const close = a.shape === 'attribute' ? '"/></s:Body></s:Envelope>' : '</tt:Answer></s:Body></s:Envelope>';
    const unit = a.shape === 'elements' ? '<tt:Item token="x">1</tt:Item>' : 'A';
    const chunk = Buffer.from(unit.repeat(Math.ceil((1024 * 1024) / unit.length)).slice(0, 1024 * 1024));
    const total = a.mb;
    res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': String(open.length + close.length + chunk.length * total) });
    res.write(open);
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end(close);
    };
    pump();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
