/**
 * A hostile or broken camera, played by a real node HTTP server: a SOAP answer of hundreds of MB,
 * an answer trickled one byte at a time, an HTML "snapshot", a snapshot and a stream on another
 * host. Every call fails within its deadline with a clear error; memory stays bounded; the
 * password never goes to another host; the gateway serves only real images, typed by their bytes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnvifCameraDriver } from '../../devices/onvif-camera/driver.js';
import { sniffImageType } from '../../devices/onvif-camera/image-type.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { cameraEntry, fastCameraConfig, waitOnline } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function listen(handler: Handler): Promise<{ server: Server; port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

const TIMEOUT_MS = 1500;

function driverFor(port: number): OnvifCameraDriver {
  return new OnvifCameraDriver({ label: 'hostile', host: '127.0.0.1', port, username: 'admin', password: 'secret-pw', requestTimeoutMs: TIMEOUT_MS });
}

describe('hostile SOAP answers', () => {
  const servers: Server[] = [];
  afterAll(async () => void (await Promise.all(servers.map(close))));

  it('a 600 MB SOAP answer fails at the size cap with a clear error; memory stays bounded', async () => {
    let sent = 0;
    const { server, port } = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/soap+xml' });
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const pump = (): void => {
        while (sent < 600 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.write('<?xml version="1.0"?><s:Envelope><s:Body><x>');
      pump();
    });
    servers.push(server);
    const before = process.memoryUsage().rss;
    const d = driverFor(port);
    const t0 = Date.now();
    await expect(d.connect()).rejects.toThrow(/larger than 4 MiB/);
    expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS + 1000);
    expect(sent).toBeLessThan(100 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    d.close();
  });

  it('an answer trickled one byte at a time fails at the total deadline, not after minutes', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const { server, port } = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/soap+xml' });
      const t = setInterval(() => res.write('<'), 100); // always within the socket idle timeout
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    servers.push(server);
    const d = driverFor(port);
    const t0 = Date.now();
    await expect(d.connect()).rejects.toThrow(/did not answer connect in time/);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(TIMEOUT_MS + 1000);
    d.close();
    for (const t of timers) clearInterval(t);
  });

  it('an HTTP error without a SOAP body is reported with its status', async () => {
    const { server, port } = await listen((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    servers.push(server);
    const d = driverFor(port);
    await expect(d.connect()).rejects.toThrow(/HTTP 404/);
    d.close();
  });

  it('HTTP 401 without a SOAP fault or a challenge is a refused login, not a broken camera', async () => {
    const { server, port } = await listen((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('Unauthorized');
    });
    servers.push(server);
    const d = driverFor(port);
    await expect(d.connect()).rejects.toMatchObject({ name: 'CameraLoginRefusedError', code: 'camera_auth' });
    d.close();
  });
});

describe('snapshots and streams from a hostile camera', () => {
  let sim: RunningCamera;
  let gw: TestGateway;
  let admin: string;
  let fake: Awaited<ReturnType<typeof listen>>;
  let answer: { type: string; body: Buffer } = { type: 'text/html', body: Buffer.from('<script>alert(1)</script>') };

  beforeAll(async () => {
    sim = await startCameraSimulator({ name: 'Snap' });
    fake = await listen((_req, res) => {
      res.writeHead(200, { 'Content-Type': answer.type });
      res.end(answer.body);
    });
    gw = await startTestGateway({ config: fastCameraConfig([cameraEntry('snap', sim)]) });
    admin = await gw.login('admin');
    await waitOnline(gw, 'snap');
  });
  afterAll(async () => {
    await gw?.stop();
    await sim?.stop();
    if (fake) await close(fake.server);
  });

  it('a real JPEG is served with its sniffed type and nosniff', async () => {
    const res = await gw.api('/api/cameras/snap/snapshot', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(sniffImageType(Buffer.from(await res.arrayBuffer()))).toBe('image/jpeg');
  });

  it('magic bytes decide the type: JPEG, PNG, GIF, BMP, WebP; HTML and SVG are no images', () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImageType(Buffer.from('GIF89a......'))).toBe('image/gif');
    expect(sniffImageType(Buffer.concat([Buffer.from('BM'), Buffer.alloc(20)]))).toBe('image/bmp');
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))).toBeUndefined();
  });

  it('an HTML "snapshot" from the camera\'s own host is refused, never served', async () => {
    // The camera's snapshot URL points at the fake server on the same host (127.0.0.1).
    const d = new OnvifCameraDriver({ label: 'snap', host: '127.0.0.1', port: Number(new URL(sim.urls.onvif).port), username: 'admin', password: 'admin123', requestTimeoutMs: 2000 });
    await d.connect();
    // Swap the answer of GetSnapshotUri: the fake server's URL, same host.
    const client = (d as unknown as { client: { call: (m: string, ...a: unknown[]) => Promise<unknown> } }).client;
    const original = client.call.bind(client);
    client.call = (m: string, ...a: unknown[]) => (m === 'getSnapshotUri' ? Promise.resolve({ uri: `http://127.0.0.1:${fake.port}/snap.jpg` }) : original(m, ...a));
    answer = { type: 'image/jpeg', body: Buffer.from('<html><script>alert(document.cookie)</script></html>') };
    await expect(d.snapshot('main')).rejects.toThrow(/not an image/);
    answer = { type: 'text/html', body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) };
    await expect(d.snapshot('main')).resolves.toMatchObject({ contentType: 'image/jpeg' });
    d.close();
  });

  it('snapshot and stream URLs on another host are refused and the password goes nowhere', async () => {
    const d = new OnvifCameraDriver({ label: 'snap', host: '127.0.0.1', port: Number(new URL(sim.urls.onvif).port), username: 'admin', password: 'admin123', requestTimeoutMs: 2000 });
    await d.connect();
    const client = (d as unknown as { client: { call: (m: string, ...a: unknown[]) => Promise<unknown> } }).client;
    const original = client.call.bind(client);
    const foreign = `http://localhost:${fake.port}/snap.jpg`;
    client.call = (m: string, ...a: unknown[]) =>
      m === 'getSnapshotUri' ? Promise.resolve({ uri: foreign }) : m === 'getStreamUri' ? Promise.resolve({ uri: `rtsp://localhost:${fake.port}/main` }) : original(m, ...a);
    const seenBefore = fake.seen.length;
    await expect(d.snapshot('main')).rejects.toThrow(/on another host/);
    await expect(d.streamUriWithCredentials('main')).rejects.toThrow(/on another host/);
    expect(fake.seen.length).toBe(seenBefore);
    d.close();
    // Allowed explicitly: fetched.
    const allowed = new OnvifCameraDriver({ label: 'snap', host: '127.0.0.1', port: Number(new URL(sim.urls.onvif).port), username: 'admin', password: 'admin123', requestTimeoutMs: 2000, mediaHosts: ['localhost'] });
    await allowed.connect();
    const c2 = (allowed as unknown as { client: { call: (m: string, ...a: unknown[]) => Promise<unknown> } }).client;
    const o2 = c2.call.bind(c2);
    c2.call = (m: string, ...a: unknown[]) => (m === 'getSnapshotUri' ? Promise.resolve({ uri: foreign }) : o2(m, ...a));
    answer = { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]) };
    await expect(allowed.snapshot('main')).resolves.toMatchObject({ contentType: 'image/png' });
    allowed.close();
  });
});
