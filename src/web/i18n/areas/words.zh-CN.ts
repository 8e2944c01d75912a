/** 设备上报的原因、任务名称等固定说法的中文（未知的原因按原文显示）。 */
export const wordsZh = {
  'reason.allow-list': '白名单',
  'reason.deny-list': '黑名单',
  'reason.visitor': '访客',
  'reason.visitor code': '访客码',
  'reason.remote open': '远程开闸',
  'reason.opened by guard': '保安开闸',
  'reason.not on allow list': '不在白名单',
  'job.live': '{by} 的实时喊话',
  'targets.group': '{name}（分组）',
} as const;
