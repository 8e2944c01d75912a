import type { sitemapZh } from './sitemap.zh-CN.js';

/** Strings of the site map (English); same keys as the Chinese catalog. */
export const sitemapEn: Record<keyof typeof sitemapZh, string> = {
  'nav.sitemap': 'Site map',
  'sitemap.title': 'Site map',
  'sitemap.noImage': 'There is no plan of the compound yet.',
  'sitemap.noImageAdmin': 'Upload a plan of the compound (PNG or JPEG, at most 5 MiB), then drag the devices to their places on it.',
  'sitemap.upload': 'Upload plan',
  'sitemap.replace': 'Replace plan',
  'sitemap.uploading': 'Uploading…',
  'sitemap.tooBig': 'The picture is too large: at most 5 MiB',
  'sitemap.palette': 'Not placed',
  'sitemap.paletteHint': 'Drag a device onto the plan; drag a marker on the plan to move it.',
  'sitemap.allPlaced': 'Everything is placed',
  'sitemap.remove': 'Take off the map',
  'sitemap.saveFailed': 'The place was not saved: {error}',
  'sitemap.alarmAt': 'Alarm at {name}',
  'sitemap.closeVideo': 'Close video',
  'sitemap.mapLabel': 'Plan of the compound',
  'sitemap.kind.cameras': 'Camera',
  'sitemap.kind.barriers': 'Barrier',
  'sitemap.kind.speakers': 'Speaker',
  'sitemap.kind.alarm-buttons': 'Alarm button',
  'sitemap.kind.door-sensors': 'Door sensor',
  'sitemap.kind.homes': 'Watched home',
};
