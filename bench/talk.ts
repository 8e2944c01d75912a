/**
 * `npm run bench -- talk [seconds]`: a live call-out from a WebSocket client that sends microphone
 * PCM like the push-to-talk page (20 ms float32 chunks at 48 kHz) through the gateway (resample,
 * G.711, one MQTT publish per frame) to simulated speakers; latency = frame decoded in the speaker
 * minus its capture time. For 1 speaker and for a group of 50, with the gateway's CPU (a child
 * process) during each talk minus idle. Baseline in the same run: a plain MQTT client publishing
 * the same pre-encoded frames straight to the speakers through a bare aedes broker (own process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { encodeMulaw } from '../devices/mqtt-speaker/g711.js';
import { buildTopic } from '../src/core/mqtt-contract.js';
import { encodeAudioFrame, groupAudio, groupPlay, speakerAudio, speakerPlay, type PlayMessage } from '../devices/mqtt-speaker/protocol.js';
import { freePort } from '../src/core/net.js';
import { SpeakerFleet, type SpeakerSpec } from '../simulators/speaker/fleet.js';
import type { DecodedFrameInfo } from '../simulators/speaker/speaker.js';
import { TalkClient } from '../simulators/speaker/talk-client.js';
import { measureUsage } from './lib/process-usage.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const BASE = 'community';
const GROUP_SIZE = 50;

function speakers(): SpeakerSpec[] {
  const solo: SpeakerSpec = { id: 'solo', password: 'bench-solo-pw', groups: ['solo'] };
  const members = Array.from({ length: GROUP_SIZE }, (_, i) => ({ id: `g${String(i).padStart(2, '0')}`, password: `bench-g${i}-pw`, groups: ['fifty'] }));
  return [solo, ...members];
}

async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`child did not print ${pattern} in ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready:\n${seen.slice(-2000)}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Collects per-frame latencies from the fleet while `run` executes. */
async function collect(fleet: SpeakerFleet, run: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const listener = (f: DecodedFrameInfo) => latencies.push(f.latencyMs);
  for (const s of fleet.speakers) s.on('frame', listener);
  try {
    await run();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    for (const s of fleet.speakers) s.off('frame', listener);
  }
  return latencies;
}

async function viaGateway(seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-talk-'));
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const specs = speakers();
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    stringify({
      site: { id: 'bench', name: 'Bench' },
      http: { host: '127.0.0.1', port: httpPort },
      mqtt: { baseTopic: BASE, embedded: { host: '127.0.0.1', port: mqttPort }, devices: specs.map((s) => ({ id: s.id, kind: 'speakers', password: s.password, groups: s.groups })) },
      auth: { users: [{ name: 'officer', password: 'bench-officer-pw', role: 'officer' }] },
      storage: { dataDir: join(dir, 'data') },
      log: { level: 'warn', pretty: false },
    }),
  );
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const fleet = new SpeakerFleet({ speakers: specs, baseTopic: BASE, dataDir: join(dir, 'recordings') });
  try {
    await waitForLine(gateway, /is running/, 60_000);
    await fleet.start({ mqttUrl: `mqtt://127.0.0.1:${mqttPort}` });
    const login = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: 'bench-officer-pw' }) });
    const { token } = (await login.json()) as { token: string };
    await new Promise((r) => setTimeout(r, 1000));
    const windowMs = seconds * 1000;
    const idle = await measureUsage([gateway.pid!], windowMs);
    const talk = async (target: { speakers?: string[]; groups?: string[] }) => {
      const client = new TalkClient({ url: `http://127.0.0.1:${httpPort}`, token, ...target });
      await client.start();
      let usage = { cpuPct: 0, rssMb: 0 };
      const latencies = await collect(fleet, async () => {
        const measuring = measureUsage([gateway.pid!], windowMs - 500);
        await client.sendTone(1000, windowMs);
        usage = await measuring;
        await client.stop();
      });
      return { latencies, usage };
    };
    const one = await talk({ speakers: ['solo'] });
    const group = await talk({ groups: ['fifty'] });
    return {
      p50: percentile(one.latencies, 50),
      p95: percentile(one.latencies, 95),
      frames1: one.latencies.length,
      group50p50: percentile(group.latencies, 50),
      group50p95: percentile(group.latencies, 95),
      framesGroup: group.latencies.length,
      idleCpu: idle.cpuPct,
      cpu1: one.usage.cpuPct - idle.cpuPct,
      cpuGroup: group.usage.cpuPct - idle.cpuPct,
      rssMb: group.usage.rssMb,
    };
  } finally {
    await fleet.stop();
    await stopChild(gateway);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same frames, pre-encoded, published by a plain client through a bare broker. */
async function baseline(seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-base-'));
  const port = await freePort();
  const broker = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-broker.ts', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const fleet = new SpeakerFleet({ speakers: speakers(), baseTopic: BASE, dataDir: join(dir, 'recordings') });
  const url = `mqtt://127.0.0.1:${port}`;
  try {
    await waitForLine(broker, /ready/, 30_000);
    await fleet.start({ mqttUrl: url });
    const client = await mqtt.connectAsync(url, { clientId: 'bench-direct', protocolVersion: 4 });
    const samples = new Int16Array(160);
    const run = async (topicOf: (spec: 'play' | 'audio') => string, stream: number) => {
      const message: PlayMessage = { v: 1, jobId: `direct-${stream}`, stream, priority: 40, class: 'live', source: 'live', codec: 'pcmu', sampleRate: 8000, frameMs: 20, volume: null, repeat: 1, at: new Date().toISOString() };
      await client.publishAsync(topicOf('play'), JSON.stringify(message), { qos: 1 });
      let usage = { cpuPct: 0, rssMb: 0 };
      const latencies = await collect(fleet, async () => {
        const measuring = measureUsage([broker.pid!], seconds * 1000 - 500);
        const started = performance.now();
        for (let seq = 0; seq * 20 < seconds * 1000; seq++) {
          for (let i = 0; i < 160; i++) samples[i] = Math.round(16000 * Math.sin((2 * Math.PI * 1000 * (seq * 160 + i)) / 8000));
          const frame = encodeAudioFrame({ codec: 'pcmu', endOfStream: false, frameMs: 20, stream, sequence: seq, capturedAt: Date.now(), data: encodeMulaw(samples) });
          client.publish(topicOf('audio'), frame, { qos: 0 });
          const wait = started + (seq + 1) * 20 - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        client.publish(topicOf('audio'), encodeAudioFrame({ codec: 'pcmu', endOfStream: true, frameMs: 20, stream, sequence: seconds * 50, capturedAt: Date.now(), data: Buffer.alloc(0) }), { qos: 0 });
        usage = await measuring;
      });
      return { latencies, usage };
    };
    const one = await run((kind) => buildTopic(BASE, kind === 'play' ? speakerPlay : speakerAudio, { id: 'solo' }), 1);
    const group = await run((kind) => buildTopic(BASE, kind === 'play' ? groupPlay : groupAudio, { group: 'fifty' }), 2);
    await client.endAsync();
    return { p50: percentile(one.latencies, 50), p95: percentile(one.latencies, 95), group50p50: percentile(group.latencies, 50), group50p95: percentile(group.latencies, 95), brokerCpu1: one.usage.cpuPct, brokerCpuGroup: group.usage.cpuPct };
  } finally {
    await fleet.stop();
    await stopChild(broker);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function talkBench(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 8);
  const gw = await viaGateway(seconds);
  const base = await baseline(seconds);
  printTable(`live talk: microphone chunk in -> frame decoded in the speaker (${seconds} s per talk, 20 ms frames, G.711)`, [
    { path: 'gateway (WS -> resample -> G.711 -> MQTT)', 'p50 ms': gw.p50, 'p95 ms': gw.p95, 'group50 p50 ms': gw.group50p50, 'group50 p95 ms': gw.group50p95, 'cpu % 1 speaker': gw.cpu1, 'cpu % group of 50': gw.cpuGroup },
    { path: 'baseline (direct MQTT publish, bare broker)', 'p50 ms': base.p50, 'p95 ms': base.p95, 'group50 p50 ms': base.group50p50, 'group50 p95 ms': base.group50p95, 'cpu % 1 speaker': base.brokerCpu1, 'cpu % group of 50': base.brokerCpuGroup },
  ]);
  console.log(`gateway idle CPU ${round(gw.idleCpu)} % (subtracted), RSS ${round(gw.rssMb)} MiB; frames measured: ${gw.frames1} (1 speaker), ${gw.framesGroup} (group of 50)`);
  const file = writeResult('talk', {
    p50_ms: round(gw.p50),
    p95_ms: round(gw.p95),
    group50_p95_ms: round(gw.group50p95),
    cpu_pct_per_talk: round(gw.cpu1),
    group50_p50_ms: round(gw.group50p50),
    cpu_pct_per_talk_group50: round(gw.cpuGroup),
    gateway_idle_cpu_pct: round(gw.idleCpu),
    baseline: { p50_ms: round(base.p50), p95_ms: round(base.p95), group50_p95_ms: round(base.group50p95), broker_cpu_pct: round(base.brokerCpu1), broker_cpu_pct_group50: round(base.brokerCpuGroup) },
    seconds_per_talk: seconds,
  });
  console.log(`wrote ${file}`);
}
