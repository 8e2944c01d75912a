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

export async function startSeekBrowser(gatewayUrl: string, token: string, frameMs: number): Promise<SeekBrowser> {
  const bundle = await build({ stdin: { contents: ENTRY, loader: 'ts', resolveDir: import.meta.dirname }, bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><video muted playsinline width="640" height="360"></video><script>${script}</script>`;
  const browser: Browser = await launchChromium();
  const page: Page = await browser.newPage();
  const pageUrl = `${gatewayUrl}/__bench/seek.html`;
  await page.route(pageUrl + '*', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${pageUrl}?token=${encodeURIComponent(token)}`);
  return {
    async seek(camera, at, timeoutMs = 5000) {
      return page.evaluate(
        ({ camera, at, timeoutMs, frameMs }) =>
          new Promise<number>((resolve, reject) => {
            type Player = { open(at: number, speed: number, paused: boolean): void; close(): void; error: string | null };
            const w = window as unknown as { PlaybackPlayer: new (v: HTMLVideoElement, camera: string, origin: number) => Player; current?: Player };
            const video = document.querySelector('video')!;
            w.current?.close();
            const origin = at - 60_000;
            const player = new w.PlaybackPlayer(video, camera, origin);
            w.current = player;
            const t0 = performance.now();
            const timer = setTimeout(() => reject(new Error(`no picture within ${timeoutMs} ms${player.error ? `: ${player.error}` : ''}`)), timeoutMs);
            const onFrame = (now: number, meta: { mediaTime: number }): void => {
              const shownMs = origin + meta.mediaTime * 1000;
              if (shownMs >= at - frameMs - 1 && shownMs <= at + 1) {
                clearTimeout(timer);
                resolve(now - t0);
              } else video.requestVideoFrameCallback(onFrame);
            };
            player.open(at, 1, true);
            // after open(): it unloads the previous playback's source first
            video.requestVideoFrameCallback(onFrame);
          }),
        { camera, at, timeoutMs, frameMs },
      );
    },
    async close() {
      await browser.close();
    },
  };
}
