import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';

const run = promisify(execFile);

export const DB_FILE = 'gateway.sqlite';
export const MANIFEST = 'manifest.json';
/** What of the data folder a backup leaves out: the live database (copied by SQLite's backup API instead), backups themselves, caches. */
const SKIPPED = [/^gateway\.sqlite(-wal|-shm|-journal)?$/, /^backups(\/|$)/, /^broadcast\/tts-cache(\/|$)/, /^recordings(\/|$)/];

export interface Manifest {
  format: 1;
  createdAt: string;
  site: string;
  version: string;
  /** Rows per table, and a SHA-256 over every row of it, of the copied database. */
  tables: Record<string, { rows: number; sha256: string }>;
  /** Files of the data folder (paths relative to it), with the config file as `config/<name>`. */
  files: string[];
  integrity: string;
}

/** Rows and a content digest per table (ordered by rowid): what "same rows" means for a restore check. */
export function tableDigests(file: string): Record<string, { rows: number; sha256: string }> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const out: Record<string, { rows: number; sha256: string }> = {};
    for (const { name } of tables) {
      const hash = createHash('sha256');
      let rows = 0;
      const quoted = `"${name.replace(/"/g, '""')}"`;
      for (const row of db.prepare(`SELECT * FROM ${quoted}`).raw().iterate()) {
        hash.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v)));
        hash.update('\n');
        rows++;
      }
      out[name] = { rows, sha256: hash.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}

export function integrityOf(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

function walk(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(root, full);
    if (SKIPPED.some((re) => re.test(rel))) continue;
    if (entry.isDirectory()) out.push(...walk(full, root));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Makes one archive (tar.gz): the database copied with SQLite's online backup API (a consistent
 * snapshot while the gateway writes), the rest of the data folder (certificates, the key that
 * encrypts camera passwords, clips), the configuration file, and a manifest with row counts and
 * digests per table. Written to a temporary name and renamed when complete.
 */
export async function writeArchive(options: {
  out: string;
  dataDir: string;
  configFile?: string | undefined;
  site: string;
  version: string;
  /** Copies the database to the given file (better-sqlite3's `db.backup`). */
  backupDatabase: (destination: string) => Promise<unknown>;
}): Promise<Manifest> {
  const staging = mkdtempSync(join(tmpdir(), 'cg-backup-'));
  try {
    await options.backupDatabase(join(staging, DB_FILE));
    const files: string[] = [];
    for (const rel of walk(options.dataDir)) {
      mkdirSync(join(staging, 'data', rel, '..'), { recursive: true });
      cpSync(join(options.dataDir, rel), join(staging, 'data', rel), { preserveTimestamps: true });
      files.push(rel);
    }
    if (options.configFile && existsSync(options.configFile) && statSync(options.configFile).isFile()) {
      mkdirSync(join(staging, 'config'), { recursive: true });
      cpSync(options.configFile, join(staging, 'config', 'gateway.yaml'));
      files.push('config/gateway.yaml');
    }
    const manifest: Manifest = {
      format: 1,
      createdAt: new Date().toISOString(),
      site: options.site,
      version: options.version,
      tables: tableDigests(join(staging, DB_FILE)),
      files,
      integrity: integrityOf(join(staging, DB_FILE)),
    };
    writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
    const partial = `${options.out}.partial`;
    await run('tar', ['-czf', partial, '-C', staging, '.'], { timeout: 10 * 60_000 });
    await run('mv', [partial, options.out]);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  manifest: Manifest;
  tables: number;
  rows: number;
}

/**
 * Restores an archive into `dataDir` (which must be empty unless `force`): unpacks it aside, checks
 * the database's integrity and that every table holds exactly the rows the manifest recorded
 * (count and digest), and only then moves the files in. The config file is left beside it as
 * `restored-config.yaml` for the admin to compare; it is never written over the current one.
 */
export async function restoreArchive(options: { archive: string; dataDir: string; force?: boolean }): Promise<RestoreResult> {
  if (!existsSync(options.archive)) throw new Error(`no such archive: ${options.archive}`);
  if (existsSync(join(options.dataDir, DB_FILE)) && !options.force) throw new Error(`${options.dataDir} already holds a database; stop the gateway and give --force to replace it`);
  const staging = mkdtempSync(join(tmpdir(), 'cg-restore-'));
  try {
    await run('tar', ['-xzf', options.archive, '-C', staging, '--no-same-owner'], { timeout: 10 * 60_000 });
    if (!existsSync(join(staging, MANIFEST))) throw new Error('this is not a community-gateway backup (no manifest.json)');
    const manifest = JSON.parse(readFileSync(join(staging, MANIFEST), 'utf8')) as Manifest;
    if (manifest.format !== 1) throw new Error(`unknown backup format ${String(manifest.format)}`);
    const integrity = integrityOf(join(staging, DB_FILE));
    if (integrity !== 'ok') throw new Error(`the database in the archive is damaged: ${integrity}`);
    const digests = tableDigests(join(staging, DB_FILE));
    for (const [table, expected] of Object.entries(manifest.tables)) {
      const got = digests[table];
      if (!got || got.rows !== expected.rows || got.sha256 !== expected.sha256) throw new Error(`table ${table} differs from the backup's manifest (${got?.rows ?? 0} rows, expected ${expected.rows})`);
    }
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    for (const suffix of ['-wal', '-shm']) rmSync(join(options.dataDir, `${DB_FILE}${suffix}`), { force: true });
    cpSync(join(staging, DB_FILE), join(options.dataDir, DB_FILE));
    if (existsSync(join(staging, 'data'))) cpSync(join(staging, 'data'), options.dataDir, { recursive: true, preserveTimestamps: true });
    if (existsSync(join(staging, 'config', 'gateway.yaml'))) cpSync(join(staging, 'config', 'gateway.yaml'), join(options.dataDir, 'restored-config.yaml'));
    return { manifest, tables: Object.keys(digests).length, rows: Object.values(digests).reduce((n, t) => n + t.rows, 0) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
