/**
 * The demo (`start --demo`) runs its simulators in child processes, one per device kind: a
 * simulator killed with SIGKILL is logged and started again while the gateway keeps serving, and
 * no simulator process outlives the gateway, whether it is stopped or killed. The start itself is
 * clean: no "camera not reachable" (the cameras are up before the gateway connects) and the login
 * banner is the last thing printed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, descendants } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

interface Demo {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  dir: string;
}

const running: Demo[] = [];

async function startDemo(): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'demo-processes-'));
  const file = join(dir, 'config.yaml');
  // a device of the file's own: `--demo --config` adds the demo's devices to it
  const own = ['  devices:', '    - id: own-barrier', '      kind: barriers', '      password: own-barrier-password-1'];
  writeFileSync(file, ['http:', '  port: 0', 'mqtt:', '  embedded:', '    port: 0', ...own, 'storage:', `  dataDir: ${join(dir, 'data')}`, 'log:', '  level: info', '  pretty: false'].join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start', '--demo', '--config', file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const demo: Demo = { child, url: '', output: () => out, dir };
  running.push(demo);
  const url = await waitFor(() => /is running: (http:\/\/\S+?)\/?\n/.exec(out)?.[1], 60_000, `the demo's banner (output so far: ${out.slice(-2000)})`).catch((err: Error) => {
    throw new Error(`${err.message}\n${out.slice(-3000)}`);
  });
  demo.url = url;
  await waitFor(() => out.includes('Stop with Ctrl+C.'), 5000, 'the whole banner');
  return demo;
}

function simulatorProcesses(pid: number): Array<{ pid: number; cmdline: string }> {
  return descendants(pid).filter((p) => p.cmdline.includes('community-process'));
}

/** Whether an HTTP server answers at `url`, on a connection closed right after (no keep-alive holding the port). */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { connection: 'close' }, timeout: 3000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(true));
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

async function healthz(url: string): Promise<number> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}

afterEach(async () => {
  for (const demo of running.splice(0)) {
    const all = descendants(demo.child.pid!);
    if (demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
      await new Promise((r) => demo.child.once('exit', r));
    }
    for (const p of all) if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    rmSync(demo.dir, { recursive: true, force: true });
  }
});

describe('demo simulators in their own processes', () => {
  it('starts clean, survives a killed simulator process, restarts it, and leaves no process after SIGTERM', async () => {
    const demo = await startDemo();
    const gatewayPid = demo.child.pid!;
    const atStart = demo.output();
    expect(atStart).not.toMatch(/not reachable/);
    // the banner is the last thing printed: nothing comes after it once the demo runs
    await new Promise((r) => setTimeout(r, 1500));
    expect(demo.output().trimEnd().endsWith('Stop with Ctrl+C.')).toBe(true);

    const sims = await waitFor(() => simulatorProcesses(gatewayPid).length >= 4 && simulatorProcesses(gatewayPid), 5000, 'four simulator processes');
    expect(sims.map((p) => /--kind (\w+)/.exec(p.cmdline)?.[1]).sort()).toEqual(['alarms', 'barriers', 'cameras', 'speakers']);
    // the file's own device is still configured next to the demo's: the broker lets it in
    const brokerPort = Number(/"port":(\d+),"msg":"embedded MQTT broker listening"/.exec(atStart)![1]);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'own-barrier', username: 'own-barrier', password: 'own-barrier-password-1', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
    expect(device.connected).toBe(true);
    await device.endAsync();

    const cameras = sims.find((p) => p.cmdline.includes('--kind cameras'))!;
    const onvif = /ONVIF (http:\/\/\S+)/.exec(atStart)![1]!;
    process.kill(cameras.pid, 'SIGKILL');
    // and while it is down, something else takes a camera's port: the restarted process fails to
    // start, the gateway logs why and tries again later; once the port is free the cameras come back
    await waitFor(() => !alive(cameras.pid), 5000, 'the cameras process gone');
    const squatter = createServer((socket) => socket.destroy());
    const onvifPort = Number(new URL(onvif).port);
    // (the gateway's own connections to the camera may hold the port for a moment after the kill)
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          squatter.once('error', () => resolve(false));
          squatter.listen(onvifPort, '127.0.0.1', () => resolve(true));
        }),
      800,
      "the camera's port free",
    );
    await waitFor(() => /"reason":"start: Error: listen EADDRINUSE/.test(demo.output()), 20_000, 'the failed restart logged');
    expect(demo.output()).toMatch(/"reason":"start: Error: listen EADDRINUSE[^"]*"[^\n]*the simulated cameras stopped unexpectedly/);
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    const statuses: number[] = [];
    const back = await waitFor(
      async () => {
        statuses.push(await healthz(demo.url));
        const again = simulatorProcesses(gatewayPid).find((p) => p.cmdline.includes('--kind cameras') && p.pid !== cameras.pid);
        return again && demo.output().includes('the simulated cameras are running again') && again;
      },
      40_000,
      'the cameras process back',
    );
    expect(back.pid).not.toBe(cameras.pid);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(demo.output()).toMatch(/the simulated cameras stopped unexpectedly[^\n]*SIGKILL|"signal":"SIGKILL"[^\n]*the simulated cameras stopped unexpectedly/);
    // the restarted cameras listen where the gateway's configuration says
    expect(await answers(onvif)).toBe(true);
    expect(await healthz(demo.url)).toBe(200);

    // someone is watching a camera when the gateway is stopped (its ffmpeg and the camera's stream run)
    const password = readFileSync(join(demo.dir, 'data', 'initial-admin-password'), 'utf8').trim();
    const login = await fetch(`${demo.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password }) });
    const { token } = (await login.json()) as { token: string };
    const viewer = new WebSocket(`${demo.url.replace('http', 'ws')}/api/streams/camera-1?profile=sub&format=jsmpeg&token=${token}`);
    viewer.on('error', () => {});
    await new Promise<void>((resolve) => {
      let frames = 0;
      viewer.on('message', (_data, binary) => binary && ++frames === 20 && resolve());
    });
    const all = descendants(gatewayPid);
    demo.child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => demo.child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    // a normal stop is quiet: devices leave first, the cameras last (no "camera events failed")
    const afterStop = demo.output().slice(demo.output().lastIndexOf('"msg":"stopping"'));
    expect(afterStop.split('\n').filter((line) => /"level":(40|50)/.test(line))).toEqual([]);
    await waitFor(() => all.every((p) => !alive(p.pid)), 5000, `no process left (${all.map((p) => p.cmdline.slice(0, 80)).join('; ')})`);
  }, 120_000);

  it('leaves no simulator process behind when the gateway is killed with SIGKILL', async () => {
    const demo = await startDemo();
    const all = descendants(demo.child.pid!);
    expect(all.filter((p) => p.cmdline.includes('community-process'))).toHaveLength(4);
    demo.child.kill('SIGKILL');
    await new Promise((r) => demo.child.once('exit', r));
    await waitFor(() => all.every((p) => !alive(p.pid)), 10_000, `no process left (${all.filter((p) => alive(p.pid)).map((p) => p.cmdline.slice(0, 80)).join('; ')})`);
  }, 120_000);
});
