import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { MediaUnit } from '../../src/streaming/types.js';
import { Viewer } from '../../src/streaming/viewer.js';

/** A socket that never drains: everything sent stays in bufferedAmount (a player that stopped reading). */
function stuckSocket(): WebSocket & { sent: number } {
  const ws = new EventEmitter() as unknown as WebSocket & { sent: number; bufferedAmount: number };
  Object.assign(ws, { OPEN: 1, readyState: 1, bufferedAmount: 0, sent: 0 });
  (ws as unknown as { send: (d: Buffer) => void }).send = (d: Buffer) => {
    ws.sent += d.length;
    (ws as { bufferedAmount: number }).bufferedAmount += d.length;
  };
  (ws as unknown as { close: () => void }).close = () => {};
  (ws as unknown as { terminate: () => void }).terminate = () => {};
  return ws;
}

const unit = (bytes: number, keyframe: boolean): MediaUnit => ({ data: Buffer.alloc(bytes), frameStart: true, keyframe });

describe('viewer queue', () => {
  it('holds at most about one GOP for a player that stops reading, however large maxQueueBytes is', () => {
    const ws = stuckSocket();
    const viewer = new Viewer(ws, { maxQueueBytes: 8 * 1024 * 1024, slowCloseMs: 60_000 });
    const gop = () => [unit(40_000, true), ...Array.from({ length: 14 }, () => unit(10_000, false))]; // 180 KB per GOP
    for (let g = 0; g < 20; g++) for (const u of gop()) viewer.unit(u);
    // Before the fix: everything up to 8 MiB (3.6 MB here) was queued, seconds behind live.
    expect(ws.sent).toBeLessThanOrEqual(2 * 180_000 + 10_000);
    expect(viewer.droppedUnits).toBeGreaterThan(200);
  });

  it('a reading player gets every picture', () => {
    const ws = stuckSocket();
    const viewer = new Viewer(ws, { maxQueueBytes: 8 * 1024 * 1024, slowCloseMs: 60_000 });
    for (let g = 0; g < 10; g++) {
      for (const u of [unit(40_000, true), ...Array.from({ length: 14 }, () => unit(10_000, false))]) {
        viewer.unit(u);
        (ws as { bufferedAmount: number }).bufferedAmount = 0; // drained at once
      }
    }
    expect(viewer.droppedUnits).toBe(0);
    expect(ws.sent).toBe(10 * 180_000);
  });
});
