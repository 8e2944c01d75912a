import type { Logger } from '../core/logger.js';
import { message } from '../core/messages.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { AlarmBarriers } from '../access/alarm-barriers.js';
import type { AlarmAnnouncer } from '../broadcast/alarm-announcer.js';
import type { AlarmCameraControl } from '../cameras/alarm-control.js';
import type { AlarmButtonDriver } from '../../devices/alarm-button/driver.js';
import type { AlarmStore } from './alarm-store.js';
import type { AlarmsConfig } from './config.js';
import type { Alarm } from './model.js';
import type { LinkageAction, LinkageRule } from './rules.js';
import { linkagePublish } from './topics.js';

export interface LinkageTargets {
  cameras: AlarmCameraControl | undefined;
  speakers: AlarmAnnouncer | undefined;
  barriers: AlarmBarriers | undefined;
  buttons: AlarmButtonDriver;
  buttonIds: ReadonlySet<string>;
}

/** What an alarm's actions left running until it is acknowledged (camera held, warning repeating). */
interface Held {
  cameras: Array<{ cameraId: string; holder: string; timer: NodeJS.Timeout }>;
  jobs: string[];
  buttons: string[];
}

/** Runs a rule's actions in parallel and records each one's outcome on the alarm. */
export class LinkageRunner {
  private readonly held = new Map<number, Held>();
  private readonly webhookAborts = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly deps: { store: AlarmStore; targets: () => LinkageTargets; publisher: MqttPublisher; config: AlarmsConfig; log: Logger; onPopup: (alarm: Alarm, enlargeS: number) => void },
  ) {}

  /** Starts every action of the rule at once; resolves when all have an outcome. */
  async run(rule: LinkageRule, alarm: Alarm): Promise<void> {
    await Promise.all(rule.actions.map((action) => this.runOne(rule, alarm, action)));
  }

  /** Acknowledged: cameras return, warnings stop, sirens go off. */
  release(alarmId: number): void {
    const held = this.held.get(alarmId);
    if (!held) return;
    this.held.delete(alarmId);
    const { cameras, speakers, buttons } = this.deps.targets();
    for (const c of held.cameras) {
      clearTimeout(c.timer);
      cameras?.release(c.cameraId, c.holder);
    }
    for (const job of held.jobs) speakers?.stop(job, message('job.reason.alarm-acknowledged'));
    for (const b of held.buttons) void buttons.command(b, 'siren', 'off').catch(() => {});
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.held.keys()]) this.release(id);
    for (const a of this.webhookAborts) a.abort();
    this.webhookAborts.clear();
  }

  private holdOf(alarmId: number): Held {
    let h = this.held.get(alarmId);
    if (!h) this.held.set(alarmId, (h = { cameras: [], jobs: [], buttons: [] }));
    return h;
  }

  private async runOne(rule: LinkageRule, alarm: Alarm, action: LinkageAction): Promise<void> {
    const startedAt = new Date().toISOString();
    const target = targetOf(action, alarm);
    const actionId = this.deps.store.recordAction(alarm.id, { rule: rule.id, action: action.type, target, status: 'running', detail: null, startedAt, endedAt: null });
    try {
      const result = await this.execute(action, alarm, rule);
      this.deps.store.finishAction(actionId, result.status, result.detail);
    } catch (err) {
      this.deps.log.warn({ alarm: alarm.id, rule: rule.id, action: action.type, err: (err as Error).message }, 'linkage action failed');
      this.deps.store.finishAction(actionId, 'failed', (err as Error).message);
    }
  }

  private async execute(action: LinkageAction, alarm: Alarm, rule: LinkageRule): Promise<{ status: 'ok' | 'skipped' | 'failed'; detail: string | null }> {
    const t = this.deps.targets();
    switch (action.type) {
      case 'camera': {
        const cameraId = action.camera ?? alarm.cameraId;
        if (!cameraId) return { status: 'skipped', detail: 'the alarm has no camera and the rule names none' };
        if (!t.cameras) return { status: 'skipped', detail: 'cameras are not part of this gateway' };
        if (!t.cameras.isOnline(cameraId)) return { status: 'failed', detail: `camera ${cameraId} is offline: not turned` };
        const holder = `alarm ${alarm.id}`;
        await t.cameras.gotoPreset(cameraId, action.preset, holder);
        const timer = setTimeout(() => t.cameras?.release(cameraId, holder), action.returnAfterS * 1000);
        timer.unref();
        this.holdOf(alarm.id).cameras.push({ cameraId, holder, timer });
        return { status: 'ok', detail: `${cameraId} at preset ${action.preset}; given back after ${action.returnAfterS} s or on acknowledge` };
      }
      case 'speaker': {
        if (!t.speakers) return { status: 'skipped', detail: 'speakers are not part of this gateway' };
        const offlineNamed = action.speakers.filter((s) => !t.speakers!.isOnline(s));
        if (action.groups.length === 0 && offlineNamed.length === action.speakers.length) return { status: 'failed', detail: `speakers offline: ${offlineNamed.join(', ')}` };
        const job = await t.speakers.announce({ speakers: action.speakers, groups: action.groups, text: action.text, language: action.language, repeat: this.deps.config.speakerMaxRepeats, by: `alarm ${alarm.id}` });
        this.holdOf(alarm.id).jobs.push(job.jobId);
        return { status: 'ok', detail: `warning job ${job.jobId} repeating until acknowledged${job.offline.length ? `; offline, not reached: ${job.offline.join(', ')}` : ''}` };
      }
      case 'popup':
        this.deps.onPopup(alarm, action.enlargeS);
        return { status: 'ok', detail: `shown on consoles and walls${alarm.cameraId ? ` with ${alarm.cameraId}, enlarged ${action.enlargeS} s` : ''}` };
      case 'siren': {
        const device = action.device ?? (alarm.device && t.buttonIds.has(alarm.device) ? alarm.device : undefined);
        if (!device) return { status: 'skipped', detail: 'no alarm button to sound' };
        await Promise.all([
          t.buttons.command(device, 'led', action.led, action.durationS),
          ...(action.siren ? [t.buttons.command(device, 'siren', 'on', action.durationS)] : []),
        ]);
        if (action.siren) this.holdOf(alarm.id).buttons.push(device);
        return { status: 'ok', detail: `${device}: LED ${action.led}${action.siren ? ', siren on' : ''} for ${action.durationS} s` };
      }
      case 'barrier': {
        if (!t.barriers) return { status: 'skipped', detail: 'barriers are not part of this gateway' };
        return { status: 'ok', detail: await t.barriers.command(action.barrier, action.command, `alarm ${alarm.id}: ${alarm.kind} at ${alarm.location ?? alarm.device ?? 'unknown place'}`) };
      }
      case 'mqtt':
        await this.deps.publisher.publish(
          linkagePublish,
          { rule: rule.id },
          { rule: rule.id, alarmId: alarm.id, source: alarm.source, kind: alarm.kind, location: alarm.location, at: new Date().toISOString(), ...(action.message ? { message: action.message } : {}) },
        );
        return { status: 'ok', detail: `published on alarms/linkage/${rule.id}` };
      case 'webhook':
        return this.webhook(action, alarm, rule);
    }
  }

  private async webhook(action: Extract<LinkageAction, { type: 'webhook' }>, alarm: Alarm, rule: LinkageRule): Promise<{ status: 'ok' | 'failed'; detail: string }> {
    const { timeoutMs, retries, backoffMs } = this.deps.config.webhook;
    const body = JSON.stringify({ rule: rule.id, alarm: { id: alarm.id, source: alarm.source, kind: alarm.kind, severity: alarm.severity, location: alarm.location, device: alarm.device, occurredAt: alarm.occurredAt, cameraId: alarm.cameraId } });
    let last = '';
    for (let attempt = 1; attempt <= retries + 1 && !this.stopped; attempt++) {
      const abort = new AbortController();
      this.webhookAborts.add(abort);
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        const res = await fetch(action.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(action.headers ?? {}) }, body, signal: abort.signal, redirect: 'manual' });
        await res.body?.cancel();
        if (res.status >= 200 && res.status < 300) return { status: 'ok', detail: `HTTP ${res.status} after ${attempt} attempt${attempt > 1 ? 's' : ''}` };
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : (err as Error).message;
      } finally {
        clearTimeout(timer);
        this.webhookAborts.delete(abort);
      }
      if (attempt <= retries) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)).unref());
    }
    return { status: 'failed', detail: `gave up after ${retries + 1} attempts: ${last}` };
  }
}

function targetOf(action: LinkageAction, alarm: Alarm): string | null {
  switch (action.type) {
    case 'camera':
      return action.camera ?? alarm.cameraId;
    case 'speaker':
      return [...action.speakers, ...action.groups.map((g) => `group:${g}`)].join(',');
    case 'siren':
      return action.device ?? alarm.device;
    case 'barrier':
      return action.barrier;
    case 'webhook':
      return new URL(action.url).host;
    default:
      return null;
  }
}
