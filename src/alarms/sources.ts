import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { AlarmBarriers } from '../access/alarm-barriers.js';
import type { StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import type { EventLink } from '../../devices/alarm-button/event-link.js';
import type { AlarmButtonDriver } from '../../devices/alarm-button/driver.js';
import type { DoorSensorDriver } from '../../devices/door-sensor/driver.js';
import type { AlarmService, Clock } from './alarm-service.js';
import type { AlarmsConfig } from './config.js';
import type { AlarmInput, Severity } from './model.js';
import type { HomeWatch } from './watch.js';

const BUTTON_SEVERITY: Record<string, Severity> = { press: 'critical', 'long-press': 'info', tamper: 'warning', 'battery-low': 'info' };
const DOOR_SEVERITY: Record<string, Severity> = { tamper: 'warning', 'battery-low': 'info' };

/**
 * Maps every source into the one alarm model: buttons and door sensors (zero-loss, acknowledged
 * after the commit), camera motion/tamper/video-AI events, barrier faults and bursts of denied
 * entries, devices going offline. Manual alarms come in through the routes.
 */
export class AlarmSources implements Service {
  readonly name = 'alarm-sources';
  private readonly offs: Array<() => void> = [];
  private readonly denied = new Map<string, number[]>();
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      service: AlarmService;
      buttons: AlarmButtonDriver;
      doors: DoorSensorDriver;
      watch: HomeWatch;
      bus: EventBus;
      config: AlarmsConfig;
      clock: Clock;
      barriers: () => AlarmBarriers | undefined;
    },
  ) {}

  private place(device: string): { location: string | null; cameraId: string | undefined; name: string } {
    const d = this.deps.config.devices.find((x) => x.id === device);
    return { location: d?.location ?? null, cameraId: d?.cameraId, name: d?.name ?? device };
  }

  async start(): Promise<void> {
    const { service, bus } = this.deps;
    this.deps.buttons.onEvents(({ device, payload }, release) => {
      const stored = this.acknowledger(this.deps.buttons.link, device, payload.eventId, release);
      const where = this.place(device);
      service.raise(
        { source: 'button', kind: payload.type, severity: BUTTON_SEVERITY[payload.type] ?? 'warning', location: where.location, device, occurredAt: payload.timestamp, raw: payload, dedupeKey: `alarm-buttons/${device}/${payload.eventId}`, cameraId: where.cameraId },
        stored,
      );
    });
    this.deps.doors.onEvents(({ device, payload }, release) => {
      const stored = this.acknowledger(this.deps.doors.link, device, payload.eventId, release);
      if (payload.type === 'open' || payload.type === 'closed') {
        if (payload.type === 'closed') this.deps.watch.closed(device, payload.eventId, payload.timestamp);
        const warning = payload.type === 'open' ? this.deps.watch.opened(device, payload.eventId, payload.timestamp) : undefined;
        if (warning) service.raise(warning, stored);
        else stored(true); // logged (door_openings, open and closed, is written before the ack); nothing to raise
        return;
      }
      const home = this.deps.watch.homeOf(device);
      const where = this.place(device);
      service.raise(
        { source: 'door', kind: payload.type, severity: DOOR_SEVERITY[payload.type] ?? 'warning', location: where.location ?? (home ? `${home.building}-${home.unit}-${home.room}` : null), device, occurredAt: payload.timestamp, raw: payload, dedupeKey: `door-sensors/${device}/${payload.eventId}`, cameraId: where.cameraId ?? home?.cameraId },
        stored,
      );
    });
    this.offs.push(
      bus.on('camera.motion', (e) => {
        if (e.state) service.raise(this.camera(e.cameraId, 'motion', 'info', e.at, e));
      }),
      bus.on('camera.tamper', (e) => {
        if (e.state) service.raise(this.camera(e.cameraId, 'tamper', 'warning', e.at, e));
      }),
      bus.on('camera.event', (e) => {
        if (!e.topic.startsWith('vision/')) return;
        const input = this.camera(e.cameraId, e.topic, 'warning', e.at, { topic: e.topic, data: e.data });
        service.raise({ ...input, source: 'vision', zone: e.data.zone });
      }),
      bus.on('access.entry', (entry) => this.onEntry(entry)),
      bus.on('device.availability', (e) => this.availability(`${e.kind}/${e.id}`, e.id, e.availability === 'online', e.at)),
      bus.on('camera.availability', (e) => this.availability(`cameras/${e.cameraId}`, e.cameraId, e.online, e.at, e.reason)),
    );
    this.deps.barriers()?.onFault((gate, at, raw) => service.raise({ source: 'barrier', kind: 'fault', severity: 'warning', location: this.place(gate).location ?? gate, device: gate, occurredAt: at, raw, cameraId: this.place(gate).cameraId }));
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.offlineTimers.values()) clearTimeout(t);
    this.offlineTimers.clear();
  }

  /** After the commit: the MQTT acknowledgement goes, and (committed) the device is told it may forget the event. */
  private acknowledger(link: EventLink<{ eventId: string }>, device: string, eventId: string, release: () => void): (committed: boolean) => void {
    return (committed) => {
      release();
      if (committed) link.acknowledge(device, [eventId], new Date()).catch(() => {});
    };
  }

  private camera(cameraId: string, kind: string, severity: Severity, at: string, raw: unknown): AlarmInput {
    return { source: 'camera', kind, severity, location: this.place(cameraId).location, device: cameraId, occurredAt: at, raw, cameraId };
  }

  private onEntry(entry: StoredEntry): void {
    if (entry.result !== 'denied') return;
    const { count, withinS } = this.deps.config.deniedBurst;
    const now = this.deps.clock.now();
    const times = (this.denied.get(entry.gate) ?? []).filter((t) => now - t < withinS * 1000);
    times.push(now);
    if (times.length >= count) {
      this.denied.delete(entry.gate);
      const where = this.place(entry.gate);
      this.deps.service.raise({ source: 'access', kind: 'denied-burst', severity: 'warning', location: where.location ?? entry.gate, device: entry.gate, occurredAt: new Date(now).toISOString(), raw: { gate: entry.gate, denied: times.length, withinS, last: entry.credential }, cameraId: where.cameraId });
    } else {
      this.denied.set(entry.gate, times);
    }
  }

  /** Offline longer than the grace time: an alarm (a device that comes back within it raises none). */
  private availability(key: string, device: string, online: boolean, at: string, reason?: string): void {
    const timer = this.offlineTimers.get(key);
    if (online) {
      if (timer) clearTimeout(timer);
      this.offlineTimers.delete(key);
      return;
    }
    if (timer) return;
    const raise = () => {
      this.offlineTimers.delete(key);
      const where = this.place(device);
      this.deps.service.raise({ source: 'device', kind: 'offline', severity: 'warning', location: where.location, device, occurredAt: at, raw: { key, reason: reason ?? null }, cameraId: key.startsWith('cameras/') ? undefined : where.cameraId });
    };
    if (this.deps.config.offlineGraceS === 0) return raise();
    const t = setTimeout(raise, this.deps.config.offlineGraceS * 1000);
    t.unref();
    this.offlineTimers.set(key, t);
  }
}
