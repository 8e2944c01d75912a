import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('config/default.yaml alone is valid', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.http.port).toBe(8080);
    expect(config.mqtt.url).toBeNull();
  });

  it('names every bad key path, the value found and what is expected, all at once', () => {
    const file = tempFile(
      'bad.yaml',
      ['http:', '  port: "eighty"', 'mqtt:', '  baseTopic: "bad topic/#"', '  devices:', '    - id: gate-1', '      kind: toaster', '      password: x', 'unknownSection: 1', 'log:', '  level: loud'].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['http.port', 'mqtt.baseTopic', 'mqtt.devices[0].kind', 'unknownSection', 'log.level']));
    const port = problems.find((p) => p.path === 'http.port')!;
    expect(port.found).toBe('"eighty"');
    expect(port.expected).toMatch(/number/);
  });

  it('overrides single keys from the environment and reads secrets from env and files', () => {
    const secretFile = tempFile('secret', 'from-a-file\n');
    const file = tempFile(
      'ok.yaml',
      ['mqtt:', '  devices:', '    - id: gate-1', '      kind: barriers', `      password: !file ${secretFile}`, '    - id: spk-1', '      kind: speakers', '      password: !env SPK_PASSWORD'].join('\n'),
    );
    const { config } = loadConfig({ file, env: { SPK_PASSWORD: 'from-env', GATEWAY__HTTP__PORT: '9123', GATEWAY__STORAGE__DATA_DIR: '/tmp/x' } });
    expect(config.mqtt.devices[0]!.password).toBe('from-a-file');
    expect(config.mqtt.devices[1]!.password).toBe('from-env');
    expect(config.http.port).toBe(9123);
    expect(config.storage.dataDir).toBe('/tmp/x');
  });

  it('reports a missing secret and an unknown override key by name', () => {
    const file = tempFile('s.yaml', ['mqtt:', '  password: !env NOT_SET_ANYWHERE'].join('\n'));
    const problems = problemsOf(() => loadConfig({ file, env: { GATEWAY__HTTP__PROT: '1' } }));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['mqtt.password', 'GATEWAY__HTTP__PROT']));
  });

  it('check-config exits 2 and prints every bad key path', () => {
    const file = tempFile('bad.yaml', ['http:', '  port: 70000', 'auth:', '  users:', '    - name: a', '      role: king', '      password: x'].join('\n'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'check-config', file], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('http.port');
    expect(run.stderr).toContain('auth.users[0].role');
    expect(run.stderr).toContain('found "king"');
  });

  it('check-config accepts config/example.yaml', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'check-config', 'config/example.yaml'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, MQTT_PASSWORD: 'x', GATE_EAST_PASSWORD: 'x' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
