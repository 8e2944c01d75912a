import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 12 item 8: what mosquitto queued for the gateway's persistent session while it was away
 * arrives right after CONNACK, before the router has started. It must be stored, not acknowledged
 * and dropped (then only the barrier's resend, 10 s later, would bring it).
 */
describe('messages queued for the gateway session by an external mosquitto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-queued-'));
  const { barriers, devices } = barrierDevices(2, 'queued');
  const credentials = { username: 'gateway', password: 'gateway-secret-1' };
  let broker: RunningMosquitto | undefined;
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;

  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are stored within 2 s of the gateway coming back, none resent by the barriers', async () => {
    broker = await startMosquitto({ mqtt: { baseTopic: 'community', ...credentials, devices } });
    const config = { mqtt: { url: broker.url, ...credentials, protocolVersion: 4, devices } };
    const dataDir = join(dir, 'gateway');
    gw = await startTestGateway({ config, dataDir, keepDataDir: true });
    fleet = makeFleet(barriers, { dataDir: join(dir, 'sim'), retransmitMs: 60_000 });
    await fleet.start(broker.url);
    await waitFor(() => fleet!.barriers.every((b) => b.connected), 5000, 'barriers connected');
    await fleet.passage('queued-1');
    await waitFor(() => fleet!.totals().acknowledged === 1, 5000, 'first entry acknowledged');

    await gw.stop(); // its session (and subscriptions) stay in mosquitto
    gw = undefined;
    for (let i = 0; i < 5; i++) for (const b of barriers) await fleet.passage(b.id);
    expect(fleet.totals().held).toBe(10);

    const back = Date.now();
    gw = await startTestGateway({ config, dataDir, keepDataDir: true });
    await waitFor(() => fleet!.totals().held === 0, 2000, 'queued entries stored and acknowledged');
    const stored = gw.gateway.database.db.prepare<[], { n: number; last: number }>('SELECT COUNT(*) AS n, MAX(received_at) AS last FROM access_entries').get()!;
    expect(stored.n).toBe(11);
    expect(stored.last - back).toBeLessThan(2000);
    expect(fleet.totals().resent).toBe(0);
  });
});
