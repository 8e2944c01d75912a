import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpeakerFleet, type SpeakerSpec } from '../../simulators/speaker/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import type { JobView } from '../../src/broadcast/job.js';

export interface Rig {
  gw: TestGateway;
  fleet: SpeakerFleet;
  officer: string;
  /** POST/GET JSON as the officer; throws on an unexpected status. */
  call<T>(path: string, init?: { method?: string; json?: unknown; expect?: number; token?: string }): Promise<T>;
  waitJob(id: string, statuses: readonly string[], timeoutMs?: number): Promise<JobView>;
  stop(): Promise<void>;
}

/** A real gateway (embedded broker) and simulated speakers that connect to it with their own credentials. */
export async function startRig(speakers: ReadonlyArray<Omit<SpeakerSpec, 'password'>>, options: { config?: Record<string, unknown>; nativeTtsMsPerChar?: number } = {}): Promise<Rig> {
  const specs = speakers.map((s) => ({ ...s, password: `pw-${s.id}-secret` }));
  const gw = await startTestGateway({
    config: { ...(options.config ?? {}), mqtt: { devices: specs.map((s) => ({ id: s.id, kind: 'speakers', password: s.password, groups: [...s.groups] })) } },
  });
  const recordDir = mkdtempSync(join(tmpdir(), 'cg-speakers-'));
  const fleet = new SpeakerFleet({ speakers: specs, baseTopic: gw.config.mqtt.baseTopic, dataDir: recordDir, ...(options.nativeTtsMsPerChar ? { nativeTtsMsPerChar: options.nativeTtsMsPerChar } : {}) });
  await fleet.start({ mqttUrl: gw.mqttUrl });
  await waitFor(() => specs.every((s) => gw.gateway.presence.get('speakers', s.id)?.availability === 'online'), 5000, 'speakers online');
  const officer = await gw.login('officer');
  const call = async <T>(path: string, init: { method?: string; json?: unknown; expect?: number; token?: string } = {}): Promise<T> => {
    const res = await gw.api(path, { method: init.method ?? (init.json ? 'POST' : 'GET'), token: init.token ?? officer, ...(init.json !== undefined ? { json: init.json } : {}) });
    const text = await res.text();
    const expected = init.expect ?? (res.status >= 200 && res.status < 300 ? res.status : 200);
    if (res.status !== expected) throw new Error(`${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    gw,
    fleet,
    officer,
    call,
    waitJob: (id, statuses, timeoutMs = 15_000) =>
      waitFor(async () => {
        const job = await call<JobView>(`/api/broadcast/jobs/${id}`);
        return statuses.includes(job.status) ? job : undefined;
      }, timeoutMs, `job ${id} ${statuses.join('/')}`),
    async stop() {
      await fleet.stop();
      await gw.stop();
      rmSync(recordDir, { recursive: true, force: true });
    },
  };
}
