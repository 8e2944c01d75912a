import { linkSync, mkdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { silentLogger } from './src/core/logger.js';
import { Exporter } from './src/recording/export.js';
import { RecordingIndex } from './src/recording/index-store.js';
import { segmentPath } from './src/recording/layout.js';
import { recordingMigrations } from './src/recording/migrations.js';
import { repairRecordings } from './src/recording/repair.js';
import { Database } from './src/store/database.js';
import { execFileSync } from 'node:child_process';
const dir = '/tmp/rec-scratch/keep'; execFileSync('rm', ['-rf', dir]);
const root = join(dir, 'recordings'); const start = Date.now() - 2 * 3600_000;
for (let i = 0; i < 10; i++) { const f = join(root, segmentPath('bench', 'main', start + i * 60_000)); mkdirSync(dirname(f), { recursive: true }); linkSync('/tmp/rec-scratch/minute.mp4', f); }
const db = new Database({ dataDir: dir, migrations: [recordingMigrations], log: silentLogger() }); await db.start();
const index = new RecordingIndex(db); repairRecordings(root, index, silentLogger());
const ex = new Exporter({ root, index, maxExportMinutes: 60 });
for (let k = 0; k < 4; k++) { const c0 = process.cpuUsage(); const t0 = performance.now();
const row = await ex.create({ camera: 'bench', fromMs: start + 1234, toMs: start + 600_000, by: 'x' });
console.log(row.durationMs, ((performance.now() - t0)/1000).toFixed(2), 's', (( (c => c.user + c.system)(process.cpuUsage(c0)))/1e6).toFixed(2), 'cpu s');
}
await db.stop();
