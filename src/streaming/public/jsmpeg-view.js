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

export class JsmpegView {
  constructor(stage, state, { gl = true } = {}) {
    this.state = state;
    this.canvas = document.createElement('canvas');
    stage.replaceChildren(this.canvas);
    this.player = new JSMpeg.Player('socket', {
      canvas: this.canvas,
      source: SocketSource,
      audio: false,
      disableGl: !gl,
      preserveDrawingBuffer: true, // lets snapshots (and tests) read the canvas
      pauseWhenHidden: false,
      videoBufferSize: 2 * 1024 * 1024,
      onVideoDecode: () => { state.frames++; state.lastFrameAt = Date.now(); },
    });
    state.element = this.canvas;
  }

  /** Binary messages: the 8-byte `jsmp` header (size), then MPEG-TS. */
  push(data) {
    const bytes = new Uint8Array(data);
    if (bytes.length === 8 && bytes[0] === 0x6a && bytes[1] === 0x73 && bytes[2] === 0x6d && bytes[3] === 0x70) {
      this.state.width = (bytes[4] << 8) | bytes[5];
      this.state.height = (bytes[6] << 8) | bytes[7];
      return;
    }
    this.player.source.write(data);
  }

  destroy() {
    try { this.player.destroy(); } catch { /* already gone */ }
  }
}
