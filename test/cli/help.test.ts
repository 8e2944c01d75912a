/**
 * Every command answers --help with its usage and exit code 0, without doing anything else
 * (`sim --help` used to start the whole community, `mosquitto-config --help` crashed), and a
 * mistyped option is a one-line error, not a stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { freePort } from '../../src/core/net.js';
import { waitFor } from '../helpers/wait.js';
import { describe, expect, it } from 'vitest';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, GATEWAY_CONFIG: '' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('command line help', () => {
  it.each([
    [['sim', '--help'], /usage: community-gateway sim \[KIND\.\.\.\]/],
    [['sim', '-h'], /usage: community-gateway sim \[KIND\.\.\.\]/],
    [['sim', 'camera', '--help'], /usage: community-gateway sim camera/],
    [['mosquitto-config', '--help'], /usage: community-gateway mosquitto-config --config FILE --out DIR/],
    [['start', '--help'], /usage: community-gateway start/],
    [['check-config', '--help'], /usage: community-gateway check-config FILE/],
    [['hash-password', '--help'], /usage: echo -n PASSWORD \| community-gateway hash-password/],
    [['--help'], /Every command takes --help/],
  ])('%j prints its usage and exits 0', (args, usage) => {
    const run = cli(...args);
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(run.stdout).toMatch(usage);
    expect(run.stdout).not.toMatch(/Simulated devices running|is running|wrote /);
    expect(run.status).toBe(0);
  });

  it('a mistyped option is one plain error line and exit code 2', () => {
    const run = cli('mosquitto-config', '--outt', 'x');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--outt'/);
    expect(run.stderr).toMatch(/mosquitto-config --help/);
    expect(run.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('sim says which broker it uses, and that nothing listens there, instead of hanging on a fixed 1883', () => {
    const run = cli('sim', 'barriers', '--mqtt-url', 'mqtt://127.0.0.1:1');
    expect(run.stdout).toMatch(/MQTT devices connect to mqtt:\/\/127\.0\.0\.1:1/);
    expect(run.stderr).toMatch(/Nothing accepts connections at mqtt:\/\/127\.0\.0\.1:1/);
    expect(run.status).toBe(2);
  });

  it('the camera simulator prints its discovery port', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'sim', 'camera', '--discovery', '--discovery-port', String(port), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor(() => out.includes('discovery'), 20_000, 'the discovery line');
      expect(out).toContain(`WS-Discovery probes on udp://127.0.0.1:${port}`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
