import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedBarrier } from '../../simulators/barrier/barrier.js';
import { silentLogger } from '../../src/core/logger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

describe('key figures of every service on /metrics, and the Grafana dashboard that reads them', () => {
  let gw: TestGateway;
  let barrier: SimulatedBarrier;
  const dir = mkdtempSync(join(tmpdir(), 'cg-metrics-'));
  const scrape = async () => (await gw.api('/metrics')).text();

  beforeAll(async () => {
    gw = await startTestGateway({ config: { https: { mode: 'auto' }, mqtt: { devices: [{ id: 'gate-north', kind: 'barriers', password: 'pw-gate-north-1' }, { id: 'lobby', kind: 'speakers', password: 'pw-lobby-spk-1' }] } } });
    barrier = new SimulatedBarrier({ id: 'gate-north', password: 'pw-gate-north-1', baseTopic: 'community', dataDir: dir, log: silentLogger(), animateArm: false });
    await barrier.start(gw.mqttUrl);
    await waitFor(() => gw.gateway.presence.get('barriers', 'gate-north')?.availability === 'online', 5000, 'barrier online');
  });
  afterAll(async () => {
    await barrier?.stop();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // HTTPS is on (auto) for the certificate-expiry figure; Node's fetch here does not know the test CA.
  beforeAll(() => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  });
  afterAll(() => {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  });

  it('entries per gate, devices online, broker traffic, HTTP requests and the certificate\'s expiry', async () => {
    await barrier.present({ credential: { type: 'plate', value: '豫A12345' }, direction: 'in' });
    await barrier.present({ credential: { type: 'card', value: 'C-0042' }, direction: 'out' });
    await waitFor(async () => /gateway_access_entries_total\{gate="gate-north",direction="out"/.test(await scrape()), 10_000, 'entries counted');
    // one scrape more: a request is counted when it has been answered, so the one before is in this one
    const text = await scrape();
    expect(text).toMatch(/^gateway_access_entries_total\{gate="gate-north",direction="in",result="(granted|denied)",credential="plate"\} 1$/m);
    expect(text).toMatch(/^gateway_devices_online\{kind="barriers"\} 1$/m);
    expect(text).toMatch(/^gateway_devices_online\{kind="speakers"\} 0$/m);
    expect(text).toMatch(/^gateway_devices_configured\{kind="speakers"\} 1$/m);
    expect(Number(/^gateway_mqtt_broker_messages_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^gateway_http_requests_total\{method="GET",route="\/metrics",status="2xx"\} \d+$/m);
    const expiry = Number(/^gateway_tls_certificate_expiry_seconds (\d+)$/m.exec(text)?.[1]);
    expect(expiry / 86_400).toBeGreaterThan(360);
    expect(text).toMatch(/^# TYPE streaming_viewers gauge$/m);
    expect(text).toMatch(/^# TYPE gateway_cameras_online gauge$/m);
  });

  it('every metric the Grafana dashboard queries exists on /metrics', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const text = await scrape();
    const known = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1]!])));
    known.add('up'); // Prometheus' own
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets) for (const m of t.expr.matchAll(/\b((?:gateway|streaming)_[a-z0-9_]+|up)\{/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });
});
