import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { barrierDevices, makeFleet, storedIds } from './helpers.js';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';

describe('smoke', () => {
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    await gw?.stop();
  });
  it('stores what barriers send', async () => {
    const { barriers, devices } = barrierDevices(3);
    gw = await startTestGateway({ config: { mqtt: { devices } } });
    fleet = makeFleet(barriers);
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet!.barriers.every((b) => b.connected), 5000, 'connected');
    for (let i = 0; i < 300; i++) void fleet.passage(barriers[i % 3]!.id);
    await waitFor(() => fleet!.totals().acknowledged === 300, 10000, 'acks');
    const stored = storedIds(gw.gateway.database.db);
    expect(stored.rows).toBe(300);
  });
});
