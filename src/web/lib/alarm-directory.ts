import { api } from './api.js';

/** Grids, workers and homes as GET /api/grids and /api/homes give them (src/alarms/directory.ts). */
export type Origin = 'config' | 'page';

export interface GridRow {
  id: string;
  name: string;
  buildings: string[];
  gates: string[];
  cameras: string[];
  devices: string[];
  supervisor: string;
  supervisorUser?: string;
  origin: Origin;
}

export interface WorkerRow {
  id: string;
  name: string;
  phone?: string;
  grid: string;
  onDuty: boolean;
  user?: string;
  origin: Origin;
  open: number;
}

export interface HomeRow {
  id: string;
  building: string;
  unit: string;
  room: string;
  residents: string[];
  phone?: string;
  sensors: string[];
  cameraId?: string;
  watch?: { from: string; to: string };
  allowedHours: Array<{ from: string; to: string }>;
  origin: Origin;
  endedAt: number | null;
  watched: boolean;
}

export interface PickableDevice {
  id: string;
  name: string;
  kind: 'door-sensors' | 'alarm-buttons' | 'barriers';
  home: string | null;
}

/** A new entry's id: the pages ask for names only. */
export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** "a, b ,c" -> ["a", "b", "c"] (also the Chinese comma and 、). */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const setOnDuty = (id: string, onDuty: boolean) => api(`/api/grid-workers/${encodeURIComponent(id)}/duty`, { method: 'POST', body: { onDuty } });
export const endWatch = (id: string) => api(`/api/homes/${encodeURIComponent(id)}/end-watch`, { method: 'POST', body: {} });
