/**
 * The gateway in its own process for the streaming benchmark, with a fixed camera source
 * (argv[2]: JSON { source, port, dataDir }). Prints one JSON line { url, token } when ready.
 */
import { loadConfig } from '../../src/config/load.js';
import { STREAM_SOURCES, type StreamSource } from '../../src/cameras/stream-sources.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FeatureFactory } from '../../src/feature.js';
import { Gateway } from '../../src/gateway.js';
import { streamingFeature } from '../../src/streaming/feature.js';
import { NotFoundError } from '../../src/core/errors.js';

const o = JSON.parse(process.argv[2]!) as { source: StreamSource; port: number; mqttPort: number; dataDir: string; graceMs: number };
const sources: FeatureFactory = (ctx) => {
  ctx.capabilities.provide(STREAM_SOURCES, {
    async resolve(cameraId, profile) {
      if (cameraId !== o.source.cameraId) throw new NotFoundError('camera.not-found', { camera: cameraId });
      return { ...o.source, profile };
    },
    list: () => [{ id: o.source.cameraId, name: 'bench camera', online: true }],
    reconnectNow: () => {},
  });
  return { name: 'bench-sources', services: [] };
};
const { config } = loadConfig({
  env: {},
  overrides: {
    http: { host: '127.0.0.1', port: o.port },
    mqtt: { embedded: { host: '127.0.0.1', port: o.mqttPort } },
    storage: { dataDir: o.dataDir },
    log: { level: 'silent', pretty: false },
    auth: { users: [{ name: 'admin', password: 'bench-admin-password', role: 'admin' }] },
    streaming: { graceMs: o.graceMs },
  },
});
const gateway = new Gateway({ config, log: silentLogger(), env: {}, features: [sources, streamingFeature] });
await gateway.start();
const token = gateway.tokens.issueWall('bench', 'admin').token;
process.stdout.write(JSON.stringify({ url: gateway.http.url, token }) + '\n');
process.on('SIGTERM', () => {
  void gateway.stop().then(() => process.exit(0));
});
