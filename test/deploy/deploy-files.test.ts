/**
 * Docker cannot run on these machines: the compose file is checked against the Compose
 * Specification's own JSON Schema (test/deploy/fixtures/compose-spec.json, from
 * github.com/compose-spec/compose-spec, Apache-2.0), the Dockerfile for what the issue asks (a
 * non-root user, a health check that calls a real command), the systemd unit with
 * `systemd-analyze verify` (and its security exposure score) where systemd-analyze exists.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('deployment files', () => {
  it('compose.yaml is valid by the Compose Specification schema, with a health check and an optional mosquitto', () => {
    const schema = JSON.parse(read('test/deploy/fixtures/compose-spec.json')) as Record<string, unknown>;
    delete schema.$schema; // draft-07, which ajv knows by its http:// name
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> };
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    // The schema does refuse a wrong file.
    expect(validate({ services: { gateway: { restart: 'unless-stopped', healthcheck: { test: 42 }, nonsense: true } } })).toBe(false);
    const gateway = compose.services.gateway!;
    expect(gateway.user).toBe('1000:1000');
    expect(gateway.read_only).toBe(true);
    expect(gateway.cap_drop).toEqual(['ALL']);
    expect((gateway.healthcheck as { test: string[] }).test).toContain('healthcheck');
    expect(compose.services.mosquitto!.profiles).toEqual(['mosquitto']);
  });

  it('the Dockerfile runs as a non-root user with a health check', () => {
    const dockerfile = read('Dockerfile');
    const stages = dockerfile.split(/^FROM /m);
    const final = stages.at(-1)!;
    expect(final).toMatch(/^USER node$/m);
    expect(final).not.toMatch(/^USER (root|0)\b/m);
    expect(final).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "bin\/community-gateway\.js", "healthcheck"/m);
  });

  it('the health check command answers 0 for a healthy gateway and 1 for none', async () => {
    const { startTestGateway } = await import('../helpers/gateway.js');
    const gw = await startTestGateway();
    const dir = mkdtempSync(join(tmpdir(), 'cg-health-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, `http:\n  host: 127.0.0.1\n  port: ${gw.gateway.http.port}\n`);
      // Not spawnSync: the gateway under test runs in this process and must answer meanwhile.
      const run = (file: string) =>
        new Promise<{ status: number | null; stdout: string }>((done) => {
          execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', 'healthcheck', '--config', file], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, GATEWAY_CONFIG: '' } }, (err, stdout) =>
            done({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
          );
        });
      const healthy = await run(config);
      expect(healthy.stdout).toMatch(/healthy/);
      expect(healthy.status).toBe(0);
      await gw.stop();
      // No gateway: the same command in this process (a second child would cost another start-up).
      const { healthcheckCommand } = await import('../../src/cli/healthcheck.js');
      expect(await healthcheckCommand(['--config', config])).toBe(1);
    } finally {
      await gw.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  it.skipIf(!analyze)('the systemd unit passes systemd-analyze verify, restarts on failure and is sandboxed', () => {
    const unit = read('deploy/systemd/community-gateway.service');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    const dir = mkdtempSync(join(tmpdir(), 'cg-unit-'));
    try {
      // verify checks that ExecStart's program exists: point it at this checkout.
      const file = join(dir, 'community-gateway.service');
      writeFileSync(file, unit.replaceAll('/opt/community-gateway', root));
      const verify = spawnSync(analyze!, ['verify', file], { encoding: 'utf8', timeout: 30_000 });
      expect(verify.stderr.trim()).toBe('');
      expect(verify.status).toBe(0);
      const security = execFileSync(analyze!, ['security', '--offline=yes', file], { encoding: 'utf8', timeout: 30_000 });
      const score = Number(/Overall exposure level for .*: (\d+(\.\d+)?)/.exec(security)?.[1]);
      expect(score).toBeLessThan(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
