/** WebSocket and raw-upgrade clients for tests against a gateway on 127.0.0.1. */
import { connect } from 'node:net';
import WebSocket from 'ws';

export interface TestSocket {
  ws: WebSocket;
  /** Text messages received, parsed as JSON where they are JSON. */
  messages: unknown[];
  /** Resolves when the socket is open (rejects when the upgrade is refused). */
  opened: Promise<void>;
  /** Resolves with the close code and reason, and when (Date.now()) the close arrived. */
  closed: Promise<{ code: number; reason: string; at: number }>;
}

/** Opens a WebSocket (`path` with its query) on the gateway at `httpUrl`. */
export function openSocket(httpUrl: string, path: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): TestSocket {
  const { protocols, ...rest } = options;
  const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}${path}`, protocols ?? [], rest);
  const messages: unknown[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = String(data);
    try {
      messages.push(JSON.parse(text));
    } catch {
      messages.push(text);
    }
  });
  // Errors on the client side (the server closed mid-send) are expected in these tests.
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason), at: Date.now() })));
  return { ws, messages, opened, closed };
}

/** Sends a raw upgrade request and returns the HTTP status line's code and the body. */
export function rawUpgrade(httpUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(httpUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to the upgrade of ${path} within 3 s`));
    }, 3000);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!match) return reject(new Error(`no HTTP answer to the upgrade of ${path}: ${JSON.stringify(text.slice(0, 200))}`));
      resolve({ status: Number(match[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
}
