import type { Service } from '../../src/core/lifecycle.js';
import type { ContractRouter } from '../../src/mqtt/contract-router.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import { barrierPasses, barrierPassesApplied, type PassesAppliedPayload, type PassesPayload } from './passes-protocol.js';

/**
 * The gateway's side of the barriers' visitor passes: publishes the complete, versioned passes to
 * a barrier (retained) and reports the version each barrier says it applied.
 */
export class BarrierPassesDriver implements Service {
  readonly name = 'barrier-passes-driver';
  private readonly appliedListeners: Array<(gate: string, applied: PassesAppliedPayload) => void> = [];

  constructor(private readonly deps: { router: ContractRouter; publisher: MqttPublisher }) {}

  onApplied(listener: (gate: string, applied: PassesAppliedPayload) => void): void {
    this.appliedListeners.push(listener);
  }

  async start(): Promise<void> {
    this.deps.router.handle(barrierPassesApplied, ({ params, payload }) => {
      for (const l of this.appliedListeners) l(params.id, payload);
    });
  }

  async stop(): Promise<void> {}

  async publishPasses(gate: string, passes: PassesPayload): Promise<void> {
    await this.deps.publisher.publish(barrierPasses, { id: gate }, passes);
  }
}
