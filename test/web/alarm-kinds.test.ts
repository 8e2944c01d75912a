import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUTTON_EVENT_TYPES } from '../../devices/alarm-button/protocol.js';
import { DOOR_EVENT_TYPES } from '../../devices/door-sensor/protocol.js';
import { alarmKindsEn } from '../../src/web/i18n/areas/alarm-kinds.en.js';
import { alarmKindsZh } from '../../src/web/i18n/areas/alarm-kinds.zh-CN.js';

describe('alarm kind names', () => {
  it('every kind the alarm sources raise has a Chinese and an English name', () => {
    const fixed = [...readFileSync('src/alarms/sources.ts', 'utf8').matchAll(/kind: '([a-z-]+)'|this\.camera\([^,]+, '([a-z-]+)'/g)].map((m) => m[1] ?? m[2]!);
    const vision = ['intrusion', 'loitering', 'crowding', 'vehicle-dwell', 'line-crossing'].map((k) => `vision/${k}`);
    const kinds = [...new Set([...BUTTON_EVENT_TYPES, ...DOOR_EVENT_TYPES, ...fixed, ...vision, 'manual', 'watch-breach'])];
    expect(fixed.length).toBeGreaterThan(4);
    expect(kinds.filter((k) => !alarmKindsZh[k] || !alarmKindsEn[k])).toEqual([]);
    for (const text of Object.values(alarmKindsZh)) expect(text).toMatch(/[\u4e00-\u9fff]/);
  });
});
