import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';

function fakeBinary(dir: string, name = 'ffmpeg'): string {
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('the ffmpeg resolver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-ffmpeg-'));
  const configured = fakeBinary(mkdtempSync(join(dir, 'c-')));
  const fromEnv = fakeBinary(mkdtempSync(join(dir, 'e-')));
  const pathDir = mkdtempSync(join(dir, 'p-'));
  const onPath = fakeBinary(pathDir);

  it('takes the configured path first, then FFMPEG_PATH, then PATH, then the npm binary', () => {
    expect(resolveFfmpeg({ configured, env: { FFMPEG_PATH: fromEnv, PATH: pathDir } })).toEqual({ path: configured, source: 'config' });
    expect(resolveFfmpeg({ env: { FFMPEG_PATH: fromEnv, PATH: pathDir } })).toEqual({ path: fromEnv, source: 'env' });
    expect(resolveFfmpeg({ env: { PATH: pathDir } })).toEqual({ path: onPath, source: 'path' });
    const shipped = resolveFfmpeg({ env: { PATH: '/nonexistent' } });
    expect(shipped.source).toBe('npm');
    expect(shipped.path).toContain('@ffmpeg-installer');
  });

  it('says clearly when a configured path is not an executable', () => {
    expect(() => resolveFfmpeg({ configured: '/nonexistent/ffmpeg', env: {} })).toThrow(/ffmpeg.path "\/nonexistent\/ffmpeg" is not an executable/);
    expect(() => resolveFfmpeg({ env: { FFMPEG_PATH: '/nonexistent/ffmpeg' } })).toThrow(/FFMPEG_PATH/);
  });
});
