import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VISITOR_PASS_PREFIX, type PassesPayload } from '../../devices/mqtt-barrier/passes-protocol.js';
import type { Decision } from './local-lists.js';

/**
 * The barrier's own copy of the visitor passes, kept in a file, decided by the barrier's own
 * clock: a pass is admitted only inside its validity, also while the gateway is away.
 */
export class LocalPasses {
  private version = -1;
  private passes = new Map<string, { from: number; until: number }>();
  private plates = new Map<string, Array<{ from: number; until: number }>>();

  constructor(private readonly file: string) {}

  load(): void {
    if (!existsSync(this.file)) return;
    try {
      this.apply(JSON.parse(readFileSync(this.file, 'utf8')) as PassesPayload, false);
    } catch {
      // a damaged copy: wait for the gateway's retained passes
    }
  }

  get appliedVersion(): number | undefined {
    return this.version < 0 ? undefined : this.version;
  }

  get size(): number {
    return this.passes.size;
  }

  /** True when this QR value is a gateway visitor pass (decided here, not by the visitor policy). */
  static isPass(value: string): boolean {
    return value.startsWith(VISITOR_PASS_PREFIX);
  }

  /** Stores a new version durably; false for an older version. */
  apply(payload: PassesPayload, persist = true): boolean {
    if (payload.version < this.version) return false;
    if (persist) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(payload), { flush: true });
      renameSync(`${this.file}.tmp`, this.file);
    }
    this.version = payload.version;
    this.passes = new Map(payload.passes.map((p) => [p.value, { from: Date.parse(p.validFrom), until: Date.parse(p.validUntil) }]));
    this.plates = new Map();
    for (const p of payload.passes) {
      if (!p.plate) continue;
      const key = LocalPasses.plateKey(p.plate);
      this.plates.set(key, [...(this.plates.get(key) ?? []), { from: Date.parse(p.validFrom), until: Date.parse(p.validUntil) }]);
    }
    return true;
  }

  /** The barrier's own spelling rule for plates (upper case, no spaces, dots or hyphens). */
  static plateKey(plate: string): string {
    return plate.normalize('NFKC').replace(/[\s\u00B7\u2022\u30FB.\-_]/gu, '').toUpperCase();
  }

  /** A registered visitor's plate inside one of its passes' validity; undefined for any other plate. */
  decidePlate(plate: string, now: Date): Decision | undefined {
    const t = now.getTime();
    return this.plates.get(LocalPasses.plateKey(plate))?.some((p) => t >= p.from && t < p.until) ? { result: 'granted', reason: 'visitor pass' } : undefined;
  }

  decide(value: string, now: Date): Decision {
    const pass = this.passes.get(value);
    if (!pass) return { result: 'denied', reason: 'unknown pass' };
    const t = now.getTime();
    if (t < pass.from) return { result: 'denied', reason: 'pass not yet valid' };
    if (t >= pass.until) return { result: 'denied', reason: 'pass expired' };
    return { result: 'granted', reason: 'visitor pass' };
  }
}
