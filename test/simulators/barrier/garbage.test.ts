import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barrierAck, barrierCommand, barrierLists } from '../../../devices/mqtt-barrier/protocol.js';
import { BarrierFleet } from '../../../simulators/barrier/fleet.js';
import { silentLogger } from '../../../src/core/logger.js';
import { buildTopic } from '../../../src/core/mqtt-contract.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';

const GARBAGE: ReadonlyArray<string | Buffer> = [
  '',
  'null',
  '42',
  '"open"',
  '[]',
  '{',
  '{}',
  '{"requestId":"r-1","command":"explode","issuedAt":"x","expiresAt":"y"}',
  '{"requestId":"r-2","command":"open"}',
  '{"eventIds":"not-a-list","committedAt":5}',
  '{"version":-1,"allow":{},"deny":null}',
  '{"__proto__":{"polluted":true}}',
  Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]),
  'x'.repeat(100_000),
];

describe('barrier simulator against malformed messages from the gateway side', () => {
  const simDir = mkdtempSync(join(tmpdir(), 'cg-sim-garbage-'));
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    rmSync(simDir, { recursive: true, force: true });
  });

  it('logs and ignores garbage on every topic it subscribes to, and goes on working', async () => {
    const barriers = [{ id: 'sim-g', password: 'sim-garbage-secret', kind: 'vehicle' as const }];
    gw = await startTestGateway({ config: { mqtt: { devices: barriers.map((b) => ({ id: b.id, kind: 'barriers', password: b.password })) } } });
    fleet = new BarrierFleet({ barriers, baseTopic: 'community', dataDir: simDir, log: silentLogger(), traffic: { mode: 'manual' }, timing: { openMs: 20, closeMs: 20, passMs: 40 }, seed: 3 });
    await fleet.start(gw.mqttUrl);
    const barrier = fleet.get('sim-g');
    await waitFor(() => barrier.connected, 5000, 'barrier connected');
    const topics = [barrierAck, barrierCommand, barrierLists].map((spec) => buildTopic('community', spec, { id: 'sim-g' }));
    for (const topic of topics) for (const payload of GARBAGE) await gw.gateway.mqtt.publish(topic, payload, { qos: 1 });
    await waitFor(() => barrier.snapshot().malformedReceived === topics.length * GARBAGE.length, 5000, 'every malformed message seen');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still alive: an entry is made, sent, stored and acknowledged; a real command is obeyed.
    await fleet.passage('sim-g');
    await waitFor(() => barrier.snapshot().acknowledged === 1 && barrier.snapshot().held === 0, 5000, 'entry acknowledged');
    const token = await gw.login('officer');
    const res = await gw.api('/api/barriers/sim-g/open', { method: 'POST', token, json: { reason: 'after the garbage' } });
    expect(res.status).toBe(200);
  });
});
