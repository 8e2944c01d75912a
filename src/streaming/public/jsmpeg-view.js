// JSMpeg fed from a WebSocket we already hold (the MSE fallback arrives on the same socket):
// a source class for JSMpeg.Player that buffers until the player's decoder is ready.
/* global JSMpeg */

class SocketSource {
  constructor(_url, options) {
    this.options = options;
    this.streaming = true;
    this.established = false;
    this.completed = false;
    this.progress = 0;
    this.destination = null;
    this.ready = false;
    this.pending = [];
  }
  connect(destination) { this.destination = destination; }
  start() {
    this.ready = true;
    this.progress = 1;
    for (const data of this.pending.splice(0)) this.write(data);
  }
  resume() {}
  destroy() { this.pending = []; }
  write(data) {
    if (!this.ready) { this.pending.push(data); return; }
    if (!this.established) {
      this.established = true;
      if (this.options.hookOnEstablished) this.options.hookOnEstablished();
      if (this.options.onSourceEstablished) this.options.onSourceEstablished(this);
    }
    if (this.destination) this.destination.write(data);
  }
}

let loading = null;
/** The JSMpeg script (125 KB) only where a player needs it: MSE players never parse it. */
function loadJsmpeg() {
  if (window.JSMpeg) return Promise.resolve();
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/player/jsmpeg.min.js';
    script.onload = () => resolve();
    script.onerror = () => { loading = null; reject(new Error('could not load the JSMpeg player')); };
    document.head.appendChild(script);
  });
  return loading;
}

/** Most bytes held while the JSMpeg script loads (a few seconds of MPEG1 at most). */
const MAX_WAITING_BYTES = 4 * 1024 * 1024;

export class JsmpegView {
  constructor(stage, state, { gl = true } = {}) {
    this.state = state;
    this.canvas = document.createElement('canvas');
    stage.replaceChildren(this.canvas);
    state.element = this.canvas;
    this.player = null;
    this.waiting = [];
    this.waitingBytes = 0;
    this.destroyed = false;
    loadJsmpeg().then(() => {
      if (this.destroyed) return;
      this.player = new JSMpeg.Player('socket', {
        canvas: this.canvas,
        source: SocketSource,
        audio: false,
        disableGl: !gl,
        preserveDrawingBuffer: true, // lets snapshots (and tests) read the canvas
        pauseWhenHidden: false,
        videoBufferSize: 2 * 1024 * 1024,
        onVideoDecode: () => { state.frames++; state.lastFrameAt = Date.now(); state.firstFrameAt ||= state.lastFrameAt; },
      });
      for (const data of this.waiting.splice(0)) this.player.source.write(data);
      this.waitingBytes = 0;
    }, (err) => { state.error = String(err); });
  }

  /** Binary messages: the 8-byte `jsmp` header (size), then MPEG-TS. */
  push(data) {
    const bytes = new Uint8Array(data);
    if (bytes.length === 8 && bytes[0] === 0x6a && bytes[1] === 0x73 && bytes[2] === 0x6d && bytes[3] === 0x70) {
      this.state.width = (bytes[4] << 8) | bytes[5];
      this.state.height = (bytes[6] << 8) | bytes[7];
      return;
    }
    if (this.player) { this.player.source.write(data); return; }
    if (this.waitingBytes + bytes.length > MAX_WAITING_BYTES) throw new Error('the JSMpeg player did not load in time');
    this.waiting.push(data);
    this.waitingBytes += bytes.length;
  }

  destroy() {
    this.destroyed = true;
    this.waiting = [];
    try { if (this.player) this.player.destroy(); } catch { /* already gone */ }
  }
}
