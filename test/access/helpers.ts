import type { MqttDeviceConfig } from '../../src/config/schema.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/store/database.js';
import { BarrierFleet, type FleetBarrier, type FleetOptions } from '../../simulators/barrier/fleet.js';

/** Barrier ids and passwords, and the gateway config fragment that admits them. */
export function barrierDevices(n: number, prefix = 'gate'): { barriers: FleetBarrier[]; devices: MqttDeviceConfig[] } {
  const barriers = Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, password: `pw-${prefix}-${i + 1}-secret`, kind: (i % 3 === 2 ? 'pedestrian' : 'vehicle') as FleetBarrier['kind'] }));
  return { barriers, devices: barriers.map((b) => ({ id: b.id, kind: 'barriers' as const, password: b.password, groups: [] })) };
}

export function makeFleet(barriers: FleetBarrier[], options: Partial<FleetOptions> = {}): BarrierFleet {
  return new BarrierFleet({
    barriers,
    baseTopic: 'community',
    dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'cg-barrier-sim-')),
    log: silentLogger(),
    traffic: { mode: 'manual' },
    timing: { openMs: 50, closeMs: 50, passMs: 100 },
    retransmitMs: 2000,
    seed: 42,
    ...options,
  });
}

/** Every (gate, eventId) stored, and whether any is stored twice. */
export function storedIds(db: Db): { ids: Set<string>; rows: number } {
  const rows = db.prepare<[], { gate: string; event_id: string }>('SELECT gate, event_id FROM access_entries').all();
  return { ids: new Set(rows.map((r) => `${r.gate}/${r.event_id}`)), rows: rows.length };
}
