// Plain words for the gateway's stream status codes (docs/streaming.md), zh-CN by default.
const TEXT = {
  'zh-CN': {
    starting: '正在连接摄像机…',
    'camera.offline': '摄像机离线，正在重试…',
    'camera.login_refused': '摄像机拒绝登录，请管理员检查用户名和密码',
    'stream.auth_failed': '摄像机拒绝视频登录（RTSP 401），请管理员检查用户名和密码',
    'stream.not_found': '摄像机上没有这路视频（RTSP 404），请管理员检查配置',
    'stream.unreachable': '连不上摄像机的视频端口，正在重试…',
    'stream.no_data': '摄像机没有发来画面，正在重试…',
    'stream.ffmpeg_exited': '视频中断，正在重连…',
    'stream.source_failed': '拿不到摄像机的视频地址，正在重试…',
    unknown: '视频暂不可用，正在重试…',
  },
  en: {
    starting: 'Connecting to the camera…',
    'camera.offline': 'Camera offline, retrying…',
    'camera.login_refused': 'The camera refused the login; an admin should check its user name and password',
    'stream.auth_failed': 'The camera refused the video login (RTSP 401); an admin should check its user name and password',
    'stream.not_found': 'The camera has no such video stream (RTSP 404); an admin should check the settings',
    'stream.unreachable': "Cannot reach the camera's video port, retrying…",
    'stream.no_data': 'The camera sends no picture, retrying…',
    'stream.ffmpeg_exited': 'Video interrupted, reconnecting…',
    'stream.source_failed': "Cannot get the camera's video address, retrying…",
    unknown: 'Video unavailable, retrying…',
  },
};

// The player's own badge (player.html without badge=0) and title.
const BADGE = {
  'zh-CN': { connecting: '连接中', reconnecting: '正在重连', error: '无法播放', closed: '连接已关闭（{code}）', noCamera: '地址中缺少 ?camera=<摄像机编号>', title: '实时视频' },
  en: { connecting: 'connecting', reconnecting: 'reconnecting', error: 'cannot play', closed: 'connection closed ({code})', noCamera: 'add ?camera=<id> to the address', title: 'Live video' },
};

/** The badge's text for the player's status: '' while playing; the close code instead of the gateway's English close reason. */
export function badgeText(status, lang, closeCode) {
  const table = BADGE[lang] || BADGE['zh-CN'];
  if (status === 'playing') return '';
  if (status === 'no-camera') return `${table.error}: ${table.noCamera}`;
  const word = table[status] || status;
  return closeCode === undefined ? word : `${word} · ${table.closed.replace('{code}', String(closeCode))}`;
}

/** The page title in the player's language. */
export function playerTitle(lang) {
  return (BADGE[lang] || BADGE['zh-CN']).title;
}

/** The sentence to show for a status message, or '' when there is nothing to say (playing). */
export function statusText(msg, lang) {
  const table = TEXT[lang] || TEXT['zh-CN'];
  if (!msg || msg.state === 'playing') return '';
  if (msg.state === 'starting' && !msg.reason) return table.starting;
  const code = msg.reason && typeof msg.reason.code === 'string' ? msg.reason.code : 'unknown';
  return table[code] || table.unknown;
}
