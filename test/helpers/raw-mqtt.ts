import { connect, type Socket } from 'node:net';

/** MQTT remaining-length encoding (1-4 bytes). */
export function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** A complete MQTT 3.1.1 CONNECT (clean session, username and password). */
export function connectPacket(clientId: string, username: string, password: string): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0xc2, 0, 60]), str(clientId), str(username), str(password)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** The first bytes of a PUBLISH (QoS 1) announcing `payloadBytes` of payload: header, topic, message id. */
export function publishHead(topic: string, payloadBytes: number): Buffer {
  const variable = Buffer.concat([str(topic), Buffer.from([0, 1])]);
  return Buffer.concat([Buffer.from([0x32]), remainingLength(variable.length + payloadBytes), variable]);
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

export interface FloodResult {
  /** ms from the first byte until the gateway closed the connection (undefined: still open at the end). */
  closedAfterMs: number | undefined;
  sentBytes: number;
}

/**
 * Sends `head`, then zero bytes in 1 MiB chunks (waiting for drain) until the peer closes the
 * connection, `maxBytes` are sent or `maxMs` passed. `write` and `isClosed` abstract TCP and WebSocket.
 */
export async function flood(
  io: { write(chunk: Buffer): Promise<void>; closed: Promise<void> },
  head: Buffer,
  maxBytes: number,
  maxMs: number,
): Promise<FloodResult> {
  const started = Date.now();
  let closedAt: number | undefined;
  void io.closed.then(() => (closedAt = Date.now()));
  let sent = 0;
  const chunk = Buffer.alloc(1024 * 1024);
  await io.write(head).catch(() => {});
  while (closedAt === undefined && sent < maxBytes && Date.now() - started < maxMs) {
    const ok = await io.write(chunk).then(
      () => true,
      () => false,
    );
    if (!ok) break;
    sent += chunk.length;
  }
  const deadline = Date.now() + 2000;
  while (closedAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { closedAfterMs: closedAt === undefined ? undefined : closedAt - started, sentBytes: sent };
}

/** TCP socket as a flood target. */
export function tcpIo(socket: Socket): { write(chunk: Buffer): Promise<void>; closed: Promise<void> } {
  socket.on('error', () => {});
  return {
    write: (chunk) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed) return reject(new Error('closed'));
        socket.write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
}
