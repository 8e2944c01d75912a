import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the work a frame belongs to, by its file (or, for V8 built-ins, its name). */
function area(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url.includes('/node_modules/pg') || url.includes('/pg-protocol/') || url.includes('/pg-types/')) return 'PostgreSQL client (pg)';
  if (url.includes('/@nats-io/')) return 'NATS client (acks, pulls)';
  if (url.includes('/zod/')) return 'validation (zod)';
  if (url.includes('/src/district/')) return 'district code';
  if (url.includes('/better-sqlite3/')) return 'SQLite (outbox)';
  if (url.includes('/src/uplink/')) return 'uplink code (drain, outbox)';
  if (url.includes('/bench/')) return 'bench generator';
  if (url.includes('/tsx/') || url.includes('/esbuild/') || url.startsWith('node:internal/modules') || url.startsWith('node:internal/deps/cjs-module-lexer')) return 'start-up: loading modules';
  if (url.startsWith('node:internal/crypto/scrypt')) return 'start-up: password hashing';
  if (functionName === 'parse' || functionName === 'stringify' || /JSON/.test(functionName)) return 'JSON';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)' || functionName === '(program)') return functionName;
  if (url.startsWith('node:')) return 'node runtime (sockets, timers)';
  return url ? 'other JS' : 'V8 built-ins';
}

/** Self time of every .cpuprofile in `dir`, summed by area, largest first. */
export function summariseCpuProfiles(dir: string): Array<{ area: string; ms: number; pct_of_busy: number }> {
  if (!existsSync(dir)) return [];
  const totals = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const node = byId.get(p.samples[i]!);
      if (!node) continue;
      const a = area(node.callFrame);
      totals.set(a, (totals.get(a) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
  }
  totals.delete('(idle)');
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([a, ms]) => ({ area: a, ms: Math.round(ms), pct_of_busy: Math.round((ms / busy) * 1000) / 10 }));
}

/** The functions with the most self time (name and file), for the area table's detail. */
export function topFunctions(dir: string, n = 15): Array<{ function: string; file: string; ms: number }> {
  if (!existsSync(dir)) return [];
  const totals = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((x) => [x.id, x]));
    for (let i = 0; i < p.samples.length; i++) {
      const node = byId.get(p.samples[i]!);
      if (!node || node.callFrame.functionName === '(idle)') continue;
      const key = `${node.callFrame.functionName || '(anonymous)'}\t${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}`;
      totals.set(key, (totals.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, ms]) => ({ function: k.split('\t')[0]!, file: k.split('\t')[1]!, ms: Math.round(ms) }));
}
