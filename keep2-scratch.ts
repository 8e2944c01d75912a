import { linkSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { silentLogger } from './src/core/logger.js';
import { RecordingIndex } from './src/recording/index-store.js';
import { segmentPath } from './src/recording/layout.js';
import { recordingMigrations } from './src/recording/migrations.js';
import { repairRecordings } from './src/recording/repair.js';
import { SegmentReader } from './src/recording/segment-reader.js';
import { fragmentSamples, trackDefaults } from './src/recording/mp4-samples.js';
import { Database } from './src/store/database.js';
import { execFileSync } from 'node:child_process';
const dir = '/tmp/rec-scratch/keep2'; execFileSync('rm', ['-rf', dir]);
const root = join(dir, 'recordings'); const start = Date.now() - 2 * 3600_000;
for (let i = 0; i < 10; i++) { const f = join(root, segmentPath('bench', 'main', start + i * 60_000)); mkdirSync(dirname(f), { recursive: true }); linkSync('/tmp/rec-scratch/minute.mp4', f); }
const db = new Database({ dataDir: dir, migrations: [recordingMigrations], log: silentLogger() }); await db.start();
const index = new RecordingIndex(db); repairRecordings(root, index, silentLogger());
for (let k = 0; k < 3; k++) {
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
let c0 = cpu();
const r = new SegmentReader(root, index, 'bench', start); let n = 0; let d;
for (;;) { const f = await r.next(); if (!f) break; n++; d ??= trackDefaults(f.init); }
console.log('reader only', n, (cpu() - c0).toFixed(2));
c0 = cpu();
const r2 = new SegmentReader(root, index, 'bench', start);
for (;;) { const f = await r2.next(); if (!f) break; fragmentSamples(f.data, d!); }
console.log('reader+samples', (cpu() - c0).toFixed(2));
}
await db.stop();
