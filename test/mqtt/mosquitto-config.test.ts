import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeMosquittoFiles } from '../../src/mqtt/mosquitto-config.js';

describe('mosquitto-config files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the password file 0640, and settings binding client ids to usernames with a packet limit', () => {
    dir = mkdtempSync(join(tmpdir(), 'cg-mosq-files-'));
    const files = writeMosquittoFiles(dir, {
      mqtt: {
        baseTopic: 'community',
        username: 'gateway',
        password: 'gateway-secret',
        devices: [{ id: 'gate-1', kind: 'barriers', password: 'gate-1-secret', groups: [] }],
        integrations: [],
        maxPacketBytes: { barriers: 65536, speakers: 16384, cameras: 16384, integrations: 1048576, gateway: 8388608 },
      },
    });
    expect(statSync(files.passwordFile).mode & 0o777).toBe(0o640);
    expect(files.ownership).toMatch(/mosquitto/);
    const settings = readFileSync(files.settingsFile, 'utf8');
    expect(settings).toMatch(/^use_username_as_clientid true$/m);
    expect(settings).toMatch(/^max_packet_size 8388608$/m);
    expect(settings).toMatch(/^allow_anonymous false$/m);
    expect(settings).toContain(`password_file ${files.passwordFile}`);
    expect(settings).toContain(`acl_file ${files.aclFile}`);
  });
});
