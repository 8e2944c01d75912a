import type { Logger } from './logger.js';

/**
 * Every long-lived part of the gateway (and of the simulators) follows this lifecycle:
 * the constructor only stores its dependencies, `start()` acquires sockets, timers and
 * child processes, `stop()` releases every one of them and may be called more than once.
 */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts services in the given order and stops the started ones in reverse order. */
export class ServiceGroup implements Service {
  private readonly started: Service[] = [];

  constructor(
    readonly name: string,
    private readonly services: readonly Service[],
    private readonly log?: Logger,
  ) {}

  async start(): Promise<void> {
    for (const service of this.services) {
      this.log?.debug({ service: service.name }, 'starting');
      try {
        await service.start();
      } catch (err) {
        this.log?.error({ service: service.name, err }, 'failed to start; stopping what already started');
        await this.stop();
        throw err;
      }
      this.started.push(service);
    }
  }

  async stop(): Promise<void> {
    while (this.started.length > 0) {
      const service = this.started.pop()!;
      this.log?.debug({ service: service.name }, 'stopping');
      try {
        await service.stop();
      } catch (err) {
        this.log?.error({ service: service.name, err }, 'error while stopping');
      }
    }
  }
}
