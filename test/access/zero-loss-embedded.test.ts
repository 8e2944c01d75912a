import { describe, expect, it } from 'vitest';
import { OFFLINE_MS, runFaults } from './zero-loss.js';

describe('zero loss on the embedded broker (aedes)', () => {
  it(
    'stores every generated entry exactly once after a broker (= gateway) restart, a gateway SIGKILL and a barrier offline',
    async () => {
      const run = await runFaults('embedded');
      console.log('embedded fault run', JSON.stringify(run.phases));
      expect(run.phases).toHaveLength(3);
      for (const phase of run.phases) {
        expect(phase.generated).toBeGreaterThan(0);
        expect(phase.missing, phase.fault).toBe(0);
        expect(phase.duplicates, phase.fault).toBe(0);
        expect(phase.stored, phase.fault).toBe(phase.generated);
      }
    },
    OFFLINE_MS + 120_000,
  );
});
