import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryPayloadSchema } from '../../../devices/mqtt-barrier/protocol.js';
import { BarrierFleet } from '../../../simulators/barrier/fleet.js';
import { Population, seededRandom } from '../../../simulators/barrier/traffic.js';
import { silentLogger } from '../../../src/core/logger.js';
import { freePort } from '../../../src/core/net.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';

const barriers = [
  { id: 'sim-1', password: 'sim-secret-1', kind: 'vehicle' as const },
  { id: 'sim-2', password: 'sim-secret-2', kind: 'pedestrian' as const },
];

describe('barrier simulator', () => {
  const simDir = mkdtempSync(join(tmpdir(), 'cg-sim-'));
  let gw: TestGateway | undefined;
  let port = 0;
  const fleetOf = () =>
    new BarrierFleet({ barriers, baseTopic: 'community', dataDir: simDir, log: silentLogger(), traffic: { mode: 'manual' }, timing: { openMs: 30, closeMs: 30, passMs: 60 }, retransmitMs: 1500, seed: 7 });
  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(simDir, { recursive: true, force: true });
  });

  it('makes realistic passages: Chinese plates with colours, cards, faces, QR codes, valid against the contract', () => {
    const population = new Population(seededRandom(1));
    const plates = Array.from({ length: 300 }, () => population.vehiclePassage());
    for (const p of plates) expect(p.credential.value).toMatch(/^[\u4e00-\u9fa5][A-Z]([A-Z0-9]{5}|[DF]\d{5})$/);
    expect(new Set(plates.map((p) => p.plateColor))).toEqual(new Set(['blue', 'green', 'yellow']));
    const walkers = Array.from({ length: 300 }, () => population.pedestrianPassage());
    expect(new Set(walkers.map((p) => p.credential.type))).toEqual(new Set(['card', 'face', 'qr']));
    const sample = { eventId: 'x-1', timestamp: new Date().toISOString(), ...plates[0]!, result: 'granted' as const };
    expect(entryPayloadSchema.safeParse(sample).success).toBe(true);
  });

  it('keeps entries made while nothing is reachable across its own restart and replays them in order', async () => {
    const first = fleetOf();
    await first.start(`mqtt://127.0.0.1:${port}`); // no broker there yet
    for (let i = 0; i < 30; i++) await first.passage('sim-1');
    for (let i = 0; i < 10; i++) await first.passage('sim-2');
    const made = [...first.get('sim-1').journal.entries()].map((h) => h.payload.eventId);
    expect(made).toHaveLength(30);
    await first.stop();

    const second = fleetOf();
    gw = await startTestGateway({ config: { mqtt: { devices: barriers.map((b) => ({ id: b.id, kind: 'barriers', password: b.password })), embedded: { port } } } });
    const order: string[] = [];
    gw.gateway.bus.on('access.entry', (e) => {
      if (e.gate === 'sim-1') order.push(e.eventId);
    });
    await second.start(gw.mqttUrl);
    await waitFor(() => second.totals().held === 0 && order.length === 30, 10_000, 'replayed');
    expect(order).toEqual(made);
    const rows = gw.gateway.database.db.prepare<[], { n: number; r: number }>('SELECT COUNT(*) AS n, SUM(retransmission) AS r FROM access_entries').get()!;
    expect(rows.n).toBe(40);
    expect(rows.r).toBe(40); // replayed entries are flagged as retransmissions
    await second.stop();
  });

  it('generates steady traffic on its own and publishes the arm state', async () => {
    const fleet = new BarrierFleet({ barriers, baseTopic: 'community', dataDir: simDir, log: silentLogger(), traffic: { mode: 'rate', perSecond: 20 }, timing: { openMs: 30, closeMs: 30, passMs: 60 }, seed: 9 });
    await fleet.start(gw!.mqttUrl);
    await waitFor(() => fleet.totals().acknowledged >= 20, 10_000, 'traffic acknowledged');
    const token = await gw!.login('viewer');
    const b = await waitFor(async () => {
      const res = (await (await gw!.api('/api/barriers/sim-1', { token })).json()) as { state: { state: string } | null };
      return res.state ? res : undefined;
    }, 5000, 'state seen');
    expect(['closed', 'opening', 'open', 'closing']).toContain(b.state!.state);
    await fleet.stop();
  });
});
