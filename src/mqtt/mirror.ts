/**
 * Every valid message of the contract, in both directions, as the dashboards' WebSocket feed
 * mirrors it: topic relative to the base, the contract's name for it, and the decoded payload.
 * Retained topics are remembered so that a new dashboard gets the current state at once.
 */
export interface MirroredMessage {
  topic: string;
  name: string;
  payload: unknown;
  retained: boolean;
}

export type MirrorListener = (message: MirroredMessage) => void;

export class ContractMirror {
  private readonly retained = new Map<string, MirroredMessage>();
  private readonly listeners = new Set<MirrorListener>();

  emit(message: MirroredMessage): void {
    if (message.retained) this.retained.set(message.topic, message);
    for (const listener of this.listeners) listener(message);
  }

  /** The last retained message of every topic, for a new subscriber. */
  snapshot(): MirroredMessage[] {
    return [...this.retained.values()];
  }

  subscribe(listener: MirrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
