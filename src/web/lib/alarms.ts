import { signal } from '@preact/signals';
import { api } from './api.js';
import { onFeed } from './feed.js';

/** An alarm as the feed carries it (`alarms/alarm/<id>`). */
export interface AlarmNotice {
  id: number;
  source: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  status: 'raised' | 'acknowledged' | 'closed';
  location: string | null;
  device: string | null;
  occurredAt: string;
  cameraId: string | null;
  groupCount: number;
  popup: boolean;
  enlargeS?: number;
  escalationLevel?: number;
  rules: string[];
}

/** Alarms waiting in the pop-up, oldest first (an acknowledged or closed one leaves it). */
export const popups = signal<AlarmNotice[]>([]);
/** Bumped on every alarm change (lists reload). */
export const alarmsVersion = signal(0);

let audio: AudioContext | undefined;

/** A two-tone alarm sound (Web Audio; no file to load). Returns false where the browser blocks it. */
export function alarmSound(): boolean {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (let i = 0; i < 4; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = i % 2 ? 660 : 880;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.25);
      osc.stop(now + i * 0.25 + 0.22);
    }
    (window as unknown as { cgAlarmSounds?: number }).cgAlarmSounds = ((window as unknown as { cgAlarmSounds?: number }).cgAlarmSounds ?? 0) + 1;
    return audio.state !== 'suspended';
  } catch {
    return false;
  }
}

let off: (() => void) | undefined;

/** Listens to the feed for alarms (once per page). `sound`: the console plays the alarm sound, a wall does not. */
export function watchAlarms(options: { sound: boolean }): () => void {
  off?.();
  off = onFeed('alarms/alarm/+', (m) => {
    const a = m.payload as AlarmNotice;
    alarmsVersion.value++;
    const others = popups.value.filter((p) => p.id !== a.id);
    if (a.status !== 'raised') {
      popups.value = others;
      return;
    }
    const known = popups.value.some((p) => p.id === a.id);
    if (a.popup || known) {
      popups.value = known ? popups.value.map((p) => (p.id === a.id ? { ...p, ...a } : p)) : [...others, a].slice(-50);
      if (a.popup && options.sound) alarmSound();
    }
  });
  return () => {
    off?.();
    off = undefined;
  };
}

export function dismiss(id: number): void {
  popups.value = popups.value.filter((p) => p.id !== id);
}

export const acknowledge = (id: number) => api(`/api/alarms/${id}/acknowledge`, { method: 'POST', body: {} });
export const closeAlarm = (id: number, as: 'false' | 'handled') => api(`/api/alarms/${id}/close`, { method: 'POST', body: { as } });
export const workOrderFrom = (id: number) => api<{ id: number }>(`/api/alarms/${id}/work-order`, { method: 'POST', body: {} });
