/**
 * The alarm path survives a gateway SIGKILL between press and acknowledge: the alarm is there
 * after the restart, once, still waiting for an officer. One press is stored before the kill; the
 * second is pressed right before it (the button holds it until the restarted gateway acknowledges).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatedAlarmButton } from '../../simulators/alarm-button/button.js';
import type { Alarm } from '../../src/alarms/model.js';
import { silentLogger } from '../../src/core/logger.js';
import { freePort } from '../../src/core/net.js';
import { GatewayProcess } from '../access/gateway-process.js';
import { TEST_USERS } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-alarm-kill-'));
let gateway: GatewayProcess | undefined;
let button: SimulatedAlarmButton | undefined;

afterAll(async () => {
  await button?.stop();
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function alarms(url: string): Promise<Alarm[]> {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: TEST_USERS.officer.password }) });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${url}/api/alarms?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { alarms: Alarm[] }).alarms;
}

describe('gateway killed between press and acknowledge', () => {
  it('has each pressed alarm once after the restart, still raised', async () => {
    const port = await freePort('127.0.0.1');
    gateway = new GatewayProcess(dir, {
      http: { host: '127.0.0.1', port: 0 },
      mqtt: { embedded: { host: '127.0.0.1', port }, devices: [{ id: 'btn-b3', kind: 'alarm-buttons', password: 'pw-btn-b3-secret' }] },
      storage: { dataDir: join(dir, 'data') },
      log: { level: 'warn', pretty: false },
      auth: { users: [{ name: 'officer', password: TEST_USERS.officer.password, role: 'officer' }] },
      alarms: { groupWindowS: 0 },
    });
    await gateway.start();
    button = new SimulatedAlarmButton({ id: 'btn-b3', password: 'pw-btn-b3-secret', baseTopic: 'community', dataDir: join(dir, 'button'), log: silentLogger(), retransmitMs: 2000 });
    await button.start(`mqtt://127.0.0.1:${port}`);
    await waitFor(() => button!.connected, 10_000, 'button connected');
    const first = await button.press();
    expect(await button.drained(10_000)).toBe(true);
    expect((await alarms(gateway.url)).map((a) => (a.raw as { eventId: string }).eventId)).toEqual([first.eventId]);

    const second = await button.press();
    await gateway.kill();
    await gateway.start();
    expect(await button.drained(20_000)).toBe(true);
    const after = await waitFor(async () => {
      const list = await alarms(gateway!.url);
      return list.length >= 2 ? list : undefined;
    }, 10_000, 'both alarms after the restart');
    // Give a late resend the chance to make a duplicate (there must be none).
    await new Promise((r) => setTimeout(r, 2500));
    const final = await alarms(gateway.url);
    expect(final).toHaveLength(2);
    expect(final.map((a) => (a.raw as { eventId: string }).eventId).sort()).toEqual([first.eventId, second.eventId].sort());
    expect(final.every((a) => a.status === 'raised')).toBe(true);
    expect(after).toHaveLength(2);
  }, 90_000);
});
