import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { freePort } from '../../src/core/net.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { barrierDevices, makeFleet } from './helpers.js';

describe('allow/deny lists: CRUD, CSV import, versioned sync, local decisions while the gateway is down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-lists-'));
  const simDir = mkdtempSync(join(tmpdir(), 'cg-lists-sim-'));
  const { barriers, devices } = barrierDevices(2);
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;
  let brokerPort = 0;
  const start = async () => {
    gw = await startTestGateway({ dataDir, keepDataDir: true, config: { mqtt: { devices, embedded: { port: brokerPort } }, access: { listPublishDelayMs: 50 } } });
  };
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(simDir, { recursive: true, force: true });
  });

  const syncOf = async (token: string) =>
    ((await (await gw!.api('/api/access/lists/sync', { token })).json()) as { version: number; barriers: Array<{ gate: string; status: string; appliedVersion: number | null }> });

  it('keeps items, bumps the version on every change, and each barrier reports the version it applied', async () => {
    brokerPort = await freePort();
    await start();
    fleet = makeFleet(barriers, { dataDir: simDir });
    await fleet.start(`mqtt://127.0.0.1:${brokerPort}`);
    const officer = await gw!.login('officer');
    const viewer = await gw!.login('viewer');
    const add = await gw!.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'deny', type: 'plate', value: '豫B66666', note: 'banned after incident' } });
    expect(add.status).toBe(201);
    const item = (await add.json()) as { id: number };
    expect((await gw!.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'allow', type: 'plate', value: '豫B66666' } })).status).toBe(409);
    expect((await gw!.api('/api/access/lists/items', { method: 'POST', token: viewer, json: { list: 'allow', type: 'plate', value: '豫C1' } })).status).toBe(403);
    expect((await gw!.api('/api/access/lists/items', { method: 'POST', token: officer, json: { list: 'grey', type: 'plate', value: '' } })).status).toBe(400);
    const patched = await gw!.api(`/api/access/lists/items/${item.id}`, { method: 'PATCH', token: officer, json: { note: 'banned (incident 42)' } });
    expect(((await patched.json()) as { note: string }).note).toBe('banned (incident 42)');
    const sync = await waitFor(async () => {
      const s = await syncOf(viewer);
      return s.barriers.length === 2 && s.barriers.every((b) => b.status === 'in-sync') && s.version >= 2 ? s : undefined;
    }, 5000, 'both barriers in sync');
    expect(sync.barriers.map((b) => b.appliedVersion)).toEqual([sync.version, sync.version]);
    expect(fleet.get('gate-1').lists.decide({ type: 'plate', value: '豫B66666' })).toEqual({ result: 'denied', reason: 'deny-list' });
  });

  it('imports CSV all or nothing, and replaces on request', async () => {
    const admin = await gw!.login('admin');
    const viewer = await gw!.login('viewer');
    const before = (await syncOf(viewer)).version;
    const bad = await gw!.api('/api/access/lists/import', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'text/csv' },
      body: 'list,type,value,note\nallow,plate,豫A11111,resident\nmaybe,plate,豫A22222,\nallow,laser,x,\n',
    });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { details: { problems: string[] } }).details.problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^line 3/);
    expect((await syncOf(viewer)).version).toBe(before);
    const good = await gw!.api('/api/access/lists/import', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'text/csv' },
      body: 'list,type,value,note\r\nallow,plate,豫A11111,resident\r\nallow,card,0012345678,"Wang, flat 3-201"\r\ndeny,plate,豫B66666,\r\n',
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ imported: 3, removed: 0, version: before + 1 });
    const listed = (await (await gw!.api('/api/access/lists', { token: viewer })).json()) as { items: Array<{ value: string; note: string | null }> };
    expect(listed.items.find((i) => i.value === '0012345678')!.note).toBe('Wang, flat 3-201');
    const replaced = await gw!.api('/api/access/lists/import?replace=true', { method: 'POST', token: admin, json: { csv: 'deny,plate,豫B66666\nallow,plate,豫A11111\n' } });
    expect(await replaced.json()).toMatchObject({ imported: 2, removed: 1 });
    const v = (await syncOf(viewer)).version;
    await waitFor(async () => (await syncOf(viewer)).barriers.every((b) => b.appliedVersion === v), 5000, 'barriers applied the import');
    // Audited as an import.
    const audit = (await (await gw!.api('/api/audit?action=access.list.import', { token: admin })).json()) as { entries: Array<{ outcome: string; user: string }> };
    expect(audit.entries.map((e) => e.outcome)).toEqual(['ok', 'ok', 'failed']);
    expect(audit.entries.every((e) => e.user === 'admin')).toBe(true);
  });

  it('a deny-listed plate is refused by the barrier while the gateway is down, and the entry arrives afterwards', async () => {
    await gw!.stop();
    gw = undefined;
    const gate = fleet!.get('gate-1');
    await waitFor(() => !gate.connected, 5000, 'barrier lost its broker');
    // Restart the simulator too: it decides from the copy of the lists it keeps on disk.
    await fleet!.stop();
    fleet = makeFleet(barriers, { dataDir: simDir });
    await fleet.start(`mqtt://127.0.0.1:${brokerPort}`);
    const banned = await fleet.get('gate-1').present({ credential: { type: 'plate', value: '豫B66666' }, direction: 'in' });
    const resident = await fleet.get('gate-1').present({ credential: { type: 'plate', value: '豫A11111' }, direction: 'in' });
    expect(banned).toMatchObject({ result: 'denied', reason: 'deny-list' });
    expect(resident).toMatchObject({ result: 'granted', reason: 'allow-list' });
    expect(fleet.get('gate-1').snapshot().held).toBe(2);
    await start();
    await waitFor(() => fleet!.get('gate-1').snapshot().held === 0, 10_000, 'replayed and acknowledged');
    const viewer = await gw!.login('viewer');
    const res = (await (await gw!.api(`/api/access/entries?credential=${encodeURIComponent('豫B66666')}`, { token: viewer })).json()) as { entries: Array<{ result: string; reason: string; retransmission: boolean }> };
    expect(res.entries).toHaveLength(1);
    expect(res.entries[0]).toMatchObject({ result: 'denied', reason: 'deny-list' });
  });
});
