import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { AlarmCameraControl } from '../cameras/alarm-control.js';
import type { LinkageRule } from './rules.js';

/**
 * Lists the presets of every camera a rule turns when it comes online (and at start), so that the
 * first alarm's goto is one SOAP call: the camera control remembers the tokens it listed.
 */
export class PresetWarmer implements Service {
  readonly name = 'alarm-preset-warmer';
  private off: (() => void) | undefined;

  constructor(private readonly deps: { bus: EventBus; rules: () => readonly LinkageRule[]; cameras: () => AlarmCameraControl | undefined }) {}

  async start(): Promise<void> {
    this.off = this.deps.bus.on('camera.availability', (e) => {
      if (e.online) this.warm(e.cameraId);
    });
    for (const id of this.ruleCameras()) this.warm(id);
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = undefined;
  }

  private ruleCameras(): Set<string> {
    const ids = new Set<string>();
    for (const rule of this.deps.rules()) for (const a of rule.actions) if (a.type === 'camera' && a.camera) ids.add(a.camera);
    return ids;
  }

  private warm(cameraId: string): void {
    const cams = this.deps.cameras();
    if (!cams?.isOnline(cameraId) || !this.ruleCameras().has(cameraId)) return;
    cams.presetNames(cameraId).catch(() => {}); // the alarm path asks the camera itself when this failed
  }
}
