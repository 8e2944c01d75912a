import type { tileAudioZh } from './tile-audio.zh-CN.js';

/** Strings of a live tile's camera sound on WebRTC (English). */
export const tileAudioEn: Record<keyof typeof tileAudioZh, string> = {
  'tileAudio.unmute': 'Sound on',
  'tileAudio.mute': 'Mute',
  'tileAudio.unmuteOf': 'Turn on the sound of {name}',
  'tileAudio.muteOf': 'Mute {name}',
  'tileAudio.codec': 'Camera sound: {codec}',
  'tileAudio.notCarried': 'The camera sends {codec} sound; WebRTC carries only G.711 (PCMU/PCMA), so this tile is silent',
};
