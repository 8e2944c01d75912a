/**
 * Linkage actions against real parts: the webhook action POSTs to a real HTTP server on 127.0.0.1
 * and tries again after a 500; the barrier action reaches the simulated barrier over MQTT; an
 * alarm nobody acknowledges escalates (fake clock): sounded again on the dashboards and the next
 * role notified, level by level, and an acknowledged one does not.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsFeature, createAlarmsFeature } from '../../src/alarms/feature.js';
import type { Alarm } from '../../src/alarms/model.js';
import { FEATURES } from '../../src/gateway.js';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

const T0 = Date.parse('2026-12-01T09:00:00+08:00');
const clock = { t: T0, now: () => clock.t };
const { barriers, devices } = barrierDevices(1, 'gate');

let rig: AlarmRig;
let fleet: BarrierFleet;
let hook: Server;
let hookUrl = '';
const received: Array<{ status: number; body: { rule: string; alarm: { id: number; kind: string } }; contentType: string | undefined }> = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  // The first POST is answered 500, every later one 200.
  hook = createServer((req, res) => {
    void readBody(req).then((text) => {
      const status = received.length === 0 ? 500 : 200;
      received.push({ status, body: JSON.parse(text) as (typeof received)[number]['body'], contentType: req.headers['content-type'] });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alarm`;
  rig = await startAlarmRig({
    features: FEATURES.map((f) => (f === alarmsFeature ? createAlarmsFeature({ clock }) : f)),
    devices,
    config: {
      access: { commandTimeoutMs: 2000 },
      alarms: {
        escalateAfterS: 60,
        escalationRoles: ['duty supervisor', 'community secretary'],
        webhook: { timeoutMs: 2000, retries: 2, backoffMs: 50 },
        devices: [{ id: 'btn-b3', location: 'Building 3 unit 2' }],
      },
    },
  });
  fleet = makeFleet(barriers);
  await fleet.start(rig.gw.mqttUrl);
  await waitFor(() => fleet.barriers.every((b) => b.connected), 5000, 'barrier connected');
  const admin = await rig.gw.login('admin');
  await rig.call('/api/alarm-rules', {
    method: 'PUT',
    token: admin,
    json: {
      yaml: `
- id: press-hook
  name: Press to the property office
  trigger: { source: button, kind: press }
  actions:
    - { type: webhook, url: '${hookUrl}' }
    - { type: barrier, barrier: gate-1, command: close }
`,
    },
  });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await rig?.stop();
  await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
});

const alarmOf = async (eventId: string): Promise<Alarm> =>
  waitFor(async () => {
    const { alarms } = await rig.call<{ alarms: Alarm[] }>('/api/alarms?limit=20');
    const found = alarms.find((a) => (a.raw as { eventId?: string } | null)?.eventId === eventId);
    return found ? rig.call<Alarm>(`/api/alarms/${found.id}`) : undefined;
  }, 5000, `alarm of ${eventId}`);

describe('linkage actions', () => {
  it('the webhook is POSTed to a real server and tried again after a 500; the barrier command reaches the barrier over MQTT', async () => {
    clock.t = T0;
    const commandsBefore = fleet.get('gate-1').snapshot().commands;
    const event = await rig.button.press();
    const done = await waitFor(async () => {
      const alarm = await alarmOf(event.eventId);
      return alarm.actions?.every((a) => a.status !== 'running') && alarm.actions.length === 2 ? alarm : undefined;
    }, 10_000, 'both actions finished');
    expect(received.map((r) => r.status)).toEqual([500, 200]);
    expect(received[1]!.body).toMatchObject({ rule: 'press-hook', alarm: { id: done.id, kind: 'press' } });
    expect(received[1]!.contentType).toBe('application/json');
    const webhook = done.actions!.find((a) => a.action === 'webhook')!;
    expect(webhook).toMatchObject({ status: 'ok', target: new URL(hookUrl).host, detail: 'HTTP 200 after 2 attempts' });
    const barrier = done.actions!.find((a) => a.action === 'barrier')!;
    expect(barrier).toMatchObject({ status: 'ok', target: 'gate-1' });
    expect(barrier.detail).toMatch(/^close ok in \d+ ms$/);
    expect(fleet.get('gate-1').snapshot().commands).toBe(commandsBefore + 1);
    await rig.call(`/api/alarms/${done.id}/close`, { json: { as: 'false' } });
  });

  it('an unacknowledged alarm escalates: sounded again and the next role told, level by level; an acknowledged one does not', async () => {
    const popups: Array<{ id: number; popup: boolean; escalationLevel: number }> = [];
    const off = rig.gw.gateway.bus.on('alarm.changed', ({ alarm, popup }) => popups.push({ id: alarm.id, popup, escalationLevel: alarm.escalationLevel }));
    clock.t = T0 + 3600_000;
    const ignored = await alarmOf((await rig.button.press()).eventId);
    const answered = await alarmOf((await rig.button.openCase()).eventId);
    await rig.call(`/api/alarms/${answered.id}/acknowledge`, { json: {} });
    // Within the time nothing happens.
    clock.t += 59_000;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await rig.call<Alarm>(`/api/alarms/${ignored.id}`)).escalationLevel).toBe(0);
    clock.t += 2_000;
    const first = await waitFor(async () => {
      const a = await rig.call<Alarm>(`/api/alarms/${ignored.id}`);
      return a.escalationLevel === 1 ? a : undefined;
    }, 5000, 'first escalation');
    expect(first.actions!.filter((a) => a.action === 'escalate')).toEqual([expect.objectContaining({ rule: 'escalation', target: 'duty supervisor', status: 'ok' })]);
    clock.t += 61_000;
    const second = await waitFor(async () => {
      const a = await rig.call<Alarm>(`/api/alarms/${ignored.id}`);
      return a.escalationLevel === 2 ? a : undefined;
    }, 5000, 'second escalation');
    expect(second.actions!.filter((a) => a.action === 'escalate').map((a) => a.target)).toEqual(['duty supervisor', 'community secretary']);
    expect(second.actions!.filter((a) => a.action === 'escalate')[1]!.detail).toContain('sound repeated');
    expect((await rig.call<Alarm>(`/api/alarms/${answered.id}`)).escalationLevel).toBe(0);
    // Each escalation pops the alarm up again (with its sound) on every console and wall.
    expect(popups.filter((p) => p.id === ignored.id && p.popup && p.escalationLevel >= 1).map((p) => p.escalationLevel)).toEqual([1, 2]);
    expect(popups.filter((p) => p.id === answered.id && p.escalationLevel > 0)).toEqual([]);
    off();
    await rig.call(`/api/alarms/${ignored.id}/close`, { json: { as: 'handled' } });
  });
});
