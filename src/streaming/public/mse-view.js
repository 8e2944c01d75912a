/* global URL, setInterval, clearInterval */
// MSE player that stays live: appends fMP4 fragments as they come, trims what was played,
// jumps to the live edge when it falls behind and plays slightly faster to catch up.

const MAX_PENDING_BYTES = 4 * 1024 * 1024;
const KEEP_SECONDS = 6;
// Each fragment is one frame (frag_every_frame): the live edge is the buffered end. Jump when more
// than JUMP_IF_BEHIND behind, play 10 % faster when more than CATCH_UP_IF_BEHIND behind.
const JUMP_IF_BEHIND = 0.3;
const CATCH_UP_IF_BEHIND = 0.12;
const LIVE_CHECK_MS = 100;

function concat(chunks, bytes) {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    out.set(new Uint8Array(c), at);
    at += c.byteLength;
  }
  return out;
}

export class MseView {
  /** `onPicture`: called once, at the first picture shown (the player's bridge starts WebRTC then). */
  constructor(stage, state, mime, { onPicture } = {}) {
    this.state = state;
    this.mime = mime;
    this.pending = [];
    this.pendingBytes = 0;
    this.sb = null;
    const MS = window.ManagedMediaSource || window.MediaSource;
    this.ms = new MS();
    this.video = document.createElement('video');
    Object.assign(this.video, { muted: true, autoplay: true, playsInline: true, disableRemotePlayback: true });
    this.video.src = URL.createObjectURL(this.ms);
    stage.replaceChildren(this.video);
    state.element = this.video;
    this.ms.addEventListener('sourceopen', () => {
      this.sb = this.ms.addSourceBuffer(mime);
      this.sb.mode = 'segments';
      this.sb.addEventListener('updateend', () => {
        // Start playing with the first picture rather than at the next live check.
        if (this.video && this.video.paused && this.sb.buffered.length) this.keepLive();
        this.pump();
      });
      this.pump();
    });
    const onFrame = () => {
      state.frames++;
      state.lastFrameAt = Date.now();
      state.firstFrameAt ||= state.lastFrameAt;
      if (onPicture) {
        const first = onPicture;
        onPicture = undefined;
        first();
      }
      if (this.video) this.video.requestVideoFrameCallback(onFrame);
    };
    if ('requestVideoFrameCallback' in this.video) this.video.requestVideoFrameCallback(onFrame);
    this.timer = setInterval(() => this.keepLive(), LIVE_CHECK_MS);
  }

  push(data) {
    if (this.pendingBytes > MAX_PENDING_BYTES) {
      // The page was too busy to append: start over at the next init (the socket reconnects).
      this.state.error = 'MSE could not keep up';
      throw new Error('MSE backlog too large');
    }
    this.pending.push(data);
    this.pendingBytes += data.byteLength;
    this.pump();
  }

  pump() {
    const sb = this.sb;
    if (!sb || sb.updating || this.ms.readyState !== 'open') return;
    const b = sb.buffered;
    const t = this.video.currentTime;
    if (b.length && t - b.start(0) > KEEP_SECONDS * 2) {
      sb.remove(b.start(0), t - KEEP_SECONDS);
      return;
    }
    if (this.pending.length === 0) return;
    // Everything that arrived while the buffer was busy in one append (fMP4 fragments concatenate):
    // the cached GOP a new player receives at once is one append, not one per frame.
    const next = this.pending.length === 1 ? this.pending[0] : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      sb.appendBuffer(next);
    } catch (err) {
      this.state.error = String(err);
    }
  }

  keepLive() {
    const v = this.video;
    const b = this.sb && this.sb.buffered;
    if (!b || !b.length) return;
    const end = b.end(b.length - 1);
    const behind = end - v.currentTime;
    this.state.behindSeconds = Math.round(behind * 1000) / 1000;
    if (v.currentTime < b.start(0) || behind > JUMP_IF_BEHIND) {
      v.currentTime = Math.max(b.start(b.length - 1), end - 0.05);
      this.state.liveJumps = (this.state.liveJumps || 0) + 1;
    }
    v.playbackRate = behind > CATCH_UP_IF_BEHIND ? 1.1 : 1;
    if (v.paused) v.play().catch(() => {});
  }

  destroy() {
    clearInterval(this.timer);
    try { URL.revokeObjectURL(this.video.src); } catch { /* ignore */ }
    this.video.removeAttribute('src');
    this.video.load();
    this.video = null;
  }
}
