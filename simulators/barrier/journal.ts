import type { EntryPayload } from '../../devices/mqtt-barrier/protocol.js';
import { DeviceJournal, type HeldEvent } from '../common/device-journal.js';

/** An entry the barrier keeps until the gateway acknowledges it. */
export type HeldEntry = HeldEvent<EntryPayload>;

/** The barrier's journal of entries not yet acknowledged (the shared device journal). */
export class EntryJournal extends DeviceJournal<EntryPayload> {}
