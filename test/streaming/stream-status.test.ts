/** Reason codes from facts: ffmpeg 5.1's own stderr lines (as captured from the simulator) and the cameras feature's errors. */
import { describe, expect, it } from 'vitest';
import { DeviceUnavailableError, NotFoundError, TimeoutError, UserError } from '../../src/core/errors.js';
import { reasonFromRunEnd, reasonFromSourceError, stateFor } from '../../src/streaming/stream-status.js';

const end = (stderr: string, extra: Partial<{ stalled: boolean; delivered: boolean }> = {}) => ({ stderr, stalled: false, delivered: false, summary: 'ffmpeg exited (code 1)', ...extra });

describe('reason from an ffmpeg run', () => {
  it('reads the RTSP status ffmpeg prints', () => {
    expect(reasonFromRunEnd(end('[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized\nrtsp://***@127.0.0.1:1/sub: Server returned 401 Unauthorized (authorization failed)')).code).toBe('stream.auth_failed');
    expect(reasonFromRunEnd(end('[rtsp @ 0x56] method DESCRIBE failed: 404 Not Found\npipe:0: Server returned 404 Not Found')).code).toBe('stream.not_found');
    expect(reasonFromRunEnd(end('pipe:0: Server returned 403 Forbidden (access denied)')).code).toBe('stream.auth_failed');
    expect(reasonFromRunEnd(end('[tcp @ 0x55] Connection to tcp://127.0.0.1:1?timeout=5000000 failed: Connection refused')).code).toBe('stream.unreachable');
  });
  it('tells no data from an exit after pictures', () => {
    expect(reasonFromRunEnd(end('', { stalled: true, delivered: true })).code).toBe('stream.no_data');
    expect(reasonFromRunEnd(end('')).code).toBe('stream.no_data');
    expect(reasonFromRunEnd(end('', { delivered: true })).code).toBe('stream.ffmpeg_exited');
    expect(reasonFromRunEnd(end('[h264 @ 0x1] error while decoding MB 3 4', { delivered: true })).code).toBe('stream.ffmpeg_exited');
  });
});

describe('reason from the cameras feature', () => {
  it('offline, login refused, other', () => {
    expect(reasonFromSourceError(new DeviceUnavailableError('camera.offline', { camera: 'login-gate' })).code).toBe('camera.offline');
    expect(reasonFromSourceError(new TimeoutError('camera.timeout', { camera: 'gate', operation: 'GetStreamUri' })).code).toBe('camera.offline');
    expect(reasonFromSourceError(new UserError('camera.login-refused', { camera: 'gate', operation: 'connect' }, 503, 'camera.login_refused')).code).toBe('camera.login_refused');
    expect(reasonFromSourceError(new DeviceUnavailableError('camera.unreachable', { camera: 'gate', operation: 'connect', reason: 'login refused (NotAuthorized)' })).code).toBe('camera.login_refused');
    expect(reasonFromSourceError(new NotFoundError('camera.no-profile', { camera: 'gate' })).code).toBe('stream.source_failed');
  });
  it('failed only where a person must act', () => {
    expect(stateFor({ code: 'stream.auth_failed', message: '' })).toBe('failed');
    expect(stateFor({ code: 'camera.login_refused', message: '' })).toBe('failed');
    expect(stateFor({ code: 'stream.not_found', message: '' })).toBe('failed');
    expect(stateFor({ code: 'camera.offline', message: '' })).toBe('retrying');
    expect(stateFor({ code: 'stream.no_data', message: '' })).toBe('retrying');
  });
});
