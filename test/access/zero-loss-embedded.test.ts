import { describe, it } from 'vitest';
import { expectZeroLoss, OFFLINE_MS, runFaults } from './zero-loss.js';

describe('zero loss on the embedded broker (aedes)', () => {
  it(
    'stores every generated entry exactly once after a broker (= gateway) restart, a gateway SIGKILL and a barrier offline',
    async () => {
      const run = await runFaults('embedded');
      console.log('embedded fault run', JSON.stringify(run.phases));
      expectZeroLoss(run);
    },
    OFFLINE_MS + 120_000,
  );
});
