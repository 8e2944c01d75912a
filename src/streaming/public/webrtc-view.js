/* global RTCPeerConnection, MediaStream, fetch, setTimeout, clearTimeout, setInterval, clearInterval */
// WebRTC player (WHEP): POSTs a receive-only offer to /api/webrtc/<camera>, plays the camera's own
// H.264 with the smallest jitter buffer, and the camera's G.711 microphone where the gateway carries
// it, muted until a person unmutes the tile (state.audio, window.cgPlayer.setMuted). Calls onFail(reason) when the gateway refuses (WebRTC off,
// full, not H.264), when the connection fails, or when no picture came in time: the player then
// falls back to MSE over the WebSocket.

// No picture this long after the gateway said the stream plays (or at all): fall back to MSE. A
// camera that is still connecting is not WebRTC's fault, so the clock starts with the stream.
// Nine tiles negotiating at once on a busy two-core machine took more than 3 s (bench/latency.ts).
const FIRST_FRAME_AFTER_PLAYING_MS = 6000;
const FIRST_FRAME_MS = 30000;

export class WebrtcView {
  constructor(stage, state, { camera, profile, token, onFail, onPicture }) {
    this.state = state;
    this.onFail = onFail;
    this.onPicture = onPicture;
    this.failed = false;
    this.decoded = 0;
    this.location = null;
    this.token = token;
    this.video = document.createElement('video');
    Object.assign(this.video, { muted: true, autoplay: true, playsInline: true, disableRemotePlayback: true });
    stage.replaceChildren(this.video);
    state.element = this.video;
    this.pc = new RTCPeerConnection({ iceServers: [] });
    this.pc.addTransceiver('video', { direction: 'recvonly' });
    // The camera's microphone, if the gateway carries it: the answer says (X-Camera-Audio).
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    // One element plays both tracks; `muted` silences it (the default), and the tile's button unmutes.
    this.media = new MediaStream();
    this.pc.ontrack = (ev) => {
      // Play as soon as a picture is decodable: no extra buffering on a LAN.
      if (ev.track.kind === 'video') {
        if ('jitterBufferTarget' in ev.receiver) ev.receiver.jitterBufferTarget = 0;
        if ('playoutDelayHint' in ev.receiver) ev.receiver.playoutDelayHint = 0;
      }
      this.media.addTrack(ev.track);
      if (ev.track.kind === 'audio') state.audioTrack = ev.track;
      if (this.video.srcObject !== this.media) this.video.srcObject = this.media;
      this.video.play().catch(() => {});
    };
    this.pc.onconnectionstatechange = () => {
      const s = this.pc && this.pc.connectionState;
      state.webrtcState = s;
      if (s === 'failed' || s === 'closed') this.fail(`WebRTC connection ${s}`);
    };
    this.seen = false;
    const onFrame = () => {
      state.frames++;
      state.firstFrameAt ||= Date.now();
      this.firstPicture();
      if (state.status !== 'playing' && !this.failed) this.onPicture();
      state.lastFrameAt = Date.now();
      if (this.video) this.video.requestVideoFrameCallback(onFrame);
    };
    if ('requestVideoFrameCallback' in this.video) this.video.requestVideoFrameCallback(onFrame);
    // Receiver figures for the tile's info and for tests: packets, pictures decoded, keyframes, PLIs.
    let polledAt = Date.now();
    this.statsTimer = setInterval(() => {
      if (!this.pc) return;
      // pictures decoded since the last poll came after it: the earliest they can have come
      const since = polledAt;
      polledAt = Date.now();
      this.pc.getStats().then((report) => {
        report.forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === 'audio') state.webrtcAudioStats = { packets: r.packetsReceived, lost: r.packetsLost, level: r.audioLevel, samples: r.totalSamplesReceived };
          if (r.type === 'inbound-rtp' && r.kind === 'video') {
            // Decoded pictures count as pictures even when the page is too busy to paint each one.
            if (r.framesDecoded > this.decoded) {
              this.decoded = r.framesDecoded;
              this.firstPicture();
              // not "now": a tile whose camera hung would otherwise look alive up to a poll longer
              state.lastFrameAt = Math.max(state.lastFrameAt, since);
            }
            state.webrtcStats = { packets: r.packetsReceived, lost: r.packetsLost, decoded: r.framesDecoded, keyframes: r.keyFramesDecoded, dropped: r.framesDropped, pli: r.pliCount, nack: r.nackCount, jitterBufferMs: r.jitterBufferEmittedCount ? Math.round((r.jitterBufferDelay / r.jitterBufferEmittedCount) * 1000) : null };
          }
        });
      }).catch(() => {});
    }, 1000);
    this.firstFrameTimer = setTimeout(() => { if (!this.seen && !this.decoded) this.fail('no WebRTC picture in time'); }, FIRST_FRAME_MS);
    this.start(camera, profile).catch((err) => this.fail(String(err && err.message || err)));
  }

  async start(camera, profile) {
    const pc = this.pc;
    // The offer goes at once, without waiting for the browser's candidates: the gateway answers with
    // its own, the browser checks them and the gateway learns the browser's address from the checks
    // (peer-reflexive). Saves the gathering time, and a refusal (WebRTC off) costs one round trip.
    await pc.setLocalDescription(await pc.createOffer());
    if (this.failed) return;
    const headers = { 'content-type': 'application/sdp' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`/api/webrtc/${encodeURIComponent(camera)}?profile=${encodeURIComponent(profile)}`, { method: 'POST', headers, body: pc.localDescription.sdp });
    if (res.status !== 201) {
      let reason = `HTTP ${res.status}`;
      try { const body = await res.json(); reason = body.messageCode || body.error || reason; } catch { /* not JSON */ }
      throw new Error(reason);
    }
    this.location = res.headers.get('location');
    // "PCMU; carried", "AAC; not-carried" or "none": for the tile's info and its unmute button.
    const audio = /^([A-Za-z0-9-]{1,32}); (carried|not-carried)$/.exec(res.headers.get('x-camera-audio') || '');
    this.state.audio = audio ? { codec: audio[1], carried: audio[2] === 'carried', muted: true } : null;
    const answer = await res.text();
    if (this.failed || !this.pc) return this.hangUp();
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    // The gateway asks for no playout delay (each picture shown once decoded): for the tile's info and tests.
    this.state.webrtcPlayoutDelayZero = /\/playout-delay\b/.test(answer);
  }

  /** Once, at WebRTC's own first picture (the player may already show MSE's while this connects). */
  firstPicture() {
    if (this.seen || this.failed) return;
    this.seen = true;
    this.onPicture();
  }

  /** The status socket says the camera's stream is running: a picture is due soon. */
  streamIsPlaying() {
    if (this.playingTimer || this.failed) return;
    this.playingTimer = setTimeout(() => { if (!this.seen && !this.decoded) this.fail('no WebRTC picture in time'); }, FIRST_FRAME_AFTER_PLAYING_MS);
  }

  // WebRTC has no text channel here: the status WebSocket (media=0) says why pictures stop.
  push() {}

  fail(reason) {
    if (this.failed) return;
    this.failed = true;
    this.state.webrtcError = reason;
    this.onFail(reason);
  }

  hangUp() {
    if (!this.location) return;
    const headers = this.token ? { authorization: `Bearer ${this.token}` } : {};
    fetch(this.location, { method: 'DELETE', headers, keepalive: true }).catch(() => {});
    this.location = null;
  }

  /** Sound on or off (the tile's button; a person's click). */
  setMuted(muted) {
    if (!this.video || !this.state.audio || !this.state.audio.carried) return false;
    this.video.muted = muted;
    if (!muted) this.video.play().catch(() => {});
    this.state.audio = { ...this.state.audio, muted: this.video.muted };
    return true;
  }

  destroy() {
    this.failed = true;
    clearTimeout(this.firstFrameTimer);
    clearTimeout(this.playingTimer);
    clearInterval(this.statsTimer);
    this.hangUp();
    if (this.pc) this.pc.close();
    this.pc = null;
    if (this.video) this.video.srcObject = null;
    this.video = null;
  }
}
