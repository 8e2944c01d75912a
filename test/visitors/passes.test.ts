import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BarrierFleet } from '../../simulators/barrier/fleet.js';
import { freePort } from '../../src/core/net.js';
import { barrierDevices, makeFleet } from '../access/helpers.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { pngShowsQr } from './qr.js';

interface Pass {
  id: number;
  token?: string;
  name: string;
  status: string;
  validFrom: string;
  validUntil: string;
}

describe('visitor passes over the wire: issued, synced with their expiry to the barriers, decided there while the gateway is down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cg-visitors-'));
  const simDir = mkdtempSync(join(tmpdir(), 'cg-visitors-sim-'));
  const { barriers, devices } = barrierDevices(2);
  let gw: TestGateway | undefined;
  let fleet: BarrierFleet | undefined;
  let brokerPort = 0;
  let officer = '';
  let viewer = '';
  let guest: Pass;
  let shortPass: Pass;
  const start = async () => {
    gw = await startTestGateway({ dataDir, keepDataDir: true, config: { mqtt: { devices, embedded: { port: brokerPort } }, access: { utcOffsetMinutes: 480 }, visitors: { publishDelayMs: 50 } } });
    officer = await gw.login('officer');
    viewer = await gw.login('viewer');
  };
  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(simDir, { recursive: true, force: true });
  });

  const register = async (body: Record<string, unknown>, token = officer) => gw!.api('/api/visitors', { method: 'POST', token, json: body });
  const inSync = async () =>
    waitFor(async () => {
      const s = (await (await gw!.api('/api/visitors/sync', { token: viewer })).json()) as { version: number; barriers: Array<{ status: string }> };
      return s.barriers.length === 2 && s.barriers.every((b) => b.status === 'in-sync') ? s : undefined;
    }, 5000, 'both barriers hold the current passes');
  const visitor = (over: Record<string, unknown> = {}) => ({
    name: '张三',
    phone: '138 0013 8000',
    building: '3',
    unit: '2',
    room: '1201',
    plate: '京a 88888',
    reason: '探亲',
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 3_600_000).toISOString(),
    ...over,
  });

  it('an officer registers a visitor; a viewer may not; bad validity is refused with a message code', async () => {
    brokerPort = await freePort();
    await start();
    fleet = makeFleet(barriers, { dataDir: simDir });
    await fleet.start(`mqtt://127.0.0.1:${brokerPort}`);
    expect((await register(visitor(), viewer)).status).toBe(403);
    const backwards = await register(visitor({ validFrom: new Date(Date.now() + 7_200_000).toISOString() }));
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { messageCode: string }).messageCode).toBe('visitor.validity-order');
    const tooLong = await register(visitor({ validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString() }));
    expect(((await tooLong.json()) as { messageCode: string }).messageCode).toBe('visitor.validity-too-long');
    expect((await register(visitor({ phone: 'call me' }))).status).toBe(400);

    const res = await register(visitor());
    expect(res.status).toBe(201);
    guest = (await res.json()) as Pass;
    expect(guest).toMatchObject({ name: '张三', status: 'active', plate: '京A88888', host: { building: '3', unit: '2', room: '1201' } });
    // 128 random bits behind a fixed prefix: two passes never share a code.
    expect(guest.token).toMatch(/^CGV1\.[A-Za-z0-9_-]{22}$/);
    const other = (await (await register(visitor({ name: '李四' }))).json()) as Pass;
    expect(other.token).not.toBe(guest.token);
    // A viewer reads the passes, but not their QR text.
    const list = (await (await gw!.api('/api/visitors', { token: viewer })).json()) as { passes: Pass[] };
    expect(list.passes.map((p) => p.name).sort()).toEqual(['张三', '李四'].sort());
    expect(list.passes.every((p) => p.token === undefined)).toBe(true);
    await gw!.api(`/api/visitors/${other.id}`, { method: 'DELETE', token: officer });
  });

  it('serves the QR code as a PNG that shows the pass, to officers only', async () => {
    const png = await gw!.api(`/api/visitors/${guest.id}/qr.png`, { token: officer });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(pngShowsQr(Buffer.from(await png.arrayBuffer()), guest.token!)).toBe(true);
    expect((await gw!.api(`/api/visitors/${guest.id}/qr.png`, { token: viewer })).status).toBe(403);
  });

  it('the barriers admit the pass, refuse a forged one, and the entry is tagged as a visitor entry', async () => {
    await inSync();
    const entry = await fleet!.get('gate-1').present({ credential: { type: 'qr', value: guest.token! }, direction: 'in' });
    expect(entry).toMatchObject({ result: 'granted', reason: 'visitor pass' });
    const forged = await fleet!.get('gate-2').present({ credential: { type: 'qr', value: 'CGV1.AAAAAAAAAAAAAAAAAAAAAA' }, direction: 'in' });
    expect(forged).toMatchObject({ result: 'denied', reason: 'unknown pass' });
    const detail = await waitFor(async () => {
      const d = (await (await gw!.api(`/api/visitors/${guest.id}`, { token: viewer })).json()) as { entries: Array<{ entryId: number; gate: string; result: string }> };
      return d.entries.length === 1 ? d : undefined;
    }, 5000, 'the visitor entry');
    expect(detail.entries[0]).toMatchObject({ gate: 'gate-1', result: 'granted' });
    const tags = (await (await gw!.api(`/api/visitors/entries?ids=${detail.entries[0]!.entryId}`, { token: viewer })).json()) as { entries: Array<{ name: string; passId: number }> };
    expect(tags.entries).toEqual([expect.objectContaining({ name: '张三', passId: guest.id })]);
  });

  it("a registered visitor's car is admitted by its plate, however it is spelled, and tagged; other plates are not visitor entries", async () => {
    await inSync();
    const car = await fleet!.get('gate-2').present({ credential: { type: 'plate', value: '京A·88888' }, direction: 'in' });
    expect(car).toMatchObject({ result: 'granted', reason: 'visitor pass' });
    const other = await fleet!.get('gate-2').present({ credential: { type: 'plate', value: '京C00001' }, direction: 'in' });
    expect(other.reason).not.toBe('visitor pass');
    const detail = await waitFor(async () => {
      const d = (await (await gw!.api(`/api/visitors/${guest.id}`, { token: viewer })).json()) as { entries: Array<{ gate: string; result: string }> };
      return d.entries.length === 2 ? d : undefined;
    }, 5000, 'the plate entry tagged as the visitor\'s').catch(async (err: unknown) => {
      throw new Error(`${String(err)}; entries: ${await (await gw!.api('/api/access/entries?limit=3', { token: viewer })).text()}`);
    });
    expect(detail.entries.map((e) => e.gate).sort()).toEqual(['gate-1', 'gate-2']);
  });

  it('with the gateway stopped, a barrier admits a pass until it expires and refuses it after (by its own clock)', async () => {
    const until = Date.now() + 8000;
    shortPass = (await (await register(visitor({ name: '王五', validUntil: new Date(until).toISOString() }))).json()) as Pass;
    await inSync();
    await gw!.stop();
    gw = undefined;
    const gate = fleet!.get('gate-2');
    const before = await gate.present({ credential: { type: 'qr', value: shortPass.token! }, direction: 'in' });
    expect(Date.now(), 'presented before the pass expired').toBeLessThan(until);
    expect(before).toMatchObject({ result: 'granted', reason: 'visitor pass' });
    await waitFor(() => Date.now() > until + 50 || undefined, 15_000, 'the pass to expire');
    const after = await gate.present({ credential: { type: 'qr', value: shortPass.token! }, direction: 'out' });
    expect(after).toMatchObject({ result: 'denied', reason: 'pass expired' });
    // The long pass still works: the barrier decides from its stored copy.
    expect(await gate.present({ credential: { type: 'qr', value: guest.token! }, direction: 'out' })).toMatchObject({ result: 'granted' });
  });

  it('after the restart, the entries made meanwhile are tagged, and the day report lists each visitor (JSON and CSV)', async () => {
    await start();
    const report = await waitFor(async () => {
      const r = (await (await gw!.api('/api/visitors/report', { token: viewer })).json()) as { day: string; passes: Array<Pass & { entries: number; refused: number }>; entries: unknown[] };
      return r.entries.length >= 5 ? r : undefined;
    }, 15_000, 'five visitor entries in the report');
    const byName = new Map(report.passes.map((p) => [p.name, p]));
    expect(byName.get('张三')).toMatchObject({ entries: 3, refused: 0, status: 'active' });
    expect(byName.get('王五')).toMatchObject({ entries: 1, refused: 1, status: 'expired' });
    expect(byName.get('李四')).toMatchObject({ status: 'revoked' });
    const csv = await gw!.api(`/api/visitors/report.csv?day=${report.day}`, { token: viewer });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^visitor,phone,building,unit,room,plate/);
    const row = lines.find((l) => l.startsWith('张三,'))!;
    // Site time (UTC+8), not UTC.
    const from = new Date(Date.parse(guest.validFrom) + 480 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(row).toContain(from);
    expect((await gw!.api('/api/visitors/report?day=2026-13-40', { token: viewer })).status).toBe(400);
  });

  it('revoking a pass removes it from the barriers', async () => {
    const revoked = await gw!.api(`/api/visitors/${guest.id}`, { method: 'DELETE', token: officer });
    expect(revoked.status).toBe(200);
    await inSync();
    expect(await fleet!.get('gate-1').present({ credential: { type: 'qr', value: guest.token! }, direction: 'in' })).toMatchObject({ result: 'denied', reason: 'unknown pass' });
    expect((await fleet!.get('gate-1').present({ credential: { type: 'plate', value: '京A88888' }, direction: 'in' })).reason).not.toBe('visitor pass');
    expect((await gw!.api(`/api/visitors/${guest.id}`, { method: 'DELETE', token: officer })).status).toBe(409);
  });
});
