/* global URL, WebSocket, setTimeout, clearTimeout, location */
// The gateway's live player as a module: createPlayer(host, options) plays one camera in `host`.
// auto: WebRTC first (WHEP, /api/webrtc/<camera>), then MSE, then JSMpeg over one WebSocket to
// /api/streams/<camera>; see docs/streaming.md for the protocol. With WebRTC a media-less status
// WebSocket still says why pictures stop. start: 'mse': MSE's cached GOP shows while WebRTC connects.
// Used by /player.html (one player per page, embeddable) and by the dashboards' tiles (many players
// in one page: no document per tile to start before its socket opens).
import { JsmpegView } from './jsmpeg-view.js';
import { MseView } from './mse-view.js';
import { badgeText, statusText } from './status-text.js';
import { WebrtcView } from './webrtc-view.js';

// Codec strings offered to MediaSource.isTypeSupported; the server answers with the exact one.
const CANDIDATES = ['avc1.42E01E', 'avc1.42C01F', 'avc1.4D401F', 'avc1.640028', 'avc1.640033',
  'hvc1.1.6.L93.B0', 'hvc1.1.6.L120.90', 'hvc1.1.6.L150.90', 'hev1.1.6.L93.B0', 'hvc1.2.4.L120.90'];
const RECONNECT_MS = 1000;
// start: 'mse': WebRTC's set-up waits this long for the MSE bridge's first picture at most.
const WEBRTC_WAIT_MS = 1500;

// The player's own look, once per document (player.html and the dashboards alike).
const CSS = `
.cg-player { position: absolute; inset: 0; overflow: hidden; background: #000; color: #ddd; font: 13px system-ui, sans-serif; }
.cg-stage, .cg-bridge { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; }
.cg-stage video, .cg-stage canvas, .cg-bridge video { width: 100%; height: 100%; object-fit: contain; display: block; }
.cg-badge { position: absolute; left: 8px; bottom: 8px; padding: 2px 6px; background: rgba(0,0,0,.6); border-radius: 3px; }
.cg-badge:empty, .cg-notice:empty { display: none; }
.cg-notice { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); max-width: 80%; padding: 8px 12px; background: rgba(0,0,0,.7); color: #fff; border-radius: 4px; text-align: center; font-size: 14px; }
.cg-notice[data-state="failed"] { background: rgba(140,20,20,.85); }
`;
function addStyle() {
  if (document.getElementById('cg-player-style')) return;
  const style = document.createElement('style');
  style.id = 'cg-player-style';
  style.textContent = CSS;
  document.head.appendChild(style);
}

function element(className, parent) {
  const el = document.createElement('div');
  el.className = className;
  parent.appendChild(el);
  return el;
}

const fatalClose = (code) => code === 4400 || code === 4404 || code === 1008;

/**
 * Plays `options.camera` in `host` (its children are replaced): { camera, profile = 'main',
 * format = 'auto' | 'webrtc' | 'mse' | 'jsmpeg', token, lang = 'zh-CN' | 'en', badge = true,
 * gl = true, start = 'mse' | undefined, webrtc = true }. Returns { state, destroy }:
 * `state` is what `window.cgPlayer` is on player.html (also `host.cgPlayer`); destroy() closes
 * every socket, timer and WebRTC session of the player.
 */
export function createPlayer(host, options) {
  const camera = options.camera;
  const profile = options.profile || 'main';
  const wanted = options.format || 'auto';
  const token = options.token || null;
  const lang = options.lang === 'en' ? 'en' : 'zh-CN';
  const showBadge = options.badge !== false;
  const gl = options.gl !== false;
  const MS = window.ManagedMediaSource || window.MediaSource;

  addStyle();
  // Its own box inside the host: the host's owner (a Preact tile) keeps its attributes.
  const root = document.createElement('div');
  root.className = 'cg-player';
  host.replaceChildren(root);
  const stage = element('cg-stage', root);
  const badge = element('cg-badge', root);
  const notice = element('cg-notice', root);
  notice.setAttribute('role', 'status');
  notice.setAttribute('aria-live', 'polite');

  let view = null;
  let socket = null;
  let bridge = null;
  let destroyed = false;
  const timers = new Set();
  const later = (fn, ms) => {
    const timer = setTimeout(() => { timers.delete(timer); if (!destroyed) fn(); }, ms);
    timers.add(timer);
  };

  const state = {
    camera, profile, format: null, status: 'connecting', frames: 0, firstFrameAt: 0, lastFrameAt: 0, width: 0, height: 0,
    mime: null, fallbackReason: null, error: null, connects: 0, closeCode: null, closeReason: null, element: null,
    stream: null, notice: '',
    // The MSE bridge draws the picture while WebRTC (format) connects.
    bridging: false,
    // The camera's sound on WebRTC: { codec, carried, muted } (null: none, or not on WebRTC).
    audio: null,
    // The tile's unmute button (a person clicked): false for sound on.
    setMuted: (muted) => Boolean(view && view.setMuted && view.setMuted(muted)),
  };
  host.cgPlayer = state;

  // The gateway's {"type":"status"} message: why there is no picture, in plain words (even with badge off).
  function onStreamStatus(msg) {
    state.stream = { state: msg.state, reason: msg.reason || null };
    const text = statusText(msg, lang);
    state.notice = text;
    notice.textContent = text;
    notice.dataset.state = String(msg.state);
  }

  function setStatus(status, closeCode) {
    state.status = status;
    if (showBadge) badge.textContent = badgeText(status, lang, closeCode);
  }

  function socketUrl(format, media = true) {
    const url = new URL(`/api/streams/${encodeURIComponent(camera)}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('profile', profile);
    url.searchParams.set('format', format);
    // jsmpeg sockets carry status text frames only when asked (plain JSMpeg clients would decode them)
    if (format === 'jsmpeg') url.searchParams.set('status', '1');
    if (!media) url.searchParams.set('media', '0');
    if (token) url.searchParams.set('token', token);
    return url.href;
  }

  function openSocket(format, media = true) {
    const ws = (socket = new WebSocket(socketUrl(format, media)));
    ws.binaryType = 'arraybuffer';
    return ws;
  }

  /** A text frame as the gateway's control message (never fed to a decoder); null when not one. */
  function control(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return null; }
    return msg && typeof msg === 'object' ? msg : null;
  }

  const hello = (ws) => ws.send(JSON.stringify({ type: 'hello', codecs: CANDIDATES.filter((c) => MS.isTypeSupported(`video/mp4; codecs="${c}"`)) }));

  function useView(next) {
    if (view) view.destroy();
    view = next;
  }

  // WebRTC is tried once per player; after a refusal or failure the tile stays on MSE / JSMpeg.
  let webrtcRefused = options.webrtc === false || typeof window.RTCPeerConnection !== 'function';
  const wantsWebrtc = () => !webrtcRefused && (wanted === 'webrtc' || wanted === 'auto');

  function connect() {
    if (wantsWebrtc()) return connectWebrtc();
    const format = wanted === 'auto' || wanted === 'webrtc' ? (MS ? 'mse' : 'jsmpeg') : wanted;
    const ws = openSocket(format);
    state.connects++;
    setStatus('connecting');
    if (format === 'jsmpeg') {
      state.format = 'jsmpeg';
      useView(new JsmpegView(stage, state, { gl }));
    }
    ws.onopen = () => { if (format === 'mse') hello(ws); };
    ws.onmessage = (ev) => {
      if (ws !== socket) return;
      if (typeof ev.data === 'string') {
        const msg = control(ev.data);
        if (!msg) return;
        if (msg.type === 'status') {
          onStreamStatus(msg);
        } else if (msg.type === 'mse') {
          if (!MS.isTypeSupported(msg.mime)) { ws.close(4000, `cannot play ${msg.mime}`); return; }
          state.format = 'mse';
          state.mime = msg.mime;
          state.width = msg.width;
          state.height = msg.height;
          useView(new MseView(stage, state, msg.mime));
        } else if (msg.type === 'jsmpeg') {
          state.format = 'jsmpeg';
          state.fallbackReason = msg.reason;
          useView(new JsmpegView(stage, state, { gl }));
        }
        return;
      }
      if (!view) return;
      try {
        view.push(ev.data);
        if (state.status !== 'playing') setStatus('playing');
      } catch (err) {
        state.error = String(err);
        ws.close(4000, 'player fell behind');
      }
    };
    ws.onclose = (ev) => {
      if (ws !== socket) return;
      state.closeCode = ev.code;
      state.closeReason = ev.reason;
      const fatal = fatalClose(ev.code);
      setStatus(fatal ? 'error' : 'reconnecting', ev.code);
      if (!fatal) later(connect, RECONNECT_MS);
    };
  }

  // start: 'mse' (the dashboards' tiles): the tile's first socket carries the stream over MSE, so it
  // shows the gateway's cached pictures at once (the "bridge"). WebRTC's set-up (offer, ICE, DTLS:
  // work for the gateway and the page) starts after the bridge's first picture, so it does not
  // delay that picture, or after WEBRTC_WAIT_MS without one (a cold stream). At WebRTC's first
  // picture the MSE picture goes and a media-less status socket takes over. If WebRTC fails, the
  // bridge goes on as the tile's MSE player: no second start of the stream.
  const bridgeFirst = options.start === 'mse' && !!MS;
  let webrtcStarted = false;
  /** The gateway said the stream plays (a WebRTC view made later starts its picture clock at once). */
  let streamPlaying = false;

  function connectWebrtc() {
    state.format = 'webrtc';
    state.connects++;
    setStatus('connecting');
    if (!bridgeFirst) {
      startWebrtc();
      statusSocket();
      return;
    }
    bridgeSocket();
    later(startWebrtc, WEBRTC_WAIT_MS);
  }

  function startWebrtc() {
    if (destroyed || webrtcStarted || state.format !== 'webrtc') return;
    webrtcStarted = true;
    useView(new WebrtcView(stage, state, {
      camera, profile, token,
      onPicture: () => {
        setStatus('playing');
        endBridge(true);
      },
      onFail: (reason) => {
        if (destroyed) return;
        webrtcRefused = true;
        state.audio = null;
        state.fallbackReason = `WebRTC: ${reason}`;
        if (keepBridge()) return;
        endBridge(false);
        const old = socket;
        socket = null;
        if (old) old.close(1000, 'switching to MSE');
        connect();
      },
    }));
    if (streamPlaying && view.streamIsPlaying) view.streamIsPlaying();
  }

  /** WebRTC failed while the bridge is up: the bridge becomes the tile's MSE player (its picture moves onto the stage). */
  function keepBridge() {
    const b = bridge;
    if (!b || b.refused || socket !== b.ws) return false;
    bridge = null;
    state.bridging = false;
    b.kept = true;
    if (view) view.destroy();
    view = b.view;
    state.format = 'mse';
    stage.replaceChildren(...(b.view ? [b.view.video] : []));
    b.layer.remove();
    if (b.view) state.element = b.view.video;
    return true;
  }

  function bridgeSocket() {
    // Under the stage: WebRTC's video draws nothing until its first picture, then covers this one
    // (an MSE picture over it would hide WebRTC's, which Chromium may then not present at all).
    const layer = document.createElement('div');
    layer.className = 'cg-bridge';
    stage.before(layer);
    const ws = openSocket('mse');
    const b = (bridge = { layer, ws, view: null, kept: false, refused: false });
    state.bridging = true;
    const live = () => bridge === b || b.kept;
    ws.onopen = () => hello(ws);
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        const msg = control(ev.data);
        if (!msg) return;
        if (msg.type === 'status') {
          onStreamStatus(msg);
          streamPlaying = msg.state === 'playing';
          if (streamPlaying && view && view.streamIsPlaying) view.streamIsPlaying();
        } else if (msg.type === 'mse' && live() && MS.isTypeSupported(msg.mime)) {
          state.mime = msg.mime;
          state.width = msg.width;
          state.height = msg.height;
          // A second init (the stream started again, perhaps with other parameters): a new picture.
          if (b.view) b.view.destroy();
          b.view = new MseView(b.kept ? stage : layer, state, msg.mime, { onPicture: () => later(startWebrtc, 0) });
          if (b.kept) view = b.view;
        } else if (live() && (msg.type === 'jsmpeg' || msg.type === 'mse')) {
          // Not playable over MSE here. Kept as the tile's socket: the plain path starts again
          // (it plays JSMpeg); still a bridge: WebRTC (H.264) decides, or the plain path after it.
          if (b.kept) return ws.close(4000, 'not playable over MSE');
          b.refused = true;
          later(startWebrtc, 0);
        }
        return;
      }
      if (!live() || !b.view) return;
      try {
        b.view.push(ev.data);
        if (state.status !== 'playing') setStatus('playing');
      } catch (err) {
        if (!b.kept) return endBridge(true);
        state.error = String(err);
        ws.close(4000, 'player fell behind');
      }
    };
    ws.onclose = (ev) => {
      if (ws !== socket) return;
      const fatal = fatalClose(ev.code);
      if (b.kept) {
        // As the plain MSE socket: reconnect after a drop.
        state.closeCode = ev.code;
        state.closeReason = ev.reason;
        setStatus(fatal ? 'error' : 'reconnecting', ev.code);
        if (!fatal) later(connect, RECONNECT_MS);
        return;
      }
      endBridge(false);
      if (fatal) return setStatus('error', ev.code);
      later(() => { if (socket === ws && state.format === 'webrtc') statusSocket(); }, RECONNECT_MS);
      // No picture came on the bridge: WebRTC need not wait any longer.
      later(startWebrtc, 0);
    };
  }

  /** WebRTC shows its own pictures (or failed): the MSE bridge goes; `status`: a status socket replaces its socket. */
  function endBridge(status) {
    const b = bridge;
    if (!b) return;
    bridge = null;
    state.bridging = false;
    if (b.view) b.view.destroy();
    b.layer.remove();
    if (view && view.video) state.element = view.video;
    if (status && state.format === 'webrtc' && !destroyed) {
      const old = socket;
      statusSocket();
      if (old) old.close(1000, 'WebRTC plays');
    }
  }

  // Status text only (no pictures) while WebRTC carries the video.
  function statusSocket() {
    const ws = openSocket('mse', false);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', codecs: [] }));
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const msg = control(ev.data);
      if (msg && msg.type === 'status') {
        onStreamStatus(msg);
        if (msg.state === 'playing' && view && view.streamIsPlaying) view.streamIsPlaying();
      }
    };
    ws.onclose = (ev) => {
      if (ws !== socket) return;
      if (fatalClose(ev.code)) setStatus('error', ev.code);
      else later(() => { if (socket === ws && state.format === 'webrtc') statusSocket(); }, RECONNECT_MS);
    };
  }

  /** Hangs up: the socket, the WebRTC session (it would otherwise wait for its connection to time out), every timer. */
  function destroy() {
    if (destroyed) return;
    destroyed = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    endBridge(false);
    if (view) view.destroy();
    view = null;
    const ws = socket;
    socket = null;
    if (ws) ws.close(1000, 'player closed');
    state.status = 'closed';
    root.remove();
  }

  if (!camera) {
    state.status = 'error';
    if (showBadge) badge.textContent = badgeText('no-camera', lang);
  } else connect();

  return { state, destroy };
}
