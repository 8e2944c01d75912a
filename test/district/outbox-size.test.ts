import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { applyMigrations } from '../../src/store/database.js';
import { uplinkMigrations } from '../../src/uplink/migrations.js';
import { OUTBOX_SIZE_SQL, OutboxStore, prepareOutboxAppend } from '../../src/uplink/outbox.js';

describe('the outbox size is read from the ends of its b-tree, not by a scan', () => {
  it('each append and size() search the rowid (no SCAN of uplink_outbox) and count exactly while rows leave as a prefix', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      applyMigrations(db, [uplinkMigrations], silentLogger());
      // every append runs this test; a scan made appends O(backlog) while the link was down
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT ${OUTBOX_SIZE_SQL} AS n`).all() as Array<{ detail: string }>;
      expect(plan.map((r) => r.detail).filter((d) => /^SCAN uplink_outbox/.test(d))).toEqual([]);
      expect(plan.map((r) => r.detail).filter((d) => /^SEARCH uplink_outbox/.test(d))).toHaveLength(2);
      const append = prepareOutboxAppend(db, 5);
      const outbox = new OutboxStore(() => db, 5);
      expect(outbox.size()).toBe(0);
      db.transaction(() => {
        for (let i = 1; i <= 6; i++) append('entry', String(i), { i });
      })();
      expect(outbox.size()).toBe(5); // the sixth did not fit
      expect(outbox.dropped()).toBe(1);
      outbox.removeUpTo(outbox.after(0, 2).at(-1)!.id);
      expect(outbox.size()).toBe(3);
    } finally {
      db.close();
    }
  });
});
