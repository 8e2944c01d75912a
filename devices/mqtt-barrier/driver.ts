import { randomBytes } from 'node:crypto';
import type { EventBus } from '../../src/core/event-bus.js';
import { TimeoutError, UserError } from '../../src/core/errors.js';
import type { Service } from '../../src/core/lifecycle.js';
import type { Logger } from '../../src/core/logger.js';
import { PayloadError, matchTopic } from '../../src/core/mqtt-contract.js';
import type { ContractRouter } from '../../src/mqtt/contract-router.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import { DEFAULT_ADAPTERS, type EntryAdapter, type EntryRecord } from './adapters/index.js';
import { hikvisionAnprAdapter } from './adapters/hikvision-anpr.js';
import { entryFromPayload, nativeAdapter } from './adapters/native.js';
import {
  barrierAck,
  barrierCommand,
  barrierCommandResult,
  barrierEntry,
  barrierLists,
  barrierListsApplied,
  barrierState,
  barrierVendorEntry,
  type BarrierCommand,
  type RejectCode,
  type CommandPayload,
  type CommandResultPayload,
  type ListsAppliedPayload,
  type ListsPayload,
  type StatePayload,
} from './protocol.js';

export type { EntryRecord } from './adapters/index.js';

export interface BarrierDriverDeps {
  base: string;
  router: ContractRouter;
  publisher: MqttPublisher;
  bus: EventBus;
  log: Logger;
  /** How long a command may take before the caller gets a TimeoutError. */
  commandTimeoutMs: number;
  adapters?: readonly EntryAdapter[];
}

export interface CommandOptions {
  issuedBy?: string | undefined;
  reason?: string | undefined;
  lane?: string | undefined;
}

export interface CommandOutcome {
  requestId: string;
  status: 'ok';
  state: string | null;
  elapsedMs: number;
}

interface Listeners {
  /** `stored` must be called once the entry is stored (or its commit failed): it releases the entry's MQTT acknowledgement. */
  entry: (entry: EntryRecord, stored: () => void) => void;
  /** `retained`: delivered from the broker's store at subscription (may be old), not as it was published. */
  state: (gate: string, state: StatePayload, retained: boolean) => void;
  listsApplied: (gate: string, applied: ListsAppliedPayload) => void;
  /** A command on a barrier's command topic that this gateway did not send (an integration's, over MQTT). */
  foreignCommand: (gate: string, command: CommandPayload) => void;
  /** The barrier's result of such a command. */
  foreignResult: (gate: string, result: CommandResultPayload) => void;
}

/**
 * The gateway's side of the MQTT barrier contract. Inbound entries (native or through a vendor
 * adapter) are validated and mapped into the common entry model; acknowledgements, commands and
 * lists go out. The access service never touches a topic itself.
 */
export class BarrierDriver implements Service {
  readonly name = 'barrier-driver';
  private readonly adapters = new Map<string, EntryAdapter>();
  private readonly pending = new Map<string, { gate: string; resolve: (r: CommandResultPayload) => void; timer: NodeJS.Timeout }>();
  private readonly listeners: { [K in keyof Listeners]: Array<Listeners[K]> } = { entry: [], state: [], listsApplied: [], foreignCommand: [], foreignResult: [] };
  /** Request ids this gateway sent recently (its own commands come back on the observed command topic). */
  private readonly issued = new Set<string>();
  /** Request ids of foreign commands seen recently (their results are reported too). */
  private readonly foreign = new Set<string>();
  private offInvalid: (() => void) | undefined;

  constructor(private readonly deps: BarrierDriverDeps) {
    for (const adapter of deps.adapters ?? DEFAULT_ADAPTERS) this.adapters.set(adapter.format, adapter);
  }

  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): void {
    this.listeners[event].push(listener);
  }

  async start(): Promise<void> {
    const { router } = this.deps;
    router.handle(barrierEntry, ({ params, payload, defer }) => {
      const entry = entryFromPayload(params.id, payload);
      this.emitEntry(entry, defer);
    });
    router.handle(barrierVendorEntry, ({ params, payload, defer }) => {
      const adapter = this.adapters.get(params.format);
      if (!adapter || adapter.format === 'native') {
        throw new PayloadError(`unknown vendor format "${params.format}"; known: ${[...this.adapters.keys()].filter((f) => f !== 'native').join(', ')}`);
      }
      // A payload the adapter refuses is reported by the router (PayloadError); the rejection to the barrier follows from that report.
      this.emitEntry(adapter.decode(params.id, payload), defer);
    });
    router.handle(barrierState, ({ params, payload, retained }) => {
      for (const l of this.listeners.state) l(params.id, payload, retained);
    });
    router.handle(barrierListsApplied, ({ params, payload }) => {
      for (const l of this.listeners.listsApplied) l(params.id, payload);
    });
    router.observe(barrierCommand, ({ params, payload }) => {
      if (this.issued.has(payload.requestId)) return;
      remember(this.foreign, payload.requestId);
      for (const l of this.listeners.foreignCommand) l(params.id, payload);
    });
    router.handle(barrierCommandResult, ({ params, payload }) => {
      if (this.foreign.delete(payload.requestId)) {
        for (const l of this.listeners.foreignResult) l(params.id, payload);
        return;
      }
      const waiting = this.pending.get(payload.requestId);
      if (!waiting) return; // unknown requestId: a late answer after a timeout, or for another gateway; ignored
      clearTimeout(waiting.timer);
      this.pending.delete(payload.requestId);
      waiting.resolve(payload);
    });
    // An entry the contract (or an adapter) refused is not stored: tell its barrier with a reason code, so that it stops resending it.
    this.offInvalid = this.deps.bus.on('mqtt.invalid', ({ topic, raw, reason, code }) => {
      if (!raw) return;
      const native = matchTopic(this.deps.base, barrierEntry, topic);
      const vendor = native ? undefined : matchTopic(this.deps.base, barrierVendorEntry, topic);
      const gate = native?.id ?? vendor?.id;
      if (!gate) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        return; // not JSON: no eventId to name (reported on gateway/errors)
      }
      const adapter = vendor ? this.adapters.get(vendor.format!) : nativeAdapter;
      const eventId = adapter ? adapter.eventIdOf(parsed) : (nativeAdapter.eventIdOf(parsed) ?? hikvisionAnprAdapter.eventIdOf(parsed));
      if (!eventId) return;
      const sentAsText = typeof (parsed as { eventId?: unknown; UUID?: unknown } | null)?.[vendor ? 'UUID' : 'eventId'] === 'string';
      this.refuse(gate, eventId, reason, rejectCodeOf(code, adapter, sentAsText ? eventId : '', vendor !== undefined));
    });
  }

  /** Hands an entry to the ingest; its MQTT acknowledgement waits until every listener stored it. */
  private emitEntry(entry: EntryRecord, defer: () => () => void): void {
    for (const l of this.listeners.entry) l(entry, defer());
  }

  async stop(): Promise<void> {
    this.offInvalid?.();
    this.offInvalid = undefined;
    for (const [, waiting] of this.pending) clearTimeout(waiting.timer);
    this.pending.clear();
  }

  /** Tells a barrier that these entries are stored (after the commit). */
  async acknowledge(gate: string, eventIds: string[], committedAt: Date): Promise<void> {
    await this.deps.publisher.publish(barrierAck, { id: gate }, { eventIds, committedAt: committedAt.toISOString() });
  }

  /** Tells a barrier that an entry will never be stored (it stops resending it). */
  refuse(gate: string, eventId: string, reason: string, code: RejectCode = 'invalid-payload'): void {
    this.deps.publisher
      .publish(barrierAck, { id: gate }, { eventIds: [], rejected: [{ eventId, code, reason }], committedAt: new Date().toISOString() })
      .catch((err: Error) => this.deps.log.warn({ gate, err: err.message }, 'could not publish a rejection'));
  }

  /** Publishes the complete lists to one barrier (retained). */
  async publishLists(gate: string, lists: ListsPayload): Promise<void> {
    await this.deps.publisher.publish(barrierLists, { id: gate }, lists);
  }

  /** Sends a command and waits for the barrier's result; TimeoutError when it does not answer in time. */
  async command(gate: string, command: BarrierCommand, options: CommandOptions = {}): Promise<CommandOutcome> {
    const requestId = `r-${randomBytes(6).toString('hex')}`;
    remember(this.issued, requestId);
    const started = Date.now();
    const timeoutMs = this.deps.commandTimeoutMs;
    const result = new Promise<CommandResultPayload>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new TimeoutError('barrier.timeout', { barrier: gate, command, seconds: timeoutMs / 1000, request: requestId }));
      }, timeoutMs);
      this.pending.set(requestId, { gate, resolve, timer });
    });
    try {
      await this.deps.publisher.publish(
        barrierCommand,
        { id: gate },
        {
          requestId,
          command,
          issuedAt: new Date(started).toISOString(),
          expiresAt: new Date(started + timeoutMs).toISOString(),
          ...(options.lane ? { lane: options.lane } : {}),
          ...(options.issuedBy ? { issuedBy: options.issuedBy } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
      );
    } catch (err) {
      const waiting = this.pending.get(requestId);
      if (waiting) clearTimeout(waiting.timer);
      this.pending.delete(requestId);
      throw err;
    }
    const answer = await result;
    if (answer.status !== 'ok') {
      throw new UserError(answer.status === 'refused' ? 'barrier.refused' : 'barrier.failed', { barrier: gate, command, reason: answer.error ?? 'no reason given' }, 502, `command_${answer.status}`, {
        requestId,
      });
    }
    return { requestId, status: 'ok', state: answer.state ?? null, elapsedMs: Date.now() - started };
  }
}

const VALID_EVENT_ID = /^[\x21-\x7e]{1,128}$/;

/** The reason code of a refused entry, from the router's code and what the payload holds. */
function rejectCodeOf(code: string | undefined, adapter: EntryAdapter | undefined, eventId: string, vendor: boolean): RejectCode {
  if (code === 'invalid-utf8') return 'invalid-utf8';
  if (vendor && !adapter) return 'unknown-format';
  return VALID_EVENT_ID.test(eventId) ? 'invalid-payload' : 'invalid-event-id';
}

/** Adds to a set that keeps only the most recent 1000 ids. */
function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > 1000) ids.delete(ids.values().next().value!);
}
