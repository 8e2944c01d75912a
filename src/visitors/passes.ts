import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { VISITOR_PASS_PREFIX, type PassesPayload } from '../../devices/mqtt-barrier/passes-protocol.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { normalisePlate } from '../access/plate.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const passInputSchema = z.strictObject({
  name: text(64),
  phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'digits, spaces, + and - (5 to 20)'),
  building: text(16),
  unit: text(16),
  room: text(16),
  plate: z.string().trim().max(16).optional(),
  reason: z.string().trim().max(128).optional(),
  validFrom: z.iso.datetime({ offset: true }),
  validUntil: z.iso.datetime({ offset: true }),
});
export type PassInput = z.infer<typeof passInputSchema>;

export interface PassView {
  id: number;
  /** The QR code's text (what the barrier reads). */
  token: string;
  name: string;
  phone: string;
  host: { building: string; unit: string; room: string };
  plate: string | null;
  reason: string | null;
  validFrom: string;
  validUntil: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  /** active: valid now; upcoming: not yet; expired; revoked. */
  status: 'active' | 'upcoming' | 'expired' | 'revoked';
}

interface PassRow {
  id: number;
  token: string;
  name: string;
  phone: string;
  building: string;
  unit: string;
  room: string;
  plate: string | null;
  reason: string | null;
  valid_from: number;
  valid_until: number;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function view(r: PassRow, now: number): PassView {
  const status = r.revoked_at !== null ? 'revoked' : now < r.valid_from ? 'upcoming' : now >= r.valid_until ? 'expired' : 'active';
  return {
    id: r.id,
    token: r.token,
    name: r.name,
    phone: r.phone,
    host: { building: r.building, unit: r.unit, room: r.room },
    plate: r.plate,
    reason: r.reason,
    validFrom: iso(r.valid_from),
    validUntil: iso(r.valid_until),
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
    revokedBy: r.revoked_by,
    status,
  };
}

/** 128 random bits: not guessable, and a barrier admits only codes it holds (nothing to forge). */
export function newPassToken(): string {
  return VISITOR_PASS_PREFIX + randomBytes(16).toString('base64url');
}

/**
 * Visitor passes. Every registration and revocation bumps the passes' version in the same
 * transaction; `onChange` then schedules the sync to the barriers.
 */
export class PassStore {
  constructor(
    private readonly database: Database,
    private readonly settings: { maxValidityDays: number },
    private readonly onChange: () => void,
  ) {}

  get version(): number {
    return this.database.db.prepare<[], { version: number }>('SELECT version FROM visitor_pass_version WHERE id = 1').get()!.version;
  }

  register(input: PassInput, createdBy: string): PassView {
    const from = Date.parse(input.validFrom);
    const until = Date.parse(input.validUntil);
    const now = Date.now();
    if (until <= from) throw new UserError('visitor.validity-order');
    if (until <= now) throw new UserError('visitor.validity-past');
    if (until - from > this.settings.maxValidityDays * 86_400_000) throw new UserError('visitor.validity-too-long', { days: this.settings.maxValidityDays });
    const plate = input.plate ? normalisePlate(input.plate) : null;
    const id = this.change(() =>
      Number(
        this.database.db
          .prepare(
            `INSERT INTO visitor_passes (token, name, phone, building, unit, room, plate, reason, valid_from, valid_until, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(newPassToken(), input.name, input.phone, input.building, input.unit, input.room, plate, input.reason ?? null, from, until, createdBy, now).lastInsertRowid,
      ),
    );
    return this.get(id);
  }

  get(id: number): PassView {
    const row = this.database.db.prepare<[number], PassRow>('SELECT * FROM visitor_passes WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('visitor.not-found', { id });
    return view(row, Date.now());
  }

  byToken(token: string): PassView | undefined {
    const row = this.database.db.prepare<[string], PassRow>('SELECT * FROM visitor_passes WHERE token = ?').get(token);
    return row ? view(row, Date.now()) : undefined;
  }

  /** Passes valid at some moment of [from, to) (the day's visitors), or every pass valid now or later. */
  list(range: { from: number; to: number } | undefined, limit = 500): PassView[] {
    const now = Date.now();
    const rows = range
      ? this.database.db.prepare<[number, number, number], PassRow>('SELECT * FROM visitor_passes WHERE valid_from < ? AND valid_until > ? ORDER BY valid_from, id LIMIT ?').all(range.to, range.from, limit)
      : this.database.db.prepare<[number, number], PassRow>('SELECT * FROM visitor_passes WHERE valid_until > ? AND revoked_at IS NULL ORDER BY valid_from, id LIMIT ?').all(now, limit);
    return rows.map((r) => view(r, now));
  }

  revoke(id: number, by: string): PassView {
    const pass = this.get(id);
    if (pass.status === 'revoked') throw new ConflictError('visitor.already-revoked', { name: pass.name });
    this.change(() => this.database.db.prepare('UPDATE visitor_passes SET revoked_at = ?, revoked_by = ? WHERE id = ?').run(Date.now(), by, id));
    return this.get(id);
  }

  /** Every pass the barriers must hold: not revoked and not yet expired. */
  snapshot(): PassesPayload {
    const rows = this.database.db
      .prepare<[number], Pick<PassRow, 'token' | 'valid_from' | 'valid_until' | 'plate'>>('SELECT token, valid_from, valid_until, plate FROM visitor_passes WHERE revoked_at IS NULL AND valid_until > ? ORDER BY id')
      .all(Date.now());
    return {
      version: this.version,
      publishedAt: new Date().toISOString(),
      passes: rows.map((r) => ({ value: r.token, validFrom: iso(r.valid_from), validUntil: iso(r.valid_until), ...(r.plate ? { plate: r.plate } : {}) })),
    };
  }

  private change<T>(work: () => T): T {
    const db = this.database.db;
    const result = db.transaction(() => {
      const out = work();
      db.prepare('UPDATE visitor_pass_version SET version = version + 1 WHERE id = 1').run();
      return out;
    })();
    this.onChange();
    return result;
  }
}
