import { normalisePlate } from '../access/plate.js';
import type { StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import { VISITOR_PASS_PREFIX } from '../../devices/mqtt-barrier/passes-protocol.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';

export interface VisitorEntryView {
  entryId: number;
  passId: number;
  name: string;
  gate: string;
  occurredAt: string;
  direction: 'in' | 'out';
  result: 'granted' | 'denied';
  reason: string | null;
}

declare module '../core/event-bus.js' {
  interface GatewayEvents {
    /** An entry made with a visitor pass was tagged with it. */
    'visitors.entry': VisitorEntryView;
  }
}

interface Row {
  entry_id: number;
  pass_id: number;
  name: string;
  gate: string;
  occurred_at: number;
  direction: 'in' | 'out';
  result: 'granted' | 'denied';
  reason: string | null;
}

const view = (r: Row): VisitorEntryView => ({ entryId: r.entry_id, passId: r.pass_id, name: r.name, gate: r.gate, occurredAt: new Date(r.occurred_at).toISOString(), direction: r.direction, result: r.result, reason: r.reason });

const SELECT = 'SELECT e.*, p.name FROM visitor_entries e JOIN visitor_passes p ON p.id = e.pass_id';

/** Tags every stored entry made with a visitor pass with that pass (granted or refused). */
export class VisitorEntries implements Service {
  readonly name = 'visitor-entries';
  private off: (() => void) | undefined;

  constructor(private readonly deps: { database: Database; bus: EventBus; log: Logger }) {}

  async start(): Promise<void> {
    const db = this.deps.database.db;
    const passOf = db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM visitor_passes WHERE token = ?');
    // A plate admitted as a visitor's: the pass with that plate valid at the entry's time.
    const passOfPlate = db.prepare<[string, number, number], { id: number; name: string }>(
      'SELECT id, name FROM visitor_passes WHERE plate = ? AND revoked_at IS NULL AND valid_from <= ? AND valid_until > ? ORDER BY id DESC LIMIT 1',
    );
    const insert = db.prepare('INSERT OR IGNORE INTO visitor_entries (entry_id, pass_id, gate, occurred_at, direction, result, reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.off = this.deps.bus.on('access.entry', (entry: StoredEntry) => {
      const byCode = entry.credential.type === 'qr' && entry.credential.value.startsWith(VISITOR_PASS_PREFIX);
      const byPlate = entry.credential.type === 'plate' && entry.reason === 'visitor pass';
      if (!byCode && !byPlate) return;
      try {
        const at = Date.parse(entry.occurredAt);
        const pass = byCode ? passOf.get(entry.credential.value) : passOfPlate.get(normalisePlate(entry.credential.value), at, at);
        if (!pass) return; // a forged or mistyped code: the barrier refused it; the entry stays as it is
        if (insert.run(entry.id, pass.id, entry.gate, at, entry.direction, entry.result, entry.reason).changes === 0) return;
        this.deps.bus.emit('visitors.entry', { entryId: entry.id, passId: pass.id, name: pass.name, gate: entry.gate, occurredAt: new Date(at).toISOString(), direction: entry.direction, result: entry.result, reason: entry.reason });
      } catch (err) {
        this.deps.log.error({ err, entry: entry.id }, 'could not tag a visitor entry');
      }
    });
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = undefined;
  }

  /** Visitor entries in [from, to), oldest first. */
  between(from: number, to: number, limit = 5000): VisitorEntryView[] {
    return this.deps.database.db.prepare<[number, number, number], Row>(`${SELECT} WHERE e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.entry_id LIMIT ?`).all(from, to, limit).map(view);
  }

  /** The tags of these entries (for the gates page's list). */
  forEntries(ids: readonly number[]): VisitorEntryView[] {
    if (ids.length === 0) return [];
    return this.deps.database.db.prepare<number[], Row>(`${SELECT} WHERE e.entry_id IN (${ids.map(() => '?').join(',')})`).all(...ids).map(view);
  }

  ofPass(passId: number): VisitorEntryView[] {
    return this.deps.database.db.prepare<[number], Row>(`${SELECT} WHERE e.pass_id = ? ORDER BY e.occurred_at LIMIT 1000`).all(passId).map(view);
  }

  /** Granted visitor entries in [from, to) (Home Assistant's count). */
  countGranted(from: number, to: number): number {
    return this.deps.database.db.prepare<[number, number], { n: number }>("SELECT count(*) AS n FROM visitor_entries WHERE occurred_at >= ? AND occurred_at < ? AND result = 'granted'").get(from, to)!.n;
  }
}
