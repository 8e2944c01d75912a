import type { playbackZh } from './playback.zh-CN.js';

/** Strings of the playback mode (English); same keys as the Chinese catalog. */
export const playbackEn: Record<keyof typeof playbackZh, string> = {
  'nav.playback': 'Playback',
  'playback.title': 'Recorded video',
  'playback.timeline': 'Timeline: click to play from there, drag to choose a range',
  'playback.gap': 'Not recorded',
  'playback.event.gate-entry': 'Gate entry',
  'playback.event.motion': 'Motion',
  'playback.event.bookmark': 'Bookmark',
  'playback.event.alarm': 'Alarm',
  'playback.play': 'Play',
  'playback.pause': 'Pause',
  'playback.step': 'Next frame',
  'playback.zoom': 'Zoom',
  'playback.zoom.0': '24 hours',
  'playback.zoom.1': '6 hours',
  'playback.zoom.2': '1 hour',
  'playback.zoom.3': '15 minutes',
  'playback.zoom.4': '1 minute',
  'playback.snapshot': 'Snapshot',
  'playback.export': 'Export this range',
  'playback.exportPick': 'Drag on a timeline to choose the range to export first.',
  'playback.exported': 'Exported. The file is in the list of exports.',
  'playback.fromEntry': 'Play the gate camera at this time',
};
