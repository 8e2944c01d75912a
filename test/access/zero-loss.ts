import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { freePort } from '../../src/core/net.js';
import { startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';
import { GatewayProcess } from './gateway-process.js';
import { barrierDevices, makeFleet } from './helpers.js';

/** How long one barrier stays offline (the 2 minutes unless BARRIER_OFFLINE_MS says otherwise). */
export const OFFLINE_MS = Number(process.env.BARRIER_OFFLINE_MS ?? 120_000);
const RATE_PER_BARRIER = 5; // entries/s each, 4 barriers

/** The acceptance: every entry held across a fault is stored within this long of the reconnect. */
export const HELD_STORED_WITHIN_MS = 2000;

export interface FaultRun {
  phases: Array<{
    fault: string;
    generated: number;
    stored: number;
    missing: number;
    duplicates: number;
    resentByBarriers: number;
    /** Entries held by the barriers at the fault or made during it (until the reconnect). */
    heldAcross: number;
    /** Latest storage of one of them after the reconnect (ms; negative: all stored before it). */
    lastStoredAfterReconnectMs: number;
    /** Of them, stored later than HELD_STORED_WITHIN_MS after the reconnect. */
    storedLate: number;
    /** Of them, stored only after the barrier's resend timer sent them again after the reconnect. */
    storedAfterResend: number;
  }>;
}

function count(file: string): { rows: number; distinct: number; ids: Set<string>; receivedAt: Map<string, number> } {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const rows = db.prepare<[], { gate: string; event_id: string; received_at: number }>('SELECT gate, event_id, received_at FROM access_entries').all();
    const receivedAt = new Map(rows.map((r) => [`${r.gate}/${r.event_id}`, r.received_at]));
    return { rows: rows.length, distinct: receivedAt.size, ids: new Set(receivedAt.keys()), receivedAt };
  } finally {
    db.close();
  }
}

/**
 * Runs steady traffic from 4 simulated barriers through a gateway in a child process and applies
 * the three faults of the issue one after the other; after each, waits until every barrier holds
 * nothing more, and compares both sides: every generated (gate, eventId) stored, none twice.
 */
export async function runFaults(broker: 'embedded' | 'mosquitto'): Promise<FaultRun> {
  const dir = mkdtempSync(join(tmpdir(), `cg-zero-loss-${broker}-`));
  const { barriers, devices } = barrierDevices(4);
  const generated = new Set<string>();
  let mosquitto: RunningMosquitto | undefined;
  const mqtt: Record<string, unknown> = { devices };
  if (broker === 'embedded') {
    mqtt.embedded = { host: '127.0.0.1', port: await freePort() };
  } else {
    const credentials = { username: 'gateway', password: 'gateway-secret-1' };
    mosquitto = await startMosquitto({ mqtt: { baseTopic: 'community', ...credentials, devices } });
    Object.assign(mqtt, { url: mosquitto.url, ...credentials, protocolVersion: 4 });
  }
  const gateway = new GatewayProcess(dir, {
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt,
    storage: { dataDir: join(dir, 'data') },
    log: { level: 'warn', pretty: false },
  });
  let fleet: BarrierFleet | undefined;
  const run: FaultRun = { phases: [] };
  try {
    await gateway.start();
    // The barrier's real resend interval: an entry that waited for it shows as stored late.
    fleet = makeFleet(barriers, { dataDir: join(dir, 'sim'), retransmitMs: 10_000 });
    const f = fleet;
    // Track every entry generated (first send) to compare with what is stored.
    for (const b of f.barriers) {
      const original = b.present.bind(b);
      b.present = async (p) => {
        const e = await original(p);
        generated.add(`${b.id}/${e.eventId}`);
        return e;
      };
    }
    const mqttUrl = broker === 'embedded' ? `mqtt://127.0.0.1:${(mqtt.embedded as { port: number }).port}` : mosquitto!.url;
    await f.start(mqttUrl);
    await waitFor(() => f.barriers.every((b) => b.connected), 10_000, 'barriers connected');
    f.setTraffic({ mode: 'rate', perSecond: RATE_PER_BARRIER });
    // What the barriers hold when a fault starts, plus what they make until the reconnect.
    let across = new Set<string>();
    let collecting = false;
    for (const b of f.barriers) {
      const original = b.present.bind(b);
      b.present = async (p) => {
        const e = await original(p);
        if (collecting) across.add(`${b.id}/${e.eventId}`);
        return e;
      };
    }
    const faultStarts = () => {
      across = new Set(f.barriers.flatMap((b) => [...b.journal.entries()].map((h) => `${b.id}/${h.payload.eventId}`)));
      collecting = true;
    };
    let reconnectAt = 0;
    const reconnected = () => {
      reconnectAt = Date.now();
      collecting = false;
    };
    const settle = async (fault: string) => {
      f.setTraffic({ mode: 'manual' });
      await waitFor(() => f.barriers.every((b) => b.connected) && f.totals().held === 0, 90_000, `${fault}: every entry acknowledged`);
      const stored = count(join(dir, 'data', 'gateway.sqlite'));
      const missing = [...generated].filter((id) => !stored.ids.has(id)).length;
      let last = -Infinity;
      let storedLate = 0;
      let storedAfterResend = 0;
      for (const key of across) {
        const at = stored.receivedAt.get(key);
        if (at === undefined) continue; // counted as missing
        last = Math.max(last, at - reconnectAt);
        if (at - reconnectAt > HELD_STORED_WITHIN_MS) storedLate++;
        const [gate, eventId] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        const resent = f.get(gate).resentAtOf(eventId);
        // A resend while the gateway was still down (a slow restart on a loaded machine) reaches it
        // through the same reconnect; only one after the reconnect says the reconnect left it behind.
        if (resent !== undefined && resent >= reconnectAt && resent <= at) storedAfterResend++;
      }
      run.phases.push({
        fault,
        generated: generated.size,
        stored: stored.rows,
        missing,
        duplicates: stored.rows - stored.distinct,
        resentByBarriers: f.totals().resent,
        heldAcross: across.size,
        lastStoredAfterReconnectMs: Math.round(last),
        storedLate,
        storedAfterResend,
      });
      expect(f.failures).toBe(0);
      f.setTraffic({ mode: 'rate', perSecond: RATE_PER_BARRIER });
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    // 1. Broker restart mid-run. Embedded aedes lives (in memory) inside the gateway: restarting it is restarting the gateway.
    await sleep(3000);
    faultStarts();
    // Down for a second: barriers keep generating, so entries are held across the fault.
    if (mosquitto) await mosquitto.restart(1000);
    else {
      await gateway.stop();
      await gateway.start();
    }
    reconnected();
    await sleep(3000);
    await settle('broker restart');

    // 2. Gateway killed with SIGKILL mid-run, started again on the same data directory.
    await sleep(3000);
    faultStarts();
    await gateway.kill();
    await sleep(2000);
    await gateway.start();
    reconnected();
    await sleep(3000);
    await settle('gateway SIGKILL');

    // 3. One barrier offline while traffic goes on everywhere.
    const offline = f.barriers[0]!;
    faultStarts();
    offline.goOffline(OFFLINE_MS);
    await sleep(OFFLINE_MS);
    await waitFor(() => offline.connected, 5000, 'the offline barrier reconnected');
    reconnected();
    await sleep(2000);
    expect(offline.snapshot().generated).toBeGreaterThan(0);
    await settle(`barrier offline ${OFFLINE_MS / 1000} s`);
    return run;
  } finally {
    await fleet?.stop();
    await gateway.stop();
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every fault phase generated entries, and the gateway stored each exactly once. */
export function expectZeroLoss(run: Awaited<ReturnType<typeof runFaults>>): void {
  expect(run.phases).toHaveLength(3);
  for (const phase of run.phases) {
    expect(phase.generated).toBeGreaterThan(0);
    expect(phase.missing, phase.fault).toBe(0);
    expect(phase.duplicates, phase.fault).toBe(0);
    expect(phase.stored, phase.fault).toBe(phase.generated);
    // Held entries come in with the reconnect (broker queue, barrier replay), not with the 10 s resend.
    expect(phase.heldAcross, phase.fault).toBeGreaterThan(0);
    expect(phase.storedAfterResend, `${phase.fault}: entries stored only after the barrier resent them`).toBe(0);
    expect(phase.storedLate, `${phase.fault}: entries stored more than ${HELD_STORED_WITHIN_MS} ms after the reconnect`).toBe(0);
  }
}
