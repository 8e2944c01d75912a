import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { barrierDevices, makeFleet } from './helpers.js';

describe('remote commands', () => {
  let gw: TestGateway;
  let fleet: BarrierFleet;
  let officer: string;
  let admin: string;
  const { barriers, devices } = barrierDevices(2);
  const integration = { name: 'parking-system', password: 'parking-system-secret-1' };

  beforeAll(async () => {
    gw = await startTestGateway({ config: { mqtt: { devices, integrations: [integration] }, access: { commandTimeoutMs: 1000 } } });
    fleet = makeFleet(barriers, { timing: { openMs: 200, closeMs: 200, passMs: 300 } });
    await fleet.start(gw.mqttUrl);
    await waitFor(() => fleet.barriers.every((b) => b.connected), 5000, 'connected');
    officer = await gw.login('officer');
    admin = await gw.login('admin');
  });
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
  });

  const audit = async (action: string) => ((await (await gw.api(`/api/audit?action=${action}`, { token: admin })).json()) as { entries: Array<{ user: string; target: string; outcome: string; detail: { reason?: string; request?: { reason: string }; error?: string } }> }).entries;

  it('opens: the barrier reports the result, the passage is recorded as a remote entry, and it is audited', async () => {
    const started = Date.now();
    const res = await gw.api('/api/barriers/gate-1/open', { method: 'POST', token: officer, json: { reason: 'delivery truck, plate unreadable' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { requestId: string; status: string; state: string; elapsedMs: number };
    expect(body).toMatchObject({ status: 'ok', state: 'open' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190); // the arm takes its time to rise
    const [entry] = await audit('barrier.open');
    expect(entry).toMatchObject({ user: 'officer', target: 'gate-1', outcome: 'ok', detail: { reason: 'delivery truck, plate unreadable' } });
    const viewer = await gw.login('viewer');
    const found = await waitFor(async () => {
      const r = (await (await gw.api(`/api/access/entries?credentialType=remote&credential=${body.requestId}`, { token: viewer })).json()) as { entries: Array<{ gate: string; result: string }> };
      return r.entries.length === 1 ? r.entries[0] : undefined;
    }, 5000, 'remote entry stored');
    expect(found).toMatchObject({ gate: 'gate-1', result: 'granted' });
    const state = await waitFor(async () => {
      const b = (await (await gw.api('/api/barriers/gate-1', { token: viewer })).json()) as { state: { state: string } | null; availability: string };
      return b.state?.state === 'closed' ? b : undefined;
    }, 5000, 'arm closed again');
    expect(state.availability).toBe('online');
  });

  it('hold-open keeps the arm up until release', async () => {
    expect((await gw.api('/api/barriers/gate-2/hold-open', { method: 'POST', token: officer, json: { reason: 'fire drill' } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 700));
    expect(fleet.get('gate-2').snapshot().commands).toBe(1);
    const viewer = await gw.login('viewer');
    const held = (await (await gw.api('/api/barriers/gate-2', { token: viewer })).json()) as { state: { state: string; holdOpen: boolean } };
    expect(held.state).toMatchObject({ state: 'open', holdOpen: true });
    const release = (await (await gw.api('/api/barriers/gate-2/release', { method: 'POST', token: officer, json: { reason: 'drill over' } })).json()) as { state: string };
    expect(release.state).toBe('closed');
  });

  it('requires an officer and a reason', async () => {
    const viewer = await gw.login('viewer');
    expect((await gw.api('/api/barriers/gate-1/open', { method: 'POST', token: viewer, json: { reason: 'because' } })).status).toBe(403);
    const noReason = await gw.api('/api/barriers/gate-1/open', { method: 'POST', token: officer, json: {} });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('reason');
    expect((await gw.api('/api/barriers/nope/open', { method: 'POST', token: officer, json: { reason: 'test it' } })).status).toBe(404);
  });

  it('a barrier that does not answer gives a clear timeout error, audited as failed; a failing one a 502', async () => {
    fleet.get('gate-2').faults.commands = 'ignore';
    const res = await gw.api('/api/barriers/gate-2/open', { method: 'POST', token: officer, json: { reason: 'visitor at the gate' } });
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: string; code: string };
    expect(body.code).toBe('timeout');
    expect(body.error).toMatch(/gate-2 did not answer the open command within 1 s/);
    const [entry] = await audit('barrier.open');
    expect(entry).toMatchObject({ target: 'gate-2', outcome: 'failed' });
    expect(entry!.detail.error).toMatch(/did not answer/);
    fleet.get('gate-2').faults.commands = 'fail';
    const failed = await gw.api('/api/barriers/gate-2/open', { method: 'POST', token: officer, json: { reason: 'visitor at the gate' } });
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('motor fault');
    fleet.get('gate-2').faults.commands = 'normal';
  });

  it('refuses at once when the barrier is offline', async () => {
    const gate = fleet.get('gate-2');
    gate.goOffline(3000);
    await waitFor(async () => {
      const b = (await (await gw.api('/api/barriers/gate-2', { token: officer })).json()) as { availability: string };
      return b.availability === 'offline';
    }, 5000, 'offline seen');
    const res = await gw.api('/api/barriers/gate-2/open', { method: 'POST', token: officer, json: { reason: 'visitor at the gate' } });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('offline');
  });

  it('audits a command an integration sends straight over MQTT, with its identity and the barrier\'s result', async () => {
    const client = await mqtt.connectAsync(gw.mqttUrl, { clientId: integration.name, username: integration.name, password: integration.password, reconnectPeriod: 0 });
    try {
      const commandsBefore = fleet.get('gate-1').snapshot().commands;
      const now = Date.now();
      const command = { requestId: 'r-parking-1', command: 'open', issuedBy: integration.name, reason: 'season ticket 88', issuedAt: new Date(now).toISOString(), expiresAt: new Date(now + 5000).toISOString() };
      await client.publishAsync('community/barriers/gate-1/command', JSON.stringify(command), { qos: 1 });
      await waitFor(() => fleet.get('gate-1').snapshot().commands === commandsBefore + 1, 3000, 'barrier obeyed');
      const [opened] = await waitFor(async () => {
        const e = await audit('barrier.open');
        return e[0]?.user.startsWith('mqtt-') ? e : undefined;
      }, 3000, 'audited');
      expect(opened).toMatchObject({ user: 'mqtt-integration:parking-system', target: 'gate-1', outcome: 'ok', detail: { reason: 'season ticket 88', requestId: 'r-parking-1', via: 'mqtt' } });
      const [result] = await waitFor(async () => {
        const e = await audit('barrier.open.result');
        return e.length ? e : undefined;
      }, 3000, 'result audited');
      expect(result).toMatchObject({ user: 'mqtt-integration:parking-system', target: 'gate-1', outcome: 'ok' });
      // The gateway's own commands are audited once, by the HTTP route, not again as MQTT commands.
      const res = await gw.api('/api/barriers/gate-1/open', { method: 'POST', token: officer, json: { reason: 'after the integration' } });
      expect(res.status).toBe(200);
      const entries = await audit('barrier.open');
      expect(entries[0]!.user).toBe('officer');
      expect(entries.filter((e) => e.user.startsWith('mqtt-'))).toHaveLength(1);
    } finally {
      await client.endAsync();
    }
  });
});
