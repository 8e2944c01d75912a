/** Shared helpers for the camera simulator tests: raw SOAP calls, UsernameToken building, ffmpeg frame grabs. */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { resolveFfmpeg, resolveFfprobe } from '../../../src/core/ffmpeg.js';

export const run = promisify(execFile);
export const ffmpeg = resolveFfmpeg().path;
export const ffprobe = resolveFfprobe() ?? 'ffprobe';

export interface Token {
  username: string;
  password: string;
  created: string;
  nonce?: Buffer;
}

export function usernameToken(t: Token): string {
  const nonce = t.nonce ?? randomBytes(16);
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(t.created), Buffer.from(t.password)])).digest('base64');
  return (
    `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">` +
    `<wsse:UsernameToken><wsse:Username>${t.username}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${t.created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

export function envelope(body: string, header = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export function httpRequest(url: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function soapCall(url: string, body: string, header = ''): Promise<HttpReply> {
  return httpRequest(url, { body: envelope(body, header) });
}

export function withCredentials(rtspUrl: string, username: string, password: string): string {
  return rtspUrl.replace('rtsp://', `rtsp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@`);
}

/** Decodes `frames` frames of an RTSP stream to 8-bit grey pixels with ffmpeg. */
export async function grabGrayFrames(rtspUrl: string, frames: number, transport: 'tcp' | 'udp' = 'tcp'): Promise<Buffer> {
  const { stdout } = await run(
    ffmpeg,
    ['-v', 'error', '-rtsp_transport', transport, '-i', rtspUrl, '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 27, timeout: 20_000 },
  );
  return stdout;
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
