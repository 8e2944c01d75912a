import { describe, expect, it } from 'vitest';
import { EXPLAINED_LOST_AFTER_MS, isLost, LOST_AFTER_MS } from '../../src/web/lib/frame-watch.js';

const playing = { stream: { state: 'playing', reason: null } };
const offline = { stream: { state: 'retrying', reason: { code: 'camera.offline' } } };

describe('when a tile says "video lost"', () => {
  it('goes by the pictures alone while the gateway says the stream plays (a hung camera)', () => {
    expect(isLost(playing, 10, LOST_AFTER_MS - 100, 'console.reason.noFrames')).toBe(false);
    expect(isLost(playing, 10, LOST_AFTER_MS + 100, 'console.reason.noFrames')).toBe(true);
  });

  it('says so sooner when the gateway says why the pictures stopped (a camera gone offline)', () => {
    expect(isLost(offline, 10, EXPLAINED_LOST_AFTER_MS - 100, 'console.reason.offline')).toBe(false);
    expect(isLost(offline, 10, EXPLAINED_LOST_AFTER_MS + 100, 'console.reason.offline')).toBe(true);
    expect(EXPLAINED_LOST_AFTER_MS).toBeLessThan(LOST_AFTER_MS);
  });

  it('gives a tile that never had a picture and is only connecting twice as long', () => {
    expect(isLost(undefined, 0, LOST_AFTER_MS + 100, 'console.reason.connecting')).toBe(false);
    expect(isLost(undefined, 0, 2 * LOST_AFTER_MS + 100, 'console.reason.connecting')).toBe(true);
    expect(isLost({ stream: { state: 'starting', reason: null } }, 0, LOST_AFTER_MS + 100, 'console.reason.connecting')).toBe(false);
  });
});
