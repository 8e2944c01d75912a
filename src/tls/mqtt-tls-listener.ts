import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { CertificateService } from './certificate-service.js';

/** What the listener hands each connection to (the embedded broker's `accept`). */
export interface MqttConnectionSink {
  accept(stream: TLSSocket, remoteAddress: string | undefined): void;
}

/**
 * MQTT over TLS (mqtts) for the embedded broker, with the same certificate as HTTPS and the same
 * limits as plain MQTT (every connection goes to the broker's own accept()). A renewed certificate
 * applies to the next handshake.
 */
export class MqttTlsListener implements Service {
  readonly name = 'mqtt-tls';
  private server: Server | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly sockets = new Set<TLSSocket>();
  private boundPort = 0;

  constructor(private readonly deps: { host: string; port: number; certificates: CertificateService; broker: MqttConnectionSink; log: Logger }) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const material = this.deps.certificates.current();
    if (!material) throw new Error('mqtt.embedded.tlsPort is set but HTTPS is off (https.mode): MQTT over TLS needs the certificate');
    const server = createServer({ key: material.key, cert: material.cert, handshakeTimeout: 5000 }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      this.deps.broker.accept(socket, socket.remoteAddress);
    });
    server.on('tlsClientError', (err, socket) => {
      this.deps.log.debug({ err: err.message, remote: socket.remoteAddress }, 'MQTT TLS handshake failed');
      socket.destroy();
    });
    this.unsubscribe = this.deps.certificates.onChange((next) => server.setSecureContext({ key: next.key, cert: next.cert }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.deps.port;
    this.deps.log.info({ host: this.deps.host, port: this.boundPort }, 'embedded MQTT broker listening over TLS');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.unsubscribe?.();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}
