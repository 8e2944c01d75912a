/* global URL, URLSearchParams, location, WebSocket, setTimeout */
// The gateway's live player: /player.html?camera=<id>&profile=main|sub&format=auto|webrtc|mse|jsmpeg&lang=zh-CN|en&token=...
// auto: WebRTC first (WHEP, /api/webrtc/<camera>), then MSE, then JSMpeg over one WebSocket to
// /api/streams/<camera>; see docs/streaming.md for the protocol. With WebRTC a media-less status
// WebSocket still says why pictures stop. &start=mse: MSE's cached GOP shows while WebRTC connects.
import { JsmpegView } from './jsmpeg-view.js';
import { MseView } from './mse-view.js';
import { badgeText, playerTitle, statusText } from './status-text.js';
import { WebrtcView } from './webrtc-view.js';

const params = new URLSearchParams(location.search);
const camera = params.get('camera');
const profile = params.get('profile') || 'main';
const wanted = params.get('format') || 'auto';
const token = params.get('token');
const stage = document.getElementById('stage');
const badge = document.getElementById('badge');
const showBadge = params.get('badge') !== '0';
const notice = document.getElementById('notice');
const lang = params.get('lang') === 'en' ? 'en' : 'zh-CN';
document.documentElement.lang = lang;
document.title = playerTitle(lang);

// Codec strings offered to MediaSource.isTypeSupported; the server answers with the exact one.
const CANDIDATES = ['avc1.42E01E', 'avc1.42C01F', 'avc1.4D401F', 'avc1.640028', 'avc1.640033',
  'hvc1.1.6.L93.B0', 'hvc1.1.6.L120.90', 'hvc1.1.6.L150.90', 'hev1.1.6.L93.B0', 'hvc1.2.4.L120.90'];
const MS = window.ManagedMediaSource || window.MediaSource;

const state = (window.cgPlayer = {
  camera, profile, format: null, status: 'connecting', frames: 0, lastFrameAt: 0, width: 0, height: 0,
  mime: null, fallbackReason: null, error: null, connects: 0, closeCode: null, closeReason: null, element: null,
  stream: null, notice: '',
  // The camera's sound on WebRTC: { codec, carried, muted } (null: none, or not on WebRTC).
  audio: null,
  // The tile's unmute button (a person clicked): false for sound on.
  setMuted: (muted) => Boolean(view && view.setMuted && view.setMuted(muted)),
});

// The gateway's {"type":"status"} message: why there is no picture, in plain words (even with badge=0).
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

let view = null;
function useView(next) {
  if (view) view.destroy();
  view = next;
}

// WebRTC is tried once per page; after a refusal or failure the tile stays on MSE / JSMpeg.
let webrtcRefused = params.get('webrtc') === '0' || typeof window.RTCPeerConnection !== 'function';
let socket = null;

function wantsWebrtc() {
  return !webrtcRefused && (wanted === 'webrtc' || wanted === 'auto');
}

function connect() {
  if (wantsWebrtc()) return connectWebrtc();
  const format = wanted === 'auto' || wanted === 'webrtc' ? (MS ? 'mse' : 'jsmpeg') : wanted;
  const ws = (socket = new WebSocket(socketUrl(format)));
  ws.binaryType = 'arraybuffer';
  state.connects++;
  setStatus('connecting');
  if (format === 'jsmpeg') {
    state.format = 'jsmpeg';
    useView(new JsmpegView(stage, state, { gl: params.get('gl') !== '0' }));
  }
  ws.onopen = () => {
    if (format === 'mse') ws.send(JSON.stringify({ type: 'hello', codecs: CANDIDATES.filter((c) => MS.isTypeSupported(`video/mp4; codecs="${c}"`)) }));
  };
  ws.onmessage = (ev) => {
    // Text frames are the gateway's control messages: never fed to a decoder.
    if (typeof ev.data === 'string') {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (!msg || typeof msg !== 'object') return;
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
        useView(new JsmpegView(stage, state, { gl: params.get('gl') !== '0' }));
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
    const fatal = ev.code === 4400 || ev.code === 4404 || ev.code === 1008;
    setStatus(fatal ? 'error' : 'reconnecting', ev.code);
    if (!fatal) setTimeout(connect, 1000);
  };
}

function connectWebrtc() {
  state.format = 'webrtc';
  state.connects++;
  setStatus('connecting');
  useView(new WebrtcView(stage, state, {
    camera, profile, token,
    onPicture: () => {
      setStatus('playing');
      endBridge(true);
    },
    onFail: (reason) => {
      webrtcRefused = true;
      state.audio = null;
      state.fallbackReason = `WebRTC: ${reason}`;
      endBridge(false);
      const old = socket;
      socket = null;
      if (old) old.close(1000, 'switching to MSE');
      connect();
    },
  }));
  if (bridgeFirst) bridgeSocket();
  else statusSocket();
}

// start=mse (the dashboards' tiles): while WebRTC connects (offer, ICE, DTLS), the status socket
// also carries the stream over MSE, so the tile shows the gateway's cached GOP at once; at WebRTC's
// first picture the MSE picture goes and a media-less status socket takes over.
const bridgeFirst = params.get('start') === 'mse' && !!MS;
let bridge = null;

function bridgeSocket() {
  // Under the stage: WebRTC's video draws nothing until its first picture, then covers this one
  // (an MSE picture over it would hide WebRTC's, which Chromium may then not present at all).
  const layer = document.createElement('div');
  layer.className = 'bridge';
  stage.before(layer);
  const b = (bridge = { layer, view: null });
  const ws = (socket = new WebSocket(socketUrl('mse')));
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', codecs: CANDIDATES.filter((c) => MS.isTypeSupported(`video/mp4; codecs="${c}"`)) }));
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'status') {
        onStreamStatus(msg);
        if (msg.state === 'playing' && view && view.streamIsPlaying) view.streamIsPlaying();
      } else if (msg.type === 'mse' && bridge === b && !b.view && MS.isTypeSupported(msg.mime)) {
        state.mime = msg.mime;
        state.width = msg.width;
        state.height = msg.height;
        b.view = new MseView(layer, state, msg.mime);
      }
      return;
    }
    if (bridge !== b || !b.view) return;
    try {
      b.view.push(ev.data);
      if (state.status !== 'playing') setStatus('playing');
    } catch {
      endBridge(true);
    }
  };
  ws.onclose = (ev) => {
    if (ws !== socket) return;
    endBridge(false);
    const fatal = ev.code === 4400 || ev.code === 4404 || ev.code === 1008;
    if (fatal) setStatus('error', ev.code);
    else setTimeout(() => { if (socket === ws && state.format === 'webrtc') statusSocket(); }, 1000);
  };
}

/** WebRTC shows its own pictures (or failed): the MSE bridge goes; `status`: a status socket replaces its socket. */
function endBridge(status) {
  const b = bridge;
  if (!b) return;
  bridge = null;
  if (b.view) b.view.destroy();
  b.layer.remove();
  if (view && view.video) state.element = view.video;
  if (status && state.format === 'webrtc') {
    const old = socket;
    statusSocket();
    if (old) old.close(1000, 'WebRTC plays');
  }
}

// Status text only (no pictures) while WebRTC carries the video.
function statusSocket() {
  const ws = (socket = new WebSocket(socketUrl('mse', false)));
  ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', codecs: [] }));
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return;
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg && msg.type === 'status') {
      onStreamStatus(msg);
      if (msg.state === 'playing' && view && view.streamIsPlaying) view.streamIsPlaying();
    }
  };
  ws.onclose = (ev) => {
    if (ws !== socket) return;
    const fatal = ev.code === 4400 || ev.code === 4404 || ev.code === 1008;
    if (fatal) setStatus('error', ev.code);
    else setTimeout(() => { if (socket === ws && state.format === 'webrtc') statusSocket(); }, 1000);
  };
}

// Hang up when the tile goes (a WebRTC session would otherwise wait for its connection to time out).
window.addEventListener('pagehide', () => { endBridge(false); if (view) view.destroy(); view = null; });

if (!camera) {
  state.status = 'error';
  if (showBadge) badge.textContent = badgeText('no-camera', lang);
} else connect();
