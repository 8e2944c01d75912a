/** 摄像机自带喇叭（ONVIF 音频回传通道）作为广播目标：中文文字。 */
export const cameraSpeakersZh = {
  'cameraSpeakers.label': '{name}（摄像机喇叭）',
  'cameraSpeakers.title': '摄像机喇叭',
  'cameraSpeakers.hint': '配置里列出的摄像机：能通过 ONVIF 音频回传通道（G.711）播放的，可以和音柱一起选为广播目标。',
  'cameraSpeakers.col.camera': '摄像机',
  'cameraSpeakers.col.status': '能否广播',
  'cameraSpeakers.col.detail': '说明',
  'cameraSpeakers.available': '可以广播',
  'cameraSpeakers.unsupported': '不能广播',
  'cameraSpeakers.unknown': '尚未检测',
  'cameraSpeakers.codec': '编码 {codec}，音频输出 {outputs} 个',
  'cameraSpeakers.offline': '摄像机离线',
} as const;
