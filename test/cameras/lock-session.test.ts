/**
 * The control lock is held per login session: the same user logged in twice is two holders. The
 * second session sees the first as holder (with its display name, since and expiry), cannot move
 * the camera, and is free to take it the moment the first releases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_USERS } from '../helpers/gateway.js';
import { startRig, type CameraRig } from './helpers.js';

let rig: CameraRig;

beforeAll(async () => {
  const users = Object.values(TEST_USERS).map((u) => ({ name: u.name, password: u.password, role: u.role, ...(u.name === 'officer' ? { displayName: '张值班' } : {}) }));
  rig = await startRig({}, {}, { config: { auth: { users } } });
}, 30_000);

afterAll(async () => {
  await rig?.stop();
});

type Lock = { controller: { name: string; displayName: string; since: string; expiresAt: string; mine: boolean } | null };

describe('control lock per session', () => {
  it('two sessions of one account are two holders; release frees it at once', async () => {
    const { gw } = rig;
    const first = await gw.login('officer');
    const second = await gw.login('officer');
    const camera = 'gate';
    const path = `/api/cameras/${camera}/lock`;

    expect((await gw.api(path, { method: 'POST', token: first, json: {} })).status).toBe(200);
    const seenByFirst = (await (await gw.api(path, { token: first })).json()) as Lock;
    expect(seenByFirst.controller).toMatchObject({ name: 'officer', displayName: '张值班', mine: true });
    const seenBySecond = (await (await gw.api(path, { token: second })).json()) as Lock;
    expect(seenBySecond.controller).toMatchObject({ name: 'officer', displayName: '张值班', mine: false });
    expect(Date.parse(seenBySecond.controller!.expiresAt)).toBeGreaterThan(Date.now());

    // The second session can neither take it nor move the camera, nor release it for the first.
    const refused = await gw.api(path, { method: 'POST', token: second, json: {} });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { details: { holder: { displayName: string } } }).details.holder.displayName).toBe('张值班');
    expect((await gw.api(`/api/cameras/${camera}/ptz/relative`, { method: 'POST', token: second, json: { x: 0.1 } })).status).toBe(409);
    expect(await (await gw.api(path, { method: 'DELETE', token: second })).json()).toEqual({ released: false });

    // The first releases: free at once, the second takes it.
    expect(await (await gw.api(path, { method: 'DELETE', token: first })).json()).toEqual({ released: true });
    expect(((await (await gw.api(path, { token: second })).json()) as Lock).controller).toBeNull();
    expect((await gw.api(path, { method: 'POST', token: second, json: {} })).status).toBe(200);
    const state = (await (await gw.api(`/api/cameras/${camera}`, { token: second })).json()) as { controller: { displayName: string } };
    expect(state.controller.displayName).toBe('张值班');
  }, 30_000);
});
