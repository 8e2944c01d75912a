import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Credential, ListsPayload } from '../../devices/mqtt-barrier/protocol.js';

export interface Decision {
  result: 'granted' | 'denied';
  reason: string;
}

/**
 * The barrier's own copy of the allow/deny lists, kept in a file so that it decides the same
 * way after a restart while the gateway is away.
 */
export class LocalLists {
  private version = -1;
  private allow = new Set<string>();
  private deny = new Set<string>();
  private counts = { allow: 0, deny: 0 };

  constructor(
    private readonly file: string,
    private readonly visitors: 'grant' | 'deny',
  ) {}

  load(): void {
    if (!existsSync(this.file)) return;
    try {
      this.apply(JSON.parse(readFileSync(this.file, 'utf8')) as ListsPayload, false);
    } catch {
      // a damaged copy: wait for the gateway's retained lists
    }
  }

  get appliedVersion(): number | undefined {
    return this.version < 0 ? undefined : this.version;
  }

  get sizes(): { allow: number; deny: number } {
    return this.counts;
  }

  /** Stores a new version (durably: temp file, then rename); returns false for an older or equal version. */
  apply(lists: ListsPayload, persist = true): boolean {
    if (lists.version < this.version) return false;
    if (persist) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(`${this.file}.tmp`, JSON.stringify(lists), { flush: true });
      renameSync(`${this.file}.tmp`, this.file);
    }
    this.version = lists.version;
    this.allow = new Set(lists.allow.map((i) => `${i.type}:${i.value}`));
    this.deny = new Set(lists.deny.map((i) => `${i.type}:${i.value}`));
    this.counts = { allow: this.allow.size, deny: this.deny.size };
    return true;
  }

  decide(credential: Credential): Decision {
    if (credential.type === 'remote' || credential.type === 'manual') return { result: 'granted', reason: credential.type === 'remote' ? 'remote open' : 'opened by guard' };
    const key = `${credential.type}:${credential.value}`;
    if (this.deny.has(key)) return { result: 'denied', reason: 'deny-list' };
    if (this.allow.has(key)) return { result: 'granted', reason: 'allow-list' };
    if (credential.type === 'qr') return { result: 'granted', reason: 'visitor code' };
    return this.visitors === 'grant' ? { result: 'granted', reason: 'visitor' } : { result: 'denied', reason: 'not on allow list' };
  }
}
