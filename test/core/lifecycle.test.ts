import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/net.js';
import { startTestGateway } from '../helpers/gateway.js';
import { trackHandles } from '../helpers/open-handles.js';
import { waitFor } from '../helpers/wait.js';

function childPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('lifecycle', () => {
  it('leaves no socket, timer or child process open after stop()', async () => {
    const children = childPids();
    const tracker = trackHandles();
    const gw = await startTestGateway();
    // Use it a little: a login and a feed WebSocket.
    const token = await gw.login('admin');
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/feed?token=${token}`);
    await new Promise((resolve) => ws.once('message', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await gw.stop();
    await closed;
    // Destroy hooks run asynchronously after close; give them a moment, then nothing may be left.
    try {
      await waitFor(() => tracker.open().length === 0, 2000, 'every handle to be closed').catch(() => undefined);
      expect(tracker.open()).toEqual([]);
    } finally {
      tracker.stop();
    }
    expect(childPids()).toEqual(children);
  });

  it('stops on SIGTERM within 5 s with exit code 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-sigterm-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      [
        'http:',
        `  port: ${await freePort()}`,
        'mqtt:',
        '  embedded:',
        `    port: ${await freePort()}`,
        'storage:',
        `  dataDir: ${dir}`,
        'log:',
        '  level: warn',
        '  pretty: false',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GATEWAY_ADMIN_PASSWORD: 'sigterm-test-1' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 20_000);
      const check = setInterval(() => {
        if (out.includes('is running')) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(5000);
  });
});
