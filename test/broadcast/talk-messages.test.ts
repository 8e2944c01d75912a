/**
 * The push-to-talk socket validates everything an officer's page (or anyone with an officer's
 * token) sends (issue 11 item 4): `null` and other non-messages get an error and the talk goes on,
 * an oversized frame closes the socket with 1009 (also right after a failed start), and a seeded
 * fast-check run of random frames never makes a handler throw (no 1011) nor stops the gateway.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/broadcast/job.js';
import { TALK_MAX_MESSAGE_BYTES } from '../../src/broadcast/talk-endpoint.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket, type TestSocket } from '../helpers/ws.js';
import { startRig, type Rig } from './rig.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig([{ id: 'gate', groups: ['all'] }]);
});
afterAll(async () => {
  await rig?.stop();
});

type Message = { type?: string; status?: number; message?: string; job?: JobView };

async function startTalk(query = 'speakers=gate&sampleRate=48000&format=f32'): Promise<{ socket: TestSocket; job: JobView }> {
  const socket = openSocket(rig.gw.url, `/api/broadcast/talk?${query}&token=${rig.officer}`);
  await socket.opened;
  const started = await waitFor(() => (socket.messages as Message[]).find((m) => m.type === 'started'), 5000, 'talk started');
  return { socket, job: started.job! };
}

async function endTalk(socket: TestSocket, job: JobView): Promise<void> {
  if (socket.ws.readyState === socket.ws.OPEN) socket.ws.close();
  await socket.closed;
  await rig.waitJob(job.id, ['finished', 'stopped', 'failed', 'skipped'], 5000);
}

/** One 20 ms chunk as the talk page sends it: capture time (float64 LE), then float32 samples. */
function chunk(samples = 960): Buffer {
  const buffer = Buffer.alloc(8 + samples * 4);
  buffer.writeDoubleLE(Date.now(), 0);
  for (let i = 0; i < samples; i++) buffer.writeFloatLE(Math.sin(i / 8) * 0.3, 8 + i * 4);
  return buffer;
}

describe('push-to-talk messages', () => {
  it('answers null, arrays, strings and unknown types with an error and keeps the talk', async () => {
    const { socket, job } = await startTalk();
    const bad = ['null', '[]', '"stop"', '42', '{"type":null}', '{"type":{"a":1}}', '{"type":"pause"}', '{"type":"stop","extra":1}', 'not json', '\u0000'];
    for (const text of bad) socket.ws.send(text);
    await waitFor(() => (socket.messages as Message[]).filter((m) => m.type === 'error').length === bad.length, 3000, 'one error per bad message');
    for (const m of (socket.messages as Message[]).filter((x) => x.type === 'error')) expect(m).toMatchObject({ status: 400, message: expect.stringMatching(/\{"type":"stop"\}/) });
    socket.ws.send(chunk());
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.send(JSON.stringify({ type: 'stop' }));
    await rig.waitJob(job.id, ['finished'], 5000);
    await endTalk(socket, job);
  });

  it('closes with 1009 on a frame over the limit during a talk', async () => {
    const { socket, job } = await startTalk();
    socket.ws.send(chunk());
    socket.ws.send(Buffer.alloc(TALK_MAX_MESSAGE_BYTES + 1));
    expect((await socket.closed).code).toBe(1009);
    await rig.waitJob(job.id, ['stopped', 'finished'], 5000);
  });

  it('an oversized frame right after a failed start does not stop the gateway', async () => {
    const socket = openSocket(rig.gw.url, `/api/broadcast/talk?speakers=nobody&token=${rig.officer}`);
    // Sent the moment the socket opens, while the server's close for the failed start is on its way.
    socket.ws.once('open', () => socket.ws.send(Buffer.alloc(4 * 1024 * 1024 + 1)));
    const closed = await socket.closed;
    expect(closed.code).toBeGreaterThanOrEqual(4400);
    expect((await rig.gw.api('/healthz')).status).toBe(200);
    const { socket: next, job } = await startTalk();
    await endTalk(next, job);
  });

  it('random frames (seeded) never make the talk socket fail: errors, 1009 or a normal end only', async () => {
    const frame = fc.oneof(
      fc.record({ text: fc.oneof(fc.json(), fc.string({ maxLength: 200 }), fc.constantFrom('null', '{"type":"stop"}', '{"type":null}', '[]', '{}')) }),
      fc.record({ binary: fc.uint8Array({ maxLength: 4000 }) }),
      fc.record({ binary: fc.constantFrom(new Uint8Array(TALK_MAX_MESSAGE_BYTES + 1), new Uint8Array(7), new Uint8Array(8), new Uint8Array(11)) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        const { socket, job } = await startTalk();
        for (const f of frames) {
          if (socket.ws.readyState !== socket.ws.OPEN) break;
          if ('text' in f) socket.ws.send(f.text);
          else socket.ws.send(f.binary);
        }
        // A round trip: every frame above has been handled once the answer to this arrives.
        const before = socket.messages.length;
        if (socket.ws.readyState === socket.ws.OPEN) {
          socket.ws.send('null');
          await Promise.race([waitFor(() => socket.messages.length > before, 3000, 'answer').catch(() => {}), socket.closed]);
        }
        if (socket.ws.readyState === socket.ws.OPEN) socket.ws.close();
        const { code } = await socket.closed;
        expect([1000, 1005, 1009]).toContain(code);
        await rig.waitJob(job.id, ['finished', 'stopped', 'failed', 'skipped'], 5000);
        expect((await rig.gw.api('/healthz')).status).toBe(200);
      }),
      { seed: 1109, numRuns: 40, interruptAfterTimeLimit: 60_000 },
    );
  }, 90_000);
});
