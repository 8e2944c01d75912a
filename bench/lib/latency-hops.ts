/**
 * Where live video's latency goes, hop by hop, for the latency benchmark. The simulator stamps
 * each picture's render time into an SEI (`timingSei`), so:
 * - a Node viewer of the camera's MSE stream reads, for each picture (by its time on the 90 kHz
 *   line), when it was rendered and when the gateway's fMP4 fragment of it arrived;
 * - in the page, an init script notes when each MSE fragment arrives (its tfdt), and
 *   requestVideoFrameCallback gives, per picture shown, its RTP timestamp (WebRTC) or media time
 *   (MSE), when its last packet arrived (WebRTC `receiveTime`), when it was handed to the
 *   compositor (`presentationTime`) and when it is to be seen (`expectedDisplayTime`).
 * Joined on the picture's time, each hop is "ms since the picture was rendered".
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Frame, Page } from 'playwright-core';

const KEEP = 3000;

export interface ClockPicture {
  renderedAt: number;
  fragmentAt: number;
  panDeg: number;
}

export interface FragmentClock {
  /** time90k -> when rendered, when the gateway's fragment arrived (epoch ms), and the pan it shows. */
  pictures: Map<number, ClockPicture>;
  close(): Promise<void>;
}

/**
 * A Node MSE viewer of the camera's stream, in a process of its own (lib/fragment-clock-child.ts:
 * the browser driving here would delay its reading), that reads each picture's render time and
 * pan from its SEI and when its fragment came.
 */
export async function startFragmentClock(base: string, token: string, camera: string): Promise<FragmentClock> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/fragment-clock-child.ts', base, token, camera], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pictures = new Map<number, ClockPicture>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready!: () => void;
  const opened = new Promise<void>((resolve) => (ready = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'open') return ready();
    const [time90k, renderedAt, fragmentAt, panDeg] = JSON.parse(line) as number[];
    pictures.set(time90k!, { renderedAt: renderedAt!, fragmentAt: fragmentAt!, panDeg: panDeg! });
    if (pictures.size > KEEP) pictures.delete(pictures.keys().next().value!);
  });
  await Promise.race([opened, exited.then(() => Promise.reject(new Error('the fragment clock ended')))]);
  return {
    pictures,
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

// Page scripts are plain JavaScript text: a transpiled function could call helpers the page lacks.
const ARRIVALS_SCRIPT = `(() => {
  window.__hopArrivals = {};
  window.__hopTimescale = 90000;
  const box = (v, from, to, type) => {
    for (let at = from; at + 8 <= to; ) {
      const size = v.getUint32(at);
      if (size < 8) return undefined;
      const t = String.fromCharCode(v.getUint8(at + 4), v.getUint8(at + 5), v.getUint8(at + 6), v.getUint8(at + 7));
      if (t === type) return [at + 8, at + size];
      at += size;
    }
    return undefined;
  };
  const note = (buf) => {
    const at = Date.now();
    const v = new DataView(buf);
    const moov = box(v, 0, buf.byteLength, 'moov');
    if (moov) {
      const trak = box(v, moov[0], moov[1], 'trak');
      const mdia = trak && box(v, trak[0], trak[1], 'mdia');
      const mdhd = mdia && box(v, mdia[0], mdia[1], 'mdhd');
      if (mdhd) window.__hopTimescale = v.getUint32(mdhd[0] + (v.getUint8(mdhd[0]) === 1 ? 20 : 12));
      return;
    }
    const moof = box(v, 0, buf.byteLength, 'moof');
    const traf = moof && box(v, moof[0], moof[1], 'traf');
    const tfdt = traf && box(v, traf[0], traf[1], 'tfdt');
    if (!tfdt) return;
    const time = v.getUint8(tfdt[0]) === 1 ? Number(v.getBigUint64(tfdt[0] + 4)) : v.getUint32(tfdt[0] + 4);
    window.__hopArrivals[Math.round((time * 90000) / window.__hopTimescale) % 2 ** 32] = at;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (ev) => { if (ev.data instanceof ArrayBuffer) note(ev.data); });
    }
  };
})();`;

const WATCH_SCRIPT = `(() => {
  window.__hopShown = [];
  const video = window.cgPlayer && window.cgPlayer.element;
  if (!video || !('requestVideoFrameCallback' in video)) return false;
  const origin = performance.timeOrigin;
  const onFrame = (now, md) => {
    window.__hopShown.push({
      time90k: md.rtpTimestamp !== undefined ? md.rtpTimestamp : Math.round(md.mediaTime * 90000) % 2 ** 32,
      receivedAt: md.receiveTime !== undefined ? origin + md.receiveTime : null,
      presentedAt: origin + md.presentationTime,
      displayAt: origin + md.expectedDisplayTime,
    });
    if (window.__hopShown.length > 3000) window.__hopShown.shift();
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  return true;
})()`;

/** Notes when each binary WebSocket message (an MSE fragment) arrives in the page, by its tfdt on the 90 kHz line. */
export async function instrumentPage(page: Page): Promise<void> {
  await page.addInitScript({ content: ARRIVALS_SCRIPT });
}

export interface ShownPicture {
  time90k: number;
  receivedAt: number | null;
  presentedAt: number;
  displayAt: number;
}

/** Starts noting every picture the tile's video shows (requestVideoFrameCallback). */
export async function watchPresentation(frame: Frame): Promise<boolean> {
  return (await frame.evaluate(WATCH_SCRIPT)) as boolean;
}

export interface HopSamples {
  fragment: number[];
  received: number[];
  presented: number[];
  displayed: number[];
  matched: number;
  shown: number;
}

/** Joins what the page showed with the pictures' render times: ms since render at each hop. */
export async function collectHops(frame: Frame, clock: FragmentClock): Promise<HopSamples> {
  const page = (await frame.evaluate('({ shown: window.__hopShown || [], arrivals: window.__hopArrivals || {} })')) as { shown: ShownPicture[]; arrivals: Record<number, number> };
  const out: HopSamples = { fragment: [], received: [], presented: [], displayed: [], matched: 0, shown: page.shown.length };
  for (const s of page.shown) {
    const picture = clock.pictures.get(s.time90k);
    if (!picture) continue;
    out.matched++;
    out.fragment.push(picture.fragmentAt - picture.renderedAt);
    const received = s.receivedAt ?? page.arrivals[s.time90k];
    if (received !== undefined) out.received.push(received - picture.renderedAt);
    out.presented.push(s.presentedAt - picture.renderedAt);
    out.displayed.push(s.displayAt - picture.renderedAt);
  }
  return out;
}
