import type { Service } from '../../src/core/lifecycle.js';
import type { Logger } from '../../src/core/logger.js';
import type { ContractRouter } from '../../src/mqtt/contract-router.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import {
  groupAudio,
  groupPlay,
  groupStop,
  groupVolume,
  speakerAudio,
  speakerJobEvent,
  speakerPlay,
  speakerState,
  speakerStop,
  speakerVolume,
  type AudioFrame,
  type PlayMessage,
  type SpeakerEvent,
  type SpeakerState,
  type StopMessage,
} from './protocol.js';

/** Where one message goes: each group topic once (whatever its size) and each single speaker. */
export interface PublishTargets {
  groups: readonly string[];
  speakers: readonly string[];
}

export type SpeakerStateListener = (id: string, state: SpeakerState) => void;
export type SpeakerEventListener = (id: string, event: SpeakerEvent) => void;

/**
 * The gateway's side of the speaker wire contract: publishes play/audio/stop/volume to speaker
 * and group topics, and hands the speakers' state and job events to the broadcast service.
 */
export class MqttSpeakerDriver implements Service {
  readonly name = 'speaker-driver';
  private readonly states = new Map<string, SpeakerState>();
  private readonly stateListeners = new Set<SpeakerStateListener>();
  private readonly eventListeners = new Set<SpeakerEventListener>();
  private framesFailed = 0;

  constructor(private readonly deps: { router: ContractRouter; publisher: MqttPublisher; log: Logger }) {}

  async start(): Promise<void> {
    this.deps.router.handle(speakerState, ({ params, payload }) => {
      this.states.set(params.id, payload);
      for (const listener of this.stateListeners) listener(params.id, payload);
    });
    this.deps.router.handle(speakerJobEvent, ({ params, payload }) => {
      for (const listener of this.eventListeners) listener(params.id, payload);
    });
  }

  async stop(): Promise<void> {
    this.stateListeners.clear();
    this.eventListeners.clear();
  }

  /** The last state each speaker reported. */
  state(id: string): SpeakerState | undefined {
    return this.states.get(id);
  }

  onState(listener: SpeakerStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onEvent(listener: SpeakerEventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async play(targets: PublishTargets, message: PlayMessage): Promise<void> {
    await Promise.all([
      ...targets.groups.map((group) => this.deps.publisher.publish(groupPlay, { group }, message)),
      ...targets.speakers.map((id) => this.deps.publisher.publish(speakerPlay, { id }, message)),
    ]);
  }

  /** One publish per group and per single speaker; QoS 0, so it never waits for the speakers. */
  frame(targets: PublishTargets, frame: AudioFrame): void {
    const failed = (err: unknown) => {
      // Frames are QoS 0: a failure (broker gone) loses this frame only; log the first few.
      if (this.framesFailed++ < 5) this.deps.log.warn({ err: String(err) }, 'audio frame publish failed');
    };
    for (const group of targets.groups) this.deps.publisher.publish(groupAudio, { group }, frame).catch(failed);
    for (const id of targets.speakers) this.deps.publisher.publish(speakerAudio, { id }, frame).catch(failed);
  }

  async stopJob(targets: PublishTargets, message: StopMessage): Promise<void> {
    await Promise.all([
      ...targets.groups.map((group) => this.deps.publisher.publish(groupStop, { group }, message)),
      ...targets.speakers.map((id) => this.deps.publisher.publish(speakerStop, { id }, message)),
    ]);
  }

  async setVolume(targets: PublishTargets, volume: number): Promise<void> {
    await Promise.all([
      ...targets.groups.map((group) => this.deps.publisher.publish(groupVolume, { group }, { volume })),
      ...targets.speakers.map((id) => this.deps.publisher.publish(speakerVolume, { id }, { volume })),
    ]);
  }
}
