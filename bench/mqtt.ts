/**
 * `npm run bench -- mqtt [--clients N] [--messages M]`: N device clients publish M validated JSON
 * messages each (200 bytes, QoS 1) to the gateway; measures msgs/s, publish -> handled latency and
 * memory, once with the embedded aedes broker and once with mosquitto as external broker (same
 * generator, same run). Writes bench/results/mqtt.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/logger.js';
import { defineTopic, jsonPayload } from '../src/core/mqtt-contract.js';
import { freePort } from '../src/core/net.js';
import { Gateway } from '../src/gateway.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { residentMb } from './lib/process-usage.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const sampleTopic = defineTopic({
  name: 'bench.sample',
  pattern: 'barriers/{id}/bench',
  direction: 'to-gateway',
  qos: 1,
  retained: false,
  payload: jsonPayload(z.object({ seq: z.number().int().nonnegative(), sentAt: z.number(), filler: z.string() })),
  summary: 'benchmark sample',
  example: { seq: 0, sentAt: 0, filler: '' },
  owner: 'bench',
});

interface BrokerResult {
  msgs_per_s: number;
  idle_rss_mb: number;
  p50_ms: number;
  p99_ms: number;
  rss_mb: number;
}

async function runOnce(broker: 'embedded' | 'mosquitto', clients: number, messages: number): Promise<BrokerResult> {
  const devices = Array.from({ length: clients }, (_, i) => ({ id: `bench-${i}`, kind: 'barriers' as const, password: `bench-secret-${i}`, groups: [] }));
  const gatewayLogin = { username: 'gateway', password: 'bench-gateway-secret' };
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-mqtt-'));
  const mosquitto = broker === 'mosquitto' ? await startMosquitto({ mqtt: { baseTopic: 'community', devices, integrations: [], ...gatewayLogin }, extraTopics: [sampleTopic] }, { persistence: false }) : undefined;
  const { config } = loadConfig({
    env: {},
    overrides: {
      http: { port: await freePort() },
      storage: { dataDir },
      log: { level: 'silent' },
      mqtt: { devices, embedded: { port: await freePort() }, ...(mosquitto ? { url: mosquitto.url, ...gatewayLogin, protocolVersion: 5 } : {}) },
    },
  });
  const gateway = new Gateway({ config, log: silentLogger(), env: {}, extraInboundTopics: [sampleTopic], features: [] });
  const latencies: number[] = [];
  let lastHandled = 0;
  gateway.router.handle(sampleTopic, ({ payload }) => {
    const now = performance.timeOrigin + performance.now();
    latencies.push(now - payload.sentAt);
    lastHandled = now;
  });
  await gateway.start();
  const url = mosquitto ? mosquitto.url : `mqtt://127.0.0.1:${gateway.broker!.port}`;
  const total = clients * messages;
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'mqtt-publishers.ts'), JSON.stringify({ url, devices, topic: 'community/barriers/{id}/bench', messages, payloadBytes: 200, inflight: 100 })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  // Peak memory of the gateway process (and of mosquitto, when used) while the load runs.
  const measured = [process.pid, ...(mosquitto?.pid ? [mosquitto.pid] : [])];
  const idleRss = residentMb(measured);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, residentMb(measured))), 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  const sent = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { sent: number; started: number };
  if (code !== 0 || sent.sent !== total) throw new Error(`publishers failed (exit ${code}, sent ${sent.sent}/${total})`);
  if (latencies.length !== total) console.warn(`${broker}: handled ${latencies.length} of ${total} messages`);
  await gateway.stop();
  await mosquitto?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    msgs_per_s: round(latencies.length / ((lastHandled - sent.started) / 1000), 0),
    idle_rss_mb: round(idleRss, 1),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    rss_mb: round(peakRss, 1),
  };
}

export default async function mqttBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { clients: { type: 'string', default: '10' }, messages: { type: 'string', default: '5000' } } });
  const clients = Number(values.clients);
  const messages = Number(values.messages);
  console.log(`MQTT backbone: ${clients} device clients x ${messages} messages (200 B JSON, QoS 1, validated by the contract router)`);
  const embedded = await runOnce('embedded', clients, messages);
  const mosquitto = await runOnce('mosquitto', clients, messages);
  printTable('publish -> handled by the gateway', [
    { broker: 'embedded aedes', ...embedded },
    { broker: 'mosquitto (external)', ...mosquitto },
  ]);
  console.log('idle_rss_mb: before the load; rss_mb: peak resident memory of the gateway process (embedded: broker included; mosquitto: gateway + mosquitto).');
  console.log(`wrote ${writeResult('mqtt', { clients, messages_per_client: messages, embedded, mosquitto })}`);
}
