import type { BarrierCommands } from '../access/barrier-control.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { ContractRouter } from '../mqtt/contract-router.js';
import { haBarrierSet } from './topics.js';

export const HA_ACTOR = { name: 'Home Assistant', role: 'integration' } as const;
export const HA_REASON = 'Home Assistant';

/**
 * Home Assistant's barrier covers: `OPEN` / `CLOSE` on `ha/barriers/<gate>/set` become the
 * gateway's own barrier command (refused while the barrier is offline, answered by the barrier),
 * each audited as `Home Assistant`. Off unless `homeAssistant.allowControl`: then a command is
 * logged and audited as refused, and the barrier is not touched.
 */
export class HomeAssistantCoverControl implements Service {
  readonly name = 'home-assistant-covers';

  constructor(
    private readonly deps: {
      enabled: boolean;
      router: ContractRouter;
      /** The access feature's command path; undefined when the gateway runs without it. */
      commands: () => BarrierCommands | undefined;
      audit: AuditLog;
      log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.deps.router.handle(haBarrierSet, ({ params, payload }) => this.command(params.gate, payload === 'OPEN' ? 'open' : 'close'));
  }

  async stop(): Promise<void> {}

  private async command(gate: string, command: 'open' | 'close'): Promise<void> {
    const { audit, log } = this.deps;
    const action = `barrier.${command}`;
    const commands = this.deps.commands();
    if (!this.deps.enabled || !commands) {
      log.warn({ gate, command }, 'Home Assistant asked to move a barrier, but homeAssistant.allowControl is off: ignored');
      audit.record({ principal: HA_ACTOR, action, target: gate, detail: { via: 'home-assistant', reason: HA_REASON, refused: 'homeAssistant.allowControl is off' }, outcome: 'refused' });
      return;
    }
    const id = audit.begin({ principal: HA_ACTOR, action, target: gate, detail: { via: 'home-assistant', reason: HA_REASON } });
    try {
      const outcome = await commands.command(gate, command, { issuedBy: HA_ACTOR.name, reason: HA_REASON });
      audit.finish(id, { outcome: 'ok', detail: { via: 'home-assistant', reason: HA_REASON, requestId: outcome.requestId, elapsedMs: outcome.elapsedMs } });
    } catch (err) {
      audit.finish(id, { outcome: 'failed', detail: { via: 'home-assistant', reason: HA_REASON, error: (err as Error).message } });
      log.warn({ gate, command, err: (err as Error).message }, 'a barrier command from Home Assistant failed');
    }
  }
}
