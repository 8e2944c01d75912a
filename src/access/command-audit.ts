import type { BarrierDriver } from '../../devices/mqtt-barrier/driver.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';

/**
 * Audits barrier commands that integrations send over MQTT (straight to `barriers/<id>/command`,
 * past the HTTP API): one `barrier.<command>` record when the command is seen and one
 * `barrier.<command>.result` when the barrier answers. MQTT does not tell a subscriber who
 * published, so the identity is the command's `issuedBy`: a configured integration's name is
 * recorded as that integration, anything else as an unverified MQTT client (and logged).
 */
export class CommandAudit implements Service {
  readonly name = 'access-command-audit';
  private readonly commands = new Map<string, { actor: string; command: string }>();

  constructor(private readonly deps: { driver: BarrierDriver; audit: AuditLog; integrations: readonly string[]; log: Logger }) {}

  async start(): Promise<void> {
    const { driver, log } = this.deps;
    driver.on('foreignCommand', (gate, cmd) => {
      const known = cmd.issuedBy !== undefined && this.deps.integrations.includes(cmd.issuedBy);
      const actor = known ? `mqtt-integration:${cmd.issuedBy}` : `mqtt-unverified:${cmd.issuedBy ?? 'unnamed'}`;
      if (!known) log.warn({ gate, command: cmd.command, issuedBy: cmd.issuedBy ?? null }, `a barrier command was sent over MQTT by a client that is not a configured integration (issuedBy "${cmd.issuedBy ?? ''}")`);
      this.commands.set(cmd.requestId, { actor, command: cmd.command });
      if (this.commands.size > 1000) this.commands.delete(this.commands.keys().next().value!);
      this.record(actor, `barrier.${cmd.command}`, gate, { via: 'mqtt', identityVerified: false, requestId: cmd.requestId, lane: cmd.lane, reason: cmd.reason, issuedBy: cmd.issuedBy, issuedAt: cmd.issuedAt }, 'ok');
    });
    driver.on('foreignResult', (gate, result) => {
      const sent = this.commands.get(result.requestId);
      this.commands.delete(result.requestId);
      if (!sent) return;
      this.record(sent.actor, `barrier.${sent.command}.result`, gate, { via: 'mqtt', requestId: result.requestId, status: result.status, state: result.state, error: result.error }, result.status === 'ok' ? 'ok' : result.status === 'refused' ? 'refused' : 'failed');
    });
  }

  async stop(): Promise<void> {
    this.commands.clear();
  }

  private record(actor: string, action: string, target: string, detail: Record<string, unknown>, outcome: 'ok' | 'failed' | 'refused'): void {
    try {
      this.deps.audit.record({ principal: { name: actor, role: 'integration' }, action, target, detail, outcome });
    } catch (err) {
      this.deps.log.error({ err, action, target }, 'could not write the audit record of a barrier command sent over MQTT');
    }
  }
}
