/* global URLSearchParams, location */
// The gateway's live player page: /player.html?camera=<id>&profile=main|sub&format=auto|webrtc|mse|jsmpeg&lang=zh-CN|en&token=...
// One player (live-player.js) filling the page, embeddable in an <iframe>; window.cgPlayer is its state.
import { createPlayer } from './live-player.js';
import { playerTitle } from './status-text.js';

const params = new URLSearchParams(location.search);
const lang = params.get('lang') === 'en' ? 'en' : 'zh-CN';
document.documentElement.lang = lang;
document.title = playerTitle(lang);

const player = createPlayer(document.getElementById('player'), {
  camera: params.get('camera'),
  profile: params.get('profile') || 'main',
  format: params.get('format') || 'auto',
  token: params.get('token'),
  lang,
  badge: params.get('badge') !== '0',
  gl: params.get('gl') !== '0',
  start: params.get('start') || undefined,
  webrtc: params.get('webrtc') !== '0',
});
window.cgPlayer = player.state;

// Hang up when the page goes (a WebRTC session would otherwise wait for its connection to time out).
window.addEventListener('pagehide', () => player.destroy());
