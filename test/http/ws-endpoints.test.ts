/**
 * The camera WebSockets against a real camera simulator (issue 11 items 2, 3, 13): a malformed stream
 * path is refused, oversized frames on the stream and joystick sockets close only that socket with
 * 1009, a revoked wall token loses its video and a logged-out officer's joystick stops moving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsSince, openJoystick, sleep, startRig, type CameraRig } from '../cameras/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { openSocket, rawUpgrade } from '../helpers/ws.js';

let rig: CameraRig;

beforeAll(async () => {
  rig = await startRig({}, { lock: { idleMs: 60_000 } });
});
afterAll(async () => {
  await rig?.stop();
});

async function healthy(): Promise<void> {
  expect((await rig.gw.api('/healthz')).status).toBe(200);
}

describe('camera WebSockets', () => {
  it('refuses /api/streams/%ZZ with 400 (no token needed to try) and serves on', async () => {
    const { status, body } = await rawUpgrade(rig.gw.url, '/api/streams/%ZZ');
    expect(status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ code: 'bad_request', error: expect.stringMatching(/percent-encoding/) });
    await healthy();
  });

  it('closes a stream socket and a joystick socket with 1009 on an oversized frame; another stream socket keeps going', async () => {
    const viewer = await rig.gw.login('viewer');
    const officer = await rig.gw.login('officer');
    // mse: the server waits for the player's hello, so the big frame is the first thing it reads.
    const bystander = openSocket(rig.gw.url, `/api/streams/gate?format=mse&profile=sub&token=${viewer}`);
    const stream = openSocket(rig.gw.url, `/api/streams/gate?format=mse&profile=sub&token=${viewer}`);
    await Promise.all([bystander.opened, stream.opened]);
    stream.ws.send(Buffer.alloc(64 * 1024, 0x7b));
    expect((await stream.closed).code).toBe(1009);

    const js = await openJoystick(rig.gw, 'gate', officer);
    expect(js.messages[0]).toMatchObject({ type: 'ready' });
    js.ws.send(Buffer.alloc(8 * 1024, 0x20));
    expect((await js.closed).code).toBe(1009);

    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    bystander.ws.close();
    await bystander.closed;
    // The lock was released with the closed joystick: the same officer opens a new one.
    const again = await openJoystick(rig.gw, 'gate', officer);
    expect(again.messages[0]).toMatchObject({ type: 'ready' });
    await again.close();
    await healthy();
  });

  it('a revoked wall token: its stream socket is closed with 4001 within 1 s', async () => {
    const admin = await rig.gw.login('admin');
    const wall = (await (await rig.gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'guard room wall' } })).json()) as { id: string; token: string };
    const stream = openSocket(rig.gw.url, `/api/streams/gate?format=mse&profile=sub&token=${wall.token}`);
    await stream.opened;
    const revokedAt = Date.now();
    expect((await rig.gw.api(`/api/wall-tokens/${wall.id}`, { method: 'DELETE', token: admin })).status).toBe(200);
    const closed = await stream.closed;
    expect(closed.code).toBe(4001);
    expect(closed.at - revokedAt).toBeLessThan(1000);
  });

  it('logout: the joystick socket is closed with 4001 within 1 s and the camera receives no further move', async () => {
    const officer = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', officer);
    expect(js.messages[0]).toMatchObject({ type: 'ready' });
    js.send({ pan: 0.4, tilt: 0, zoom: 0 });
    await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'MOVING', 2000, 'moving');
    expect((await rig.gw.api('/api/auth/logout', { method: 'POST', token: officer })).status).toBe(200);
    const loggedOutAt = Date.now();
    // The page keeps sending new vectors as if the officer still held the stick.
    let sent = 0;
    while (js.ws.readyState === js.ws.OPEN && Date.now() - loggedOutAt < 1500 && sent < 15) {
      js.send({ pan: sent % 2 ? -0.6 : 0.6, tilt: 0.1, zoom: 0 });
      sent++;
      await sleep(100);
    }
    const closed = await js.closed;
    expect(closed.code).toBe(4001);
    expect(Date.now() - loggedOutAt).toBeLessThan(1100);
    expect(callsSince(rig.sim, 'ContinuousMove', loggedOutAt)).toEqual([]);
    await waitFor(() => callsSince(rig.sim, 'Stop', loggedOutAt).length > 0, 2000, 'Stop after the closed joystick');
  });

  it('random frames (seeded) on the joystick and stream sockets never make a handler fail (no 1011)', async () => {
    const officer = await rig.gw.login('officer');
    const viewer = await rig.gw.login('viewer');
    const frame = fc.oneof(
      fc.record({ text: fc.oneof(fc.json(), fc.string({ maxLength: 100 }), fc.constantFrom('null', '[]', '{"type":"stop"}', '{"pan":1e309}', '{"pan":"0.5"}', '{"__proto__":{"pan":1}}')) }),
      fc.record({ text: fc.record({ pan: fc.double(), tilt: fc.double({ min: -1, max: 1 }), zoom: fc.constantFrom(0, -0, 1, -1) }).map((v) => JSON.stringify(v)) }),
      fc.record({ binary: fc.uint8Array({ maxLength: 2000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('joystick', 'stream'), fc.array(frame, { minLength: 1, maxLength: 6 }), async (target, frames) => {
        const path = target === 'joystick' ? `/api/cameras/gate/joystick?token=${officer}` : `/api/streams/gate?format=mse&profile=sub&token=${viewer}`;
        const socket = openSocket(rig.gw.url, path);
        await socket.opened;
        for (const f of frames) if (socket.ws.readyState === socket.ws.OPEN) socket.ws.send('text' in f ? f.text : f.binary);
        await Promise.race([sleep(150), socket.closed]);
        if (socket.ws.readyState === socket.ws.OPEN) socket.ws.close();
        const { code } = await socket.closed;
        expect(code).not.toBe(1011);
        expect(code).not.toBe(1006);
      }),
      { seed: 1108, numRuns: 30, interruptAfterTimeLimit: 30_000 },
    );
    await healthy();
    await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'IDLE', 3000, 'camera idle after the run');
  }, 60_000);
});
