/** Camera administration: the shapes of GET /api/cameras, discovery and the connection test (docs/cameras.md). */

export interface DeviceInformation {
  manufacturer: string | null;
  model: string | null;
  firmwareVersion: string | null;
  serialNumber: string | null;
}

export interface CameraDetails {
  id: string;
  name: string;
  host: string;
  port: number;
  path: string | null;
  username: string | null;
  location: string | null;
  speakers: string[];
  source: 'config' | 'added';
  online: boolean;
  status: 'online' | 'offline' | 'login_refused';
  since: string;
  lastSeenAt: string | null;
  lastError: string | null;
  /** The last error as a message code with parameters, for the page's catalogs. */
  lastErrorCode?: { messageCode: string; params: Record<string, string | number> } | null;
  clockOffsetMs: number | null;
  device: DeviceInformation | null;
  eventHealth: { state: string; lastPullOkAt: string | null; lastError: string | null; failures: number } | null;
}

export interface DiscoveredCamera {
  endpoint: string;
  xaddrs: string[];
  host: string;
  port: number;
  name: string | null;
  hardware: string | null;
  location: string | null;
  addedAs: string | null;
}

export interface ConnectionTest {
  ok: boolean;
  code: string | null;
  error: string | null;
  /** What went wrong as a message code with parameters (the page's catalogs translate it). */
  messageCode?: string | null;
  params?: Record<string, string | number>;
  device: DeviceInformation | null;
  profiles: Array<{ name: string; codec: string | null; width: number | null; height: number | null }>;
  ptz: boolean;
  clockOffsetMs: number | null;
}

/** What the add/edit form holds (strings as typed). */
export interface CameraFormValue {
  id: string;
  name: string;
  host: string;
  port: string;
  path: string;
  username: string;
  password: string;
  location: string;
  speakers: string;
}

export const EMPTY_FORM: CameraFormValue = { id: '', name: '', host: '', port: '80', path: '', username: '', password: '', location: '', speakers: '' };

/** An id from a name the admin typed (letters, digits, - and _), or `camera-<n>` for a Chinese name. */
export function suggestId(name: string, taken: readonly string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'camera';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** The connection part of the form as the gateway's body. */
export function connectionBody(f: CameraFormValue): Record<string, unknown> {
  return {
    host: f.host.trim(),
    port: Number(f.port),
    ...(f.path.trim() ? { path: f.path.trim() } : {}),
    ...(f.username.trim() ? { username: f.username.trim() } : {}),
    ...(f.password ? { password: f.password } : {}),
  };
}

export function speakersOf(f: CameraFormValue): string[] {
  return f.speakers.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);
}
