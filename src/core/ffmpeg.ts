import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface FfmpegResolution {
  path: string;
  source: 'config' | 'env' | 'path' | 'npm';
}

export interface FfmpegLookup {
  configured?: string | null | undefined;
  env?: NodeJS.ProcessEnv;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(binary: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpmPackage(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const installer = require('@ffmpeg-installer/ffmpeg') as { path?: string };
    return installer.path && isExecutable(installer.path) ? installer.path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one place that decides which ffmpeg runs: the configured path, then FFMPEG_PATH,
 * then `ffmpeg` on PATH, then the static binary shipped in `@ffmpeg-installer/ffmpeg`.
 */
export function resolveFfmpeg(lookup: FfmpegLookup = {}): FfmpegResolution {
  const env = lookup.env ?? process.env;
  if (lookup.configured) {
    if (!isExecutable(lookup.configured)) throw new Error(`ffmpeg.path "${lookup.configured}" is not an executable file`);
    return { path: lookup.configured, source: 'config' };
  }
  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`FFMPEG_PATH "${fromEnv}" is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const onPath = findOnPath('ffmpeg', env.PATH);
  if (onPath) return { path: onPath, source: 'path' };
  const shipped = fromNpmPackage();
  if (shipped) return { path: shipped, source: 'npm' };
  throw new Error('ffmpeg not found: set ffmpeg.path in the configuration, FFMPEG_PATH, install ffmpeg, or reinstall @ffmpeg-installer/ffmpeg');
}

/** ffprobe next to the resolved ffmpeg, else on PATH (used by tests and diagnostics). */
export function resolveFfprobe(lookup: FfmpegLookup = {}): string | undefined {
  const env = lookup.env ?? process.env;
  if (env.FFPROBE_PATH && isExecutable(env.FFPROBE_PATH)) return env.FFPROBE_PATH;
  try {
    const ffmpeg = resolveFfmpeg(lookup).path;
    const sibling = ffmpeg.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
    if (sibling !== ffmpeg && isExecutable(sibling)) return sibling;
  } catch {
    // fall through to PATH
  }
  return findOnPath('ffprobe', env.PATH);
}
