/**
 * Where the broadcast service's messages go: the MQTT speakers, and beside them the cameras'
 * own loudspeakers. `SpeakerFanout` splits each message: group topics and MQTT speakers to the
 * MQTT driver, camera targets (ids `camera:<cameraId>`) to the camera speaker driver.
 */
import type { PublishTargets, SpeakerEventListener } from '../../devices/mqtt-speaker/driver.js';
import type { AudioFrame, PlayMessage, SpeakerState, StopMessage } from '../../devices/mqtt-speaker/protocol.js';

/** What the broadcast service needs of the speakers' side (the MQTT driver has exactly this). */
export interface SpeakerOutput {
  state(id: string): SpeakerState | undefined;
  onEvent(listener: SpeakerEventListener): () => void;
  play(targets: PublishTargets, message: PlayMessage): Promise<void>;
  frame(targets: PublishTargets, frame: AudioFrame): void;
  stopJob(targets: PublishTargets, message: StopMessage): Promise<void>;
  setVolume(targets: PublishTargets, volume: number): Promise<void>;
}

export const CAMERA_TARGET_PREFIX = 'camera:';

export function isCameraTarget(id: string): boolean {
  return id.startsWith(CAMERA_TARGET_PREFIX);
}

export function cameraTargetId(cameraId: string): string {
  return `${CAMERA_TARGET_PREFIX}${cameraId}`;
}

export class SpeakerFanout implements SpeakerOutput {
  constructor(
    private readonly mqtt: SpeakerOutput,
    private readonly cameras: SpeakerOutput | undefined,
  ) {}

  private split(targets: PublishTargets): { mqtt: PublishTargets; cameras: PublishTargets | undefined } {
    const camera = targets.speakers.filter(isCameraTarget);
    if (camera.length === 0 || !this.cameras) return { mqtt: targets, cameras: undefined };
    return { mqtt: { groups: targets.groups, speakers: targets.speakers.filter((s) => !isCameraTarget(s)) }, cameras: { groups: [], speakers: camera } };
  }

  state(id: string): SpeakerState | undefined {
    return isCameraTarget(id) ? this.cameras?.state(id) : this.mqtt.state(id);
  }

  onEvent(listener: SpeakerEventListener): () => void {
    const offs = [this.mqtt.onEvent(listener), this.cameras?.onEvent(listener)];
    return () => offs.forEach((off) => off?.());
  }

  async play(targets: PublishTargets, message: PlayMessage): Promise<void> {
    const { mqtt, cameras } = this.split(targets);
    await Promise.all([this.mqtt.play(mqtt, message), cameras && this.cameras!.play(cameras, message)]);
  }

  frame(targets: PublishTargets, frame: AudioFrame): void {
    const { mqtt, cameras } = this.split(targets);
    this.mqtt.frame(mqtt, frame);
    if (cameras) this.cameras!.frame(cameras, frame);
  }

  async stopJob(targets: PublishTargets, message: StopMessage): Promise<void> {
    const { mqtt, cameras } = this.split(targets);
    await Promise.all([this.mqtt.stopJob(mqtt, message), cameras && this.cameras!.stopJob(cameras, message)]);
  }

  async setVolume(targets: PublishTargets, volume: number): Promise<void> {
    const { mqtt, cameras } = this.split(targets);
    await Promise.all([this.mqtt.setVolume(mqtt, volume), cameras && this.cameras!.setVolume(cameras, volume)]);
  }
}
