import { expect } from 'vitest';
import { describeOutcome, RSS_GROWTH_LIMIT_MB, type FuzzOutcome } from './target.js';

/** The property of every fuzz target: no failing case, no crash, every part tried, RSS bounded. */
export function expectSurvived(outcome: FuzzOutcome, partCount: number): void {
  expect(outcome.failures, describeOutcome(outcome)).toEqual([]);
  expect(outcome.crashes).toBe(0);
  expect(outcome.cases).toBeGreaterThanOrEqual(partCount);
  expect(outcome.rssGrowthMb).toBeLessThan(RSS_GROWTH_LIMIT_MB);
}
