/**
 * Camera passwords at rest: the data folder is private (0700), the database and the key file are
 * 0600, a run-time camera's password is stored encrypted (AES-256-GCM under <dataDir>/secret.key),
 * rows an earlier version kept in clear are encrypted at the next start, and the camera still
 * logs in with the decrypted password.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { SecretBox } from '../../src/cameras/secret-box.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fastCameraConfig, waitOnline } from './helpers.js';

const PASSWORD = 'Cam-Secret-42!';
let sim: RunningCamera;
let dataDir: string;
let gw: TestGateway | undefined;

beforeAll(async () => {
  sim = await startCameraSimulator({ name: 'Vault', password: PASSWORD });
  dataDir = mkdtempSync(join(tmpdir(), 'cg-secrets-'));
  chmodSync(dataDir, 0o755); // as an installer or `mkdir` would leave it
});
afterAll(async () => {
  await gw?.stop();
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;
const storedPassword = (): string | null => {
  const db = new BetterSqlite3(join(dataDir, 'gateway.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT password FROM cameras WHERE id = ?').get('vault') as { password: string | null } | undefined)?.password ?? null;
  } finally {
    db.close();
  }
};

it('keeps the data folder, database and key private and the password encrypted; old clear rows are encrypted at start', async () => {
  gw = await startTestGateway({ dataDir, keepDataDir: true, config: fastCameraConfig([]) });
  const admin = await gw.login('admin');
  const u = new URL(sim.urls.onvif);
  const res = await gw.api('/api/cameras', { method: 'POST', token: admin, json: { id: 'vault', name: 'Vault', host: u.hostname, port: Number(u.port), username: 'admin', password: PASSWORD } });
  expect(res.status).toBe(201);
  await waitOnline(gw, 'vault');
  expect(mode(dataDir)).toBe(0o700);
  expect(mode(join(dataDir, 'gateway.sqlite'))).toBe(0o600);
  expect(mode(join(dataDir, 'secret.key'))).toBe(0o600);
  const sealed = storedPassword();
  expect(sealed).toMatch(/^enc:v1:/);
  expect(sealed).not.toContain(PASSWORD);
  await gw.stop();
  gw = undefined;

  // An earlier version kept it in clear: put it back so, then start again.
  const db = new BetterSqlite3(join(dataDir, 'gateway.sqlite'));
  db.prepare('UPDATE cameras SET password = ? WHERE id = ?').run(PASSWORD, 'vault');
  db.close();
  gw = await startTestGateway({ dataDir, keepDataDir: true, config: fastCameraConfig([]) });
  await waitOnline(gw, 'vault'); // decrypted correctly: the camera accepts it
  const migrated = storedPassword();
  expect(migrated).toMatch(/^enc:v1:/);
  expect(migrated).not.toContain(PASSWORD);
  expect(SecretBox.open(dataDir).open(migrated!)).toBe(PASSWORD);
});
