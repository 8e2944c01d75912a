import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import type { MqttConnection } from './connection.js';
import type { ContractRouter } from './contract-router.js';
import { gatewayRequest, gatewayResponse, gatewayState } from './gateway-topics.js';
import type { MqttPublisher } from './publisher.js';

export type OperationHandler = (request: Record<string, unknown>) => unknown;

/**
 * The gateway's own presence and request/response API on MQTT: retained `gateway/state`
 * (online on every connect, offline as last will and on stop) and `gateway/request/<op>` ->
 * `gateway/response/<op>` with the caller's transaction id.
 */
export class GatewayBridge implements Service {
  readonly name = 'mqtt-bridge';
  private readonly operations = new Map<string, OperationHandler>();
  private offConnect: (() => void) | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly deps: {
      siteId: string;
      version: string;
      connection: MqttConnection;
      router: ContractRouter;
      publisher: MqttPublisher;
      log: Logger;
    },
  ) {}

  /** Registers an operation answered on gateway/response/<op>. Call before start(). */
  operation(op: string, handler: OperationHandler): void {
    if (this.operations.has(op)) throw new Error(`operation ${op} already registered`);
    this.operations.set(op, handler);
  }

  async start(): Promise<void> {
    const { deps } = this;
    this.operation('ping', () => ({ pong: true }));
    this.operation('info', () => ({ siteId: deps.siteId, version: deps.version, startedAt: this.startedAt, uptimeSeconds: Math.round(process.uptime()) }));
    deps.router.handle(gatewayRequest, async ({ params, payload }) => {
      const handler = this.operations.get(params.op);
      const transaction = payload.transaction;
      const respond = (body: { status: 'ok' | 'error'; data?: unknown; error?: string }) =>
        deps.publisher.publish(gatewayResponse, { op: params.op }, { ...body, ...(transaction === undefined ? {} : { transaction }) });
      if (!handler) {
        await respond({ status: 'error', error: `unknown operation "${params.op}"; known: ${[...this.operations.keys()].join(', ')}` });
        return;
      }
      try {
        await respond({ status: 'ok', data: await handler(payload) });
      } catch (err) {
        await respond({ status: 'error', error: errorMessage(err) });
      }
    });
    this.offConnect = deps.connection.onConnect(() => {
      deps.publisher
        .publish(gatewayState, {}, { state: 'online', siteId: deps.siteId, version: deps.version, startedAt: this.startedAt })
        .catch((err: Error) => deps.log.warn({ err: err.message }, 'could not publish gateway state'));
    });
  }

  async stop(): Promise<void> {
    this.offConnect?.();
    if (this.deps.connection.connected) {
      await this.deps.publisher.publish(gatewayState, {}, { state: 'offline', siteId: this.deps.siteId }).catch(() => {});
    }
  }
}
