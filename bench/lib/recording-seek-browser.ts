/**
 * Seek latency as a duty officer sees it: request -> the picture at the requested instant shown
 * in Chromium. The console's own playback player (src/web/lib/playback-player.ts, bundled by
 * esbuild) runs in a page served under the gateway's origin (Playwright answers that one URL;
 * everything else, the playback WebSocket included, goes to the gateway). Each seek: open(at,
 * paused) is the request; the end is the first frame Chromium presents (requestVideoFrameCallback)
 * whose media time is the picture at `at` (within one frame interval before it).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/browser.js';

export interface SeekBrowser {
  /** ms from the request to the picture at `at` shown; rejects after `timeoutMs`. */
  seek(camera: string, at: number, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

const ENTRY = `import { PlaybackPlayer } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'src', 'web', 'lib', 'playback-player.ts'))};
(window as unknown as { PlaybackPlayer: unknown }).PlaybackPlayer = PlaybackPlayer;`;

/** Runs in the page: one seek with a fresh player on the page's <video>; resolves with the ms to the picture at `at`. */
const IN_PAGE_SEEK = `({ camera, at, timeoutMs, frameMs }) => new Promise((resolve, reject) => {
  const video = document.querySelector('video');
  if (window.current) window.current.close();
  const origin = at - 60000;
  const player = new window.PlaybackPlayer(video, camera, origin);
  window.current = player;
  const t0 = performance.now();
  let last = 'none';
  const timer = setTimeout(() => reject(new Error('no picture within ' + timeoutMs + ' ms (' + (player.error ? player.error + '; ' : '') + 'video readyState ' + video.readyState + ', currentTime ' + video.currentTime.toFixed(3) + ', target ' + ((at - origin) / 1000).toFixed(3) + ', last frame shown ' + last + ', socket ' + (player.ws ? player.ws.readyState : 'none') + ' ' + (player.ws ? player.ws.url.replace(/token=[^&]+/, 'token=…') : '') + ', source ' + (player.ms ? player.ms.readyState : 'none') + ', queued ' + (player.queue ? player.queue.length : '?') + ')')), timeoutMs);
  const onFrame = (now, meta) => {
    const shownMs = origin + meta.mediaTime * 1000;
    last = meta.mediaTime.toFixed(3);
    if (shownMs >= at - frameMs - 1 && shownMs <= at + 1) {
      clearTimeout(timer);
      resolve(now - t0);
    } else video.requestVideoFrameCallback(onFrame);
  };
  player.open(at, 1, true);
  // after open(): it unloads the previous playback's source first
  video.requestVideoFrameCallback(onFrame);
})`;

export async function startSeekBrowser(gatewayUrl: string, token: string, frameMs: number): Promise<SeekBrowser> {
  const bundle = await build({ stdin: { contents: ENTRY, loader: 'ts', resolveDir: import.meta.dirname }, bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><video muted playsinline width="640" height="360"></video><script>${script}</script>`;
  // The page is answered by Playwright, not loaded over the loopback network: without this, Chromium's
  // local-network-access checks refuse its WebSocket to the gateway on 127.0.0.1.
  const browser: Browser = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
  const page: Page = await browser.newPage();
  const pageUrl = `${gatewayUrl}/__bench/seek.html`;
  await page.route(pageUrl + '*', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${pageUrl}?token=${encodeURIComponent(token)}`);
  return {
    async seek(camera, at, timeoutMs = 5000) {
      // as source text: the bench runs under tsx, whose helpers (__name) do not exist in the page
      return page.evaluate(`(${IN_PAGE_SEEK})(${JSON.stringify({ camera, at, timeoutMs, frameMs })})`) as Promise<number>;
    },
    async close() {
      await browser.close();
    },
  };
}
