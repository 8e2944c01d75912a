import { visitorsZh } from './areas/visitors.zh-CN.js';
import { alarmPagesZh } from './areas/alarm-pages.zh-CN.js';
import { districtZh } from './areas/district.zh-CN.js';
import { adminZh } from './areas/admin.zh-CN.js';
import { wordsZh } from './areas/words.zh-CN.js';
import { deployZh } from './areas/deploy.zh-CN.js';
import { alarmsZh } from './areas/alarms.zh-CN.js';
import { sitemapZh } from './areas/sitemap.zh-CN.js';
import { visionZh } from './areas/vision.zh-CN.js';
import { consoleZh } from './areas/console.zh-CN.js';
import { broadcastZh } from './areas/broadcast.zh-CN.js';
import { gatesZh } from './areas/gates.zh-CN.js';
import { camerasAdminZh } from './areas/cameras-admin.zh-CN.js';
import { gateTasksZh } from './areas/gate-tasks.zh-CN.js';
import { schedulesZh } from './areas/schedules.zh-CN.js';
import { toursZh } from './areas/tours.zh-CN.js';
import { playbackZh } from './areas/playback.zh-CN.js';
import { cameraSpeakersZh } from './areas/camera-speakers.zh-CN.js';
import { ptzFeedbackZh } from './areas/ptz-feedback.zh-CN.js';
import { tileAudioZh } from './areas/tile-audio.zh-CN.js';

/**
 * Simplified Chinese: the default language of the dashboards. Every string the user sees is in a
 * catalog: this one, and one per console area under areas/ (each with its English twin).
 */
export const zhCN = {
  ...gatesZh,
  ...districtZh,
  ...playbackZh,
  ...alarmsZh,
  ...sitemapZh,
  ...alarmPagesZh,
  ...visionZh,
  ...visitorsZh,
  ...broadcastZh,
  ...gateTasksZh,
  ...toursZh,
  ...camerasAdminZh,
  ...schedulesZh,
  ...adminZh,
  ...wordsZh,
  ...deployZh,
  ...consoleZh,
  ...cameraSpeakersZh,
  ...ptzFeedbackZh,
  ...tileAudioZh,
  'app.title': '社区安防值班台',
  'app.language': '语言',
  'app.logout': '退出登录',
  'app.loading': '正在加载…',
  'app.unreachable': '网关没有应答，正在重试…',
  'app.offline': '与网关的连接已断开，正在重连…',
  'login.title': '值班员登录',
  'login.name': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '用户名或密码错误',
  'login.error': '无法登录：{message}',
  'role.admin': '管理员',
  'role.officer': '值班员',
  'role.viewer': '只读',
  'nav.cameras': '视频监控',
  'nav.gates': '出入口',
  'nav.broadcast': '广播喊话',
  'nav.health': '设备状态',
  'health.title': '设备状态',
  'health.online': '在线',
  'health.offline': '离线',
  'health.unknown': '未知',
  'health.loginRefused': '登录被拒绝（请检查用户名和密码）',
  'health.eventsFailing': '事件订阅失败（移动侦测报警可能收不到）',
  'health.none': '没有设备',
  'health.kind.cameras': '摄像机',
  'health.kind.barriers': '道闸',
  'health.kind.speakers': '音柱',
  'health.gateway': '网关',
  'wall.refused': '此电视墙链接无效或已被撤销，请联系管理员获取新的链接。',
  'wall.noCameras': '没有可显示的摄像机',
  'wall.page': '第 {page}/{pages} 页',
  'error.generic': '出错了：{message}',
  'cameras.none': '没有摄像机',
  'cameras.layout': '画面布局',
  'cameras.layoutN': '{n} 画面',
  'cameras.videoOf': '{name} 的实时画面',
  'cameras.focus': '选中 {name} 进行控制',
  'cameras.pick': '点击画面选择要控制的摄像机',
  'ptz.pad': '云台方向控制：拖动或使用方向键，+/- 变焦',
  'ptz.padHelp': '按住拖动转动摄像机，松开即停止；方向键转动，+ 和 - 变焦',
  'ptz.zoomIn': '放大',
  'ptz.zoomOut': '缩小',
  'ptz.speed': '速度',
  'ptz.controlledBy': '当前控制人：{name}',
  'ptz.free': '无人控制',
  'ptz.takeOver': '接管控制',
  'ptz.preempted': '控制权已被 {name} 接管',
  'ptz.viewOnly': '只读账号不能控制云台',
  'presets.title': '预置位',
  'presets.name': '新预置位名称',
  'presets.save': '保存当前位置',
  'presets.delete': '删除预置位 {name}',
  'presets.confirmDelete': '确定删除预置位“{name}”吗？',
  'tours.title': '巡航',
  'tours.none': '没有巡航路线',
  'tours.running': '正在巡航“{name}”：第 {step}/{steps} 步（{preset}）',
  'tours.stop': '停止巡航',
  'phone.previous': '上一个摄像机',
  'phone.next': '下一个摄像机',
  'phone.choose': '选择摄像机',
} as const;

export type MessageKey = keyof typeof zhCN;
