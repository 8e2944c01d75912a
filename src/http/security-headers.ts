import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of every answer. What the pages need, and nothing more:
 * - scripts only from the gateway ('self'); 'wasm-unsafe-eval' for JSMpeg's WebAssembly decoder;
 * - inline styles: the player and talk pages carry a <style> block, JSMpeg and Preact set styles;
 * - images from the gateway plus data: and blob: (snapshots, canvas exports);
 * - media from blob: (MSE players attach a MediaSource through a blob: URL);
 * - connections to the gateway itself over HTTP and WebSocket (ws:/wss: of the same host);
 * - frames: the console embeds the gateway's own player page, so frames and ancestors are 'self'.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const own = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    `connect-src 'self'${own}`,
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/** Sets the security headers every answer of the gateway carries (pages, API, errors). */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}
