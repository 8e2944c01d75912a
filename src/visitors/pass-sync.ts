import type { BarrierPassesDriver } from '../../devices/mqtt-barrier/passes-driver.js';
import type { PassesPayload } from '../../devices/mqtt-barrier/passes-protocol.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import { VersionedCopySync, type CopySyncStatus } from '../store/versioned-copy-sync.js';
import type { PassStore } from './passes.js';

export type PassSyncStatus = CopySyncStatus;
export type PassSync = VersionedCopySync<PassesPayload>;

/**
 * Keeps every barrier's copy of the visitor passes current, as the allow list is kept, and also
 * every `republishMs` (expired passes drop out of the copy; the barrier refuses them by its own
 * clock meanwhile).
 */
export function passSync(deps: {
  gates: readonly string[];
  database: Database;
  passes: () => PassStore;
  driver: BarrierPassesDriver;
  bus: EventBus;
  log: Logger;
  publishDelayMs: number;
  republishMs: number;
}): PassSync {
  return new VersionedCopySync<PassesPayload>({
    name: 'visitor-pass-sync',
    what: 'visitor passes',
    table: 'visitor_pass_sync',
    gates: deps.gates,
    database: deps.database,
    current: deps.passes,
    publish: (gate, snapshot) => deps.driver.publishPasses(gate, snapshot),
    onApplied: (handler) => deps.driver.onApplied(handler),
    bus: deps.bus,
    log: deps.log,
    publishDelayMs: deps.publishDelayMs,
    republishMs: deps.republishMs,
  });
}
