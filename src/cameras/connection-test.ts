/**
 * "Test connection" before a camera is added: connect with the given address and login, read what
 * an admin wants to see (maker, model, firmware, media profiles, PTZ, clock offset), disconnect.
 * The answer says in words what went wrong rather than failing the request.
 */
import { OnvifCameraDriver, type DeviceInformation } from '../../devices/onvif-camera/driver.js';
import { errorMessage, UserError } from '../core/errors.js';
import type { MessageCode, MessageParams } from '../core/messages.js';

export interface ConnectionTestInput {
  host: string;
  port: number;
  path?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** `camera_auth` (login refused), `device_unavailable`, `timeout`, `camera_fault`... when not ok. */
  code: string | null;
  /** The English sentence of what went wrong; `messageCode` and `params` for the dashboards' catalogs. */
  error: string | null;
  messageCode: MessageCode | null;
  params: MessageParams;
  device: DeviceInformation | null;
  profiles: Array<{ name: string; codec: string | null; width: number | null; height: number | null }>;
  ptz: boolean;
  clockOffsetMs: number | null;
  elapsedMs: number;
}

export async function testCameraConnection(input: ConnectionTestInput, requestTimeoutMs: number): Promise<ConnectionTestResult> {
  const started = Date.now();
  const driver = new OnvifCameraDriver({ label: `${input.host}:${input.port}`, host: input.host, port: input.port, path: input.path, username: input.username, password: input.password, requestTimeoutMs, mediaHosts: [] });
  try {
    const caps = await driver.connect();
    const device = await driver.deviceInformation().catch(() => null);
    return {
      ok: true,
      code: null,
      error: null,
      messageCode: null,
      params: {},
      device,
      profiles: caps.profiles.map((p) => ({ name: p.name, codec: p.codec ?? null, width: p.width ?? null, height: p.height ?? null })),
      ptz: caps.ptz,
      clockOffsetMs: driver.clockOffsetMs,
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    const coded = err instanceof UserError ? { messageCode: err.messageCode, params: err.params } : { messageCode: 'internal.detail' as const, params: { reason: errorMessage(err) } };
    return { ok: false, code: err instanceof UserError ? err.code : 'error', error: errorMessage(err), ...coded, device: null, profiles: [], ptz: false, clockOffsetMs: null, elapsedMs: Date.now() - started };
  } finally {
    await driver.shutdown();
  }
}
