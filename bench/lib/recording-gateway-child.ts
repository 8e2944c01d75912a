/**
 * The gateway in its own process for the recording benchmark (argv[2]: JSON { sources, dataDir,
 * record }): fixed camera sources, streaming, and recording of every camera when `record`.
 * Prints one JSON line { url, token } when ready.
 */
import { loadConfig } from '../../src/config/load.js';
import { STREAM_SOURCES, type StreamSource } from '../../src/cameras/stream-sources.js';
import { NotFoundError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { FeatureFactory } from '../../src/feature.js';
import { Gateway } from '../../src/gateway.js';
import { recordingFeature } from '../../src/recording/feature.js';
import { streamingFeature } from '../../src/streaming/feature.js';

const o = JSON.parse(process.argv[2]!) as { sources: StreamSource[]; dataDir: string; record: boolean };
const sources: FeatureFactory = (ctx) => {
  ctx.capabilities.provide(STREAM_SOURCES, {
    async resolve(cameraId, profile) {
      const s = o.sources.find((x) => x.cameraId === cameraId);
      if (!s) throw new NotFoundError('camera.not-found', { camera: cameraId });
      return { ...s, profile };
    },
    list: () => o.sources.map((s) => ({ id: s.cameraId, name: s.cameraId, online: true })),
    reconnectNow: () => {},
  });
  return { name: 'bench-sources', services: [] };
};
const { config } = loadConfig({
  env: {},
  overrides: {
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { embedded: { host: '127.0.0.1', port: 0 } },
    storage: { dataDir: o.dataDir },
    log: { level: 'silent', pretty: false },
    auth: { users: [{ name: 'admin', password: 'bench-admin-password', role: 'admin' }] },
    recording: { defaults: { enabled: o.record, retentionDays: 30 }, minFreeGb: 0, minFreePercent: 0 },
  },
});
const gateway = new Gateway({ config, log: silentLogger(), env: {}, features: [sources, streamingFeature, recordingFeature] });
await gateway.start();
const token = gateway.tokens.issueWall('bench', 'admin').token;
process.stdout.write(JSON.stringify({ url: gateway.http.url, token }) + '\n');
process.on('SIGTERM', () => {
  void gateway.stop().then(() => process.exit(0));
});
