import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { REDACTED_PATHS } from '../../src/core/logger.js';
import type { FeatureFactory } from '../../src/feature.js';
import { Gateway } from '../../src/gateway.js';
import { defineRoutes } from '../../src/http/route.js';
import { startTestGateway, TEST_USERS, type TestGateway } from '../helpers/gateway.js';

describe('a failing request does not log its token', () => {
  let gateway: Gateway;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const boom: FeatureFactory = () => ({
      name: 'boom',
      services: [],
      routes: defineRoutes([
        {
          method: 'get',
          path: '/api/test/boom',
          access: 'viewer',
          summary: 'fails',
          handler: () => {
            throw new Error('unexpected failure');
          },
        },
      ]),
    });
    const { dataDir } = { dataDir: (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/cg-lows-`) };
    const { config } = loadConfig({
      env: {},
      overrides: { http: { host: '127.0.0.1', port: 0 }, mqtt: { embedded: { host: '127.0.0.1', port: 0 } }, storage: { dataDir }, auth: { users: [TEST_USERS.viewer] } },
    });
    gateway = new Gateway({ config, log, env: {}, features: [boom] });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('redacts ?token= in the logged URL of a 500', async () => {
    const login = await fetch(`${gateway.http.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'viewer', password: TEST_USERS.viewer.password }) });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${gateway.http.url}/api/test/boom?camera=x&token=${token}&access_token=${token}`);
    expect(res.status).toBe(500);
    const logged = lines.join('');
    expect(logged).toContain('request failed');
    expect(logged).toContain('token=[redacted]');
    expect(logged).not.toContain(token);
  });
});

describe('TTS language values that are not languages', () => {
  let gw: TestGateway;
  let officer: string;
  beforeAll(async () => {
    // A configured speaker (offline is enough): the request gets as far as choosing a voice.
    gw = await startTestGateway({ config: { mqtt: { devices: [{ id: 'gate-east', kind: 'speakers', password: 'pw-gate-east-secret', groups: ['all'] }] } } });
    officer = await gw.login('officer');
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('answers 400 (not 500) to __proto__, constructor and toString', async () => {
    for (const language of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await gw.api('/api/broadcast/tts', { method: 'POST', token: officer, json: { text: 'attention', language, groups: ['all'] } });
      expect({ language, status: res.status }).toEqual({ language, status: 400 });
    }
  });
});
