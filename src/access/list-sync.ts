import type { BarrierDriver } from '../../devices/mqtt-barrier/driver.js';
import type { ListsPayload } from '../../devices/mqtt-barrier/protocol.js';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import { VersionedCopySync, type CopySyncStatus } from '../store/versioned-copy-sync.js';
import type { ListStore } from './lists.js';

export type ListSyncStatus = CopySyncStatus;
export type ListSync = VersionedCopySync<ListsPayload>;

/**
 * Keeps every barrier's copy of the allow/deny lists current (complete and versioned, retained):
 * after a change (debounced), at start, and when a barrier comes online with an older version.
 */
export function listSync(deps: {
  gates: readonly string[];
  database: Database;
  lists: () => ListStore;
  driver: BarrierDriver;
  bus: EventBus;
  log: Logger;
  publishDelayMs: number;
}): ListSync {
  return new VersionedCopySync<ListsPayload>({
    name: 'access-list-sync',
    what: 'lists',
    table: 'access_list_sync',
    gates: deps.gates,
    database: deps.database,
    current: deps.lists,
    publish: (gate, snapshot) => deps.driver.publishLists(gate, snapshot),
    onApplied: (handler) => deps.driver.on('listsApplied', handler),
    bus: deps.bus,
    log: deps.log,
    publishDelayMs: deps.publishDelayMs,
  });
}
