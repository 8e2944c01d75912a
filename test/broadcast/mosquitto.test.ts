import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/broadcast/job.js';
import type { GatewayConfig } from '../../src/config/schema.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

describe('speakers behind an external mosquitto (its ACL allows exactly the group topics)', () => {
  const speakers = [
    { id: 'm-east', password: 'pw-m-east-1', groups: ['all', 'east'] },
    { id: 'm-west', password: 'pw-m-west-1', groups: ['all', 'west'] },
  ];
  let broker: RunningMosquitto;
  let gw: TestGateway;
  let fleet: SpeakerFleet;
  const dir = mkdtempSync(join(tmpdir(), 'cg-mosq-speakers-'));

  beforeAll(async () => {
    const mqttConfig = { baseTopic: 'community', username: 'gateway', password: 'gateway-pw-1', devices: speakers.map((s) => ({ ...s, kind: 'speakers' as const })) };
    broker = await startMosquitto({ mqtt: mqttConfig } as unknown as Pick<GatewayConfig, 'mqtt'>);
    gw = await startTestGateway({ config: { mqtt: { url: broker.url, username: 'gateway', password: 'gateway-pw-1', protocolVersion: 5, devices: mqttConfig.devices } } });
    fleet = new SpeakerFleet({ speakers, baseTopic: 'community', dataDir: dir });
    await fleet.start({ mqttUrl: broker.url });
    await waitFor(() => speakers.every((s) => gw.gateway.presence.get('speakers', s.id)?.availability === 'online'), 5000, 'speakers online');
  });
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a group TTS reaches the group member only', async () => {
    const token = await gw.login('officer');
    const res = await gw.api('/api/broadcast/tts', { method: 'POST', token, json: { text: 'East gate closing.', groups: ['east'] } });
    expect(res.status).toBe(201);
    const job = (await res.json()) as JobView;
    await waitFor(() => fleet.get('m-east').recording(job.id)?.end === 'finished', 10_000, 'east finished');
    expect(fleet.get('m-east').recording(job.id)!.samples).toBeGreaterThan(8000);
    expect(fleet.get('m-west').recording(job.id)).toBeUndefined();
  });
});
