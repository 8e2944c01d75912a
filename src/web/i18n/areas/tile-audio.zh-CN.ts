/** Strings of a live tile's camera sound on WebRTC (Simplified Chinese). */
export const tileAudioZh = {
  'tileAudio.unmute': '开启声音',
  'tileAudio.mute': '静音',
  'tileAudio.unmuteOf': '开启 {name} 的声音',
  'tileAudio.muteOf': '关闭 {name} 的声音',
  'tileAudio.codec': '摄像机声音：{codec}',
  'tileAudio.notCarried': '摄像机声音为 {codec}，WebRTC 只传 G.711（PCMU/PCMA），此画面无声音',
};
