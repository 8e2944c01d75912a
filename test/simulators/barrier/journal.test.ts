import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntryPayload } from '../../../devices/mqtt-barrier/protocol.js';
import { EntryJournal } from '../../../simulators/barrier/journal.js';

const entry = (i: number): EntryPayload => ({
  eventId: `g-${i}`,
  timestamp: new Date(1_800_000_000_000 + i).toISOString(),
  direction: 'in',
  credential: { type: 'card', value: String(i) },
  result: 'granted',
});

describe('barrier entry journal', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-journal-'));
    dirs.push(dir);
    return join(dir, 'gate.journal');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps unacknowledged entries across a restart, in order, and forgets acknowledged and rejected ones', async () => {
    const file = fresh();
    const j = new EntryJournal(file);
    await j.open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => j.append(entry(i))));
    j.acknowledge(['g-0', 'g-5', 'g-99']);
    j.reject('g-7', 'schema');
    await j.close();
    const again = new EntryJournal(file);
    await again.open();
    const ids = [...again.entries()].map((h) => h.payload.eventId);
    expect(ids).toHaveLength(96);
    expect(ids[0]).toBe('g-1');
    expect(ids).not.toContain('g-5');
    expect(ids).not.toContain('g-7');
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
    expect(again.rejected).toEqual([{ eventId: 'g-7', reason: 'schema' }]);
    expect([...again.entries()].every((h) => h.attempts === 1)).toBe(true);
    await again.close();
  });

  it('an entry is on disk when append resolves, and a torn last line (crash mid-write) is skipped', async () => {
    const file = fresh();
    const j = new EntryJournal(file);
    await j.open();
    await j.append(entry(1));
    expect(readFileSync(file, 'utf8')).toContain('"g-1"');
    await j.close();
    appendFileSync(file, '{"e":{"eventId":"g-2","timest');
    const again = new EntryJournal(file);
    await again.open();
    expect([...again.entries()].map((h) => h.payload.eventId)).toEqual(['g-1']);
    await again.close();
  });

  it('rewrites itself small once most lines are acknowledgements', async () => {
    const file = fresh();
    const j = new EntryJournal(file);
    await j.open();
    for (let round = 0; round < 25; round++) {
      const batch = Array.from({ length: 1000 }, (_, i) => entry(round * 1000 + i));
      await Promise.all(batch.map((e) => j.append(e)));
      j.acknowledge(batch.map((e) => e.eventId));
    }
    await j.append(entry(999_999));
    await j.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    expect(lines).toBeLessThan(20_000);
    const again = new EntryJournal(file);
    await again.open();
    expect([...again.entries()].map((h) => h.payload.eventId)).toEqual(['g-999999']);
    await again.close();
  });
});
