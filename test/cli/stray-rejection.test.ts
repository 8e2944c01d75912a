/**
 * A promise rejection nobody handled is logged and the gateway process keeps serving (issue 11,
 * item 8: the last line of defence). Node's default would end the process.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
import { logStrayRejections } from './src/cli/common.ts';
import { createLogger } from './src/core/logger.ts';
logStrayRejections(createLogger({ level: 'info', pretty: false }));
void Promise.reject(new Error('lost in a handler'));
setTimeout(() => { console.log('still serving'); process.exit(0); }, 200);
`;

describe('stray promise rejections', () => {
  it('are logged with their error and do not end the process', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/still serving/);
    expect(run.stdout).toMatch(/lost in a handler/);
    expect(run.stdout).toMatch(/nothing handled it/);
  });
});
