import { describe, expect, it } from 'vitest';
import { Arbiter } from '../../src/broadcast/arbiter.js';

const set = (...s: string[]) => new Set(s);

describe('arbiter: who owns each speaker', () => {
  it('a higher job takes only the speakers it shares; they come back when it ends', () => {
    const a = new Arbiter();
    expect(a.add({ id: 'sched', priority: 10, speakers: set('gate', 'lobby') })).toEqual([{ jobId: 'sched', lost: [], gained: ['gate', 'lobby'], takenBy: new Map() }]);
    const taken = a.add({ id: 'live', priority: 40, speakers: set('gate') });
    expect(taken).toEqual([
      { jobId: 'sched', lost: ['gate'], gained: [], takenBy: new Map([['gate', 'live']]) },
      { jobId: 'live', lost: [], gained: ['gate'], takenBy: new Map() },
    ]);
    expect(a.owned('sched')).toEqual(['lobby']);
    expect(a.blockers(['gate'], 40).map((j) => j.id)).toEqual(['live']);
    expect(a.blockers(['lobby'], 20)).toEqual([]);
    expect(a.remove('live')).toEqual([{ jobId: 'sched', lost: [], gained: ['gate'], takenBy: new Map() }]);
  });

  it('the earlier job wins a tie, a lower job waits, and releasing gives nothing to anyone else', () => {
    const a = new Arbiter();
    a.add({ id: 'first', priority: 10, speakers: set('s1') });
    expect(a.add({ id: 'second', priority: 10, speakers: set('s1') })).toEqual([]);
    expect(a.ownerOf('s1')).toBe('first');
    expect(a.remove('first')).toEqual([{ jobId: 'second', lost: [], gained: ['s1'], takenBy: new Map() }]);
    a.add({ id: 'alarm', priority: 30, speakers: set('s1') });
    expect(a.release('second', ['s1'])).toEqual([]);
    expect(a.remove('alarm')).toEqual([]);
    expect(a.ownerOf('s1')).toBeUndefined();
  });
});
