import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { DB_FILE, restoreArchive, writeArchive } from '../backup/archive.js';
import { VERSION } from '../version.js';
import { EXIT_INVALID_CONFIG, loadConfigOrReport, wantsHelp } from './common.js';

const BACKUP_USAGE = `usage: community-gateway backup [--config FILE] [--out DIR]
  Makes one archive now (also while the gateway runs: SQLite's online backup) in DIR
  (default: backup.dir, or <dataDir>/backups) and prints its path.`;
const RESTORE_USAGE = `usage: community-gateway restore --archive FILE [--config FILE] [--data-dir DIR] [--force]
  Checks the archive (database integrity, every table's rows against the manifest), then restores
  it into DIR (default: storage.dataDir). Stop the gateway first. An existing database is replaced
  only with --force. The archived config file is left as <dataDir>/restored-config.yaml.`;

export async function backupCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(BACKUP_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' } } });
  const config = loadConfigOrReport(values.config);
  if (!config) return EXIT_INVALID_CONFIG;
  const dbFile = join(config.storage.dataDir, DB_FILE);
  if (!existsSync(dbFile)) {
    console.error(`no database at ${dbFile}: check storage.dataDir`);
    return 1;
  }
  const dir = resolve(values.out ?? config.backup.dir ?? join(config.storage.dataDir, 'backups'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  const out = join(dir, `gateway-${config.site.id}-${stamp}.tar.gz`);
  const db = new BetterSqlite3(dbFile, { fileMustExist: true });
  try {
    const manifest = await writeArchive({ out, dataDir: config.storage.dataDir, configFile: values.config, site: config.site.id, version: VERSION, backupDatabase: (dest) => db.backup(dest) });
    const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
    console.log(`${out}\n${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.files.length} other files; integrity ${manifest.integrity}`);
    return 0;
  } finally {
    db.close();
  }
}

export async function restoreCommand(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(RESTORE_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, archive: { type: 'string' }, 'data-dir': { type: 'string' }, force: { type: 'boolean' } } });
  if (!values.archive) {
    console.error(RESTORE_USAGE);
    return 2;
  }
  const dataDir = values['data-dir'] ?? loadConfigOrReport(values.config)?.storage.dataDir;
  if (!dataDir) return EXIT_INVALID_CONFIG;
  try {
    const result = await restoreArchive({ archive: values.archive, dataDir, force: values.force === true });
    console.log(`restored ${result.tables} tables (${result.rows} rows, all as recorded in the backup of ${result.manifest.createdAt}) into ${dataDir}`);
    return 0;
  } catch (err) {
    console.error(`restore refused: ${(err as Error).message}`);
    return 1;
  }
}
