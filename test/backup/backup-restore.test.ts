import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedBarrier } from '../../simulators/barrier/barrier.js';
import { restoreArchive, tableDigests } from '../../src/backup/archive.js';
import { silentLogger } from '../../src/core/logger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, GATEWAY_CONFIG: '' } });
}

function entryRows(file: string, maxId?: number): unknown[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM access_entries ${maxId === undefined ? '' : 'WHERE id <= ?'} ORDER BY id`).all(...(maxId === undefined ? [] : [maxId]));
  } finally {
    db.close();
  }
}

describe('backup under load, restore into a fresh data folder', () => {
  let gw: TestGateway;
  let barrier: SimulatedBarrier;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'cg-backup-test-'));

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        https: { mode: 'off' },
        backup: { keep: 2, intervalHours: 0 },
        mqtt: { devices: [{ id: 'gate-north', kind: 'barriers', password: 'pw-gate-north-1' }] },
      },
    });
    barrier = new SimulatedBarrier({ id: 'gate-north', password: 'pw-gate-north-1', baseTopic: 'community', dataDir: dir, log: silentLogger(), animateArm: false });
    await barrier.start(gw.mqttUrl);
    await waitFor(() => gw.gateway.presence.get('barriers', 'gate-north')?.availability === 'online', 5000, 'barrier online');
    admin = await gw.login('admin');
  });
  afterAll(async () => {
    await barrier?.stop();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an archive made while entries pour in restores to exactly the rows it recorded, and the gateway starts on it', async () => {
    // Load: entries keep arriving through MQTT and the writer thread during the whole backup.
    let stop = false;
    let sent = 0;
    const load = (async () => {
      while (!stop && sent < 20_000) {
        await barrier.present({ credential: { type: 'plate', value: `豫A${String(10000 + (sent % 90000))}` }, direction: sent % 2 ? 'out' : 'in' });
        sent++;
        if (sent % 20 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await waitFor(() => entryRows(gw.gateway.database.file).length > 200, 15_000, 'entries stored before the backup');
    const res = await gw.api('/api/backups', { method: 'POST', token: admin, headers: { origin: gw.url } });
    expect(res.status).toBe(201);
    const made = (await res.json()) as { name: string; tables: Record<string, { rows: number }> };
    const storedAtEnd = entryRows(gw.gateway.database.file).length;
    stop = true;
    await load;
    await new Promise((r) => setTimeout(r, 300));
    const inBackup = made.tables.access_entries!.rows;
    expect(inBackup).toBeGreaterThan(200);
    // The copy is a snapshot taken while writes went on: later entries exist that it does not hold.
    expect(entryRows(gw.gateway.database.file).length).toBeGreaterThan(inBackup);
    expect(storedAtEnd).toBeGreaterThanOrEqual(inBackup);

    const archive = join(gw.gateway.backups.dir, made.name);
    const listing = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' });
    expect(listing).toMatch(/\.\/gateway\.sqlite/);
    expect(listing).toMatch(/\.\/manifest\.json/);
    expect(listing).toMatch(/\.\/data\/secret\.key|\.\/data\//);

    const fresh = join(dir, 'restored');
    const restore = cli('restore', '--archive', archive, '--data-dir', fresh);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    const restoredDb = join(fresh, 'gateway.sqlite');
    // Same rows: every table as the manifest recorded, and the entries equal the live ones up to the snapshot.
    const digests = tableDigests(restoredDb);
    for (const [table, t] of Object.entries(made.tables)) expect(digests[table]?.rows, table).toBe(t.rows);
    const restoredEntries = entryRows(restoredDb) as Array<{ id: number }>;
    expect(restoredEntries).toHaveLength(inBackup);
    expect(restoredEntries).toEqual(entryRows(gw.gateway.database.file, restoredEntries.at(-1)!.id));

    const again = await startTestGateway({ dataDir: fresh, config: { backup: { intervalHours: 0 } } });
    try {
      const token = await again.login('viewer');
      const page = (await (await again.api('/api/access/entries?limit=1', { token })).json()) as { entries: Array<{ id: number }> };
      expect(page.entries[0]!.id).toBe(restoredEntries.at(-1)!.id);
    } finally {
      await again.stop();
    }
  }, 90_000);

  it('keeps backup.keep archives; the admin lists and downloads them; others may not', async () => {
    for (let i = 0; i < 2; i++) expect((await gw.api('/api/backups', { method: 'POST', token: admin, headers: { origin: gw.url } })).status).toBe(201);
    const list = (await (await gw.api('/api/backups', { token: admin })).json()) as { backups: Array<{ name: string; bytes: number }> };
    expect(list.backups).toHaveLength(2);
    const download = await gw.api(`/api/backups/${list.backups[0]!.name}`, { token: admin });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await gw.api('/api/backups/..%2Fgateway.sqlite', { token: admin })).status).toBe(404);
    const officer = await gw.login('officer');
    expect((await gw.api('/api/backups', { method: 'POST', token: officer, headers: { origin: gw.url } })).status).toBe(403);
  });

  it('restore refuses an archive whose rows differ from its manifest, and an occupied data folder', async () => {
    const name = gw.gateway.backups.list()[0]!.name;
    const unpacked = join(dir, 'tampered');
    execFileSync('mkdir', ['-p', unpacked]);
    execFileSync('tar', ['-xzf', join(gw.gateway.backups.dir, name), '-C', unpacked]);
    const manifestFile = join(unpacked, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { tables: Record<string, { rows: number }> };
    manifest.tables.access_entries!.rows += 1;
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const tampered = join(dir, 'tampered.tar.gz');
    execFileSync('tar', ['-czf', tampered, '-C', unpacked, '.']);
    const target = join(dir, 'never');
    await expect(restoreArchive({ archive: tampered, dataDir: target })).rejects.toThrow(/table access_entries differs from the backup's manifest/);
    expect(existsSync(join(target, 'gateway.sqlite'))).toBe(false);
    await expect(restoreArchive({ archive: join(gw.gateway.backups.dir, name), dataDir: gw.dataDir })).rejects.toThrow(/already holds a database/);
  });
});
