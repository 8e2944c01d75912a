/* global navigator, sessionStorage, fetch, location, WebSocket, AudioContext, AudioWorkletNode, URLSearchParams, URL, FormData */
/**
 * Push-to-talk: hold the button (or the space bar) to speak to the chosen speakers. The
 * microphone's mono audio goes through an AudioWorklet in 20 ms chunks; each chunk is sent over
 * the WebSocket `/api/broadcast/talk` as an 8-byte capture time (float64 LE, ms since the epoch)
 * followed by float32 samples. Releasing sends {"type":"stop"}; closing the page ends the talk.
 */
const params = new URLSearchParams(location.search);
const statusBox = document.getElementById('status');
const button = document.getElementById('ptt');
const groupsInput = document.getElementById('groups');
const speakersInput = document.getElementById('speakers');
groupsInput.value = params.get('groups') ?? '';
speakersInput.value = params.get('speakers') ?? '';

/** Visible to tests: the current talk's job id, state and messages. */
const state = { token: params.get('token') ?? sessionStorage.getItem('gateway-token'), jobId: null, phase: 'idle', released: false, messages: [], chunksSent: 0 };
window.talkState = state;

function show(text) {
  statusBox.textContent = text;
}

function ready() {
  button.disabled = !state.token;
  show(state.token ? 'ready: hold the button to talk' : 'log in first');
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: form.get('name'), password: form.get('password') }) });
  const body = await res.json();
  if (!res.ok) return show(`login failed: ${body.error}`);
  state.token = body.token;
  sessionStorage.setItem('gateway-token', body.token);
  ready();
});

let audio = null;
let socket = null;

/** The microphone and the AudioWorklet are set up once, on the first press. */
async function microphone() {
  if (audio) return audio;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const context = new AudioContext();
  await context.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url));
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'capture', { processorOptions: { chunkSamples: Math.round(context.sampleRate * 0.02) } });
  const mute = context.createGain();
  mute.gain.value = 0;
  source.connect(node).connect(mute).connect(context.destination);
  node.port.onmessage = (event) => send(event.data);
  audio = { context, stream };
  return audio;
}

function send(samples) {
  if (!socket || socket.readyState !== WebSocket.OPEN || state.phase !== 'talking') return;
  const message = new ArrayBuffer(8 + samples.byteLength);
  new DataView(message).setFloat64(0, Date.now(), true);
  new Float32Array(message, 8).set(samples);
  socket.send(message);
  state.chunksSent++;
}

async function press() {
  if (state.phase !== 'idle' || !state.token) return;
  state.phase = 'connecting';
  state.released = false;
  button.classList.add('talking');
  try {
    const { context } = await microphone();
    await context.resume();
    const query = new URLSearchParams({ token: state.token, groups: groupsInput.value, speakers: speakersInput.value, sampleRate: String(context.sampleRate), format: 'f32' });
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/broadcast/talk?${query}`);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      state.messages.push(message);
      if (message.type === 'started') {
        state.jobId = message.job.id;
        state.phase = 'talking';
        show(`talking (job ${message.job.id}, ${message.codec})`);
        if (state.released) release();
      } else if (message.type === 'error') show(`refused: ${message.message}`);
      else if (message.type === 'ended') show(`ended: ${message.event.event}${message.event.reason ? ` (${message.event.reason})` : ''}`);
    };
    socket.onclose = () => {
      state.phase = 'idle';
      button.classList.remove('talking');
      socket = null;
    };
  } catch (err) {
    state.phase = 'idle';
    button.classList.remove('talking');
    show(`microphone unavailable: ${err.message} (push-to-talk needs https or http://localhost)`);
  }
}

function release() {
  state.released = true;
  if (!socket || state.phase === 'connecting') return;
  state.phase = 'stopping';
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'stop' }));
  else socket.close();
}

button.addEventListener('pointerdown', press);
button.addEventListener('pointerup', release);
button.addEventListener('pointerleave', release);
window.addEventListener('keydown', (e) => { if (e.code === 'Space' && !e.repeat && e.target === document.body) { e.preventDefault(); press(); } });
window.addEventListener('keyup', (e) => { if (e.code === 'Space' && e.target === document.body) release(); });
ready();
