/** Saved console views over HTTP: own and shared, role checks, bounds, the current grid. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
}, 30_000);
afterAll(async () => {
  await gw?.stop();
});

describe('saved console views', () => {
  it('keeps views per user, shares them only from an admin, and restores the current grid', async () => {
    const officer = await gw.login('officer');
    const other = await gw.login('officer2');
    const admin = await gw.login('admin');
    const save = (token: string, json: unknown) => gw.api('/api/views', { method: 'POST', token, json });

    const mine = await save(officer, { name: '夜班 大门', layout: '1+5', cells: ['cam-9', 'cam-1', null, 'cam-3'] });
    expect(mine.status).toBe(200);
    const view = (await mine.json()) as { id: string; shared: boolean; owner: string };
    expect(view).toMatchObject({ shared: false, owner: 'officer' });
    // Same name replaces, not duplicates.
    await save(officer, { name: '夜班 大门', layout: '4', cells: ['cam-9'] });
    const list = (await (await gw.api('/api/views', { token: officer })).json()) as { views: Array<{ name: string; layout: string; cells: unknown[] }> };
    expect(list.views).toEqual([expect.objectContaining({ name: '夜班 大门', layout: '4', cells: ['cam-9'] })]);

    // Another officer neither sees nor deletes it; sharing needs an admin.
    expect(((await (await gw.api('/api/views', { token: other })).json()) as { views: unknown[] }).views).toEqual([]);
    expect((await gw.api(`/api/views/${view.id}`, { method: 'DELETE', token: other })).status).toBe(403);
    expect((await save(officer, { name: '全体', shared: true, layout: '9', cells: [] })).status).toBe(403);
    expect((await save(admin, { name: '全体', shared: true, layout: '9', cells: ['cam-2'] })).status).toBe(200);
    expect(((await (await gw.api('/api/views', { token: other })).json()) as { views: Array<{ name: string }> }).views.map((v) => v.name)).toEqual(['全体']);

    // Bad input: a clear 400, nothing stored.
    const bad = await save(officer, { name: 'x', layout: '4', cells: ['a', 'b', 'c', 'd', 'e'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_request');
    expect((await save(officer, { name: 'x', layout: '5x5', cells: [] })).status).toBe(400);

    // The current grid, restored on the next load.
    expect((await gw.api('/api/views/current', { method: 'PUT', token: officer, json: { layout: '2x3', cells: ['cam-4', null], viewId: view.id } })).status).toBe(200);
    const again = (await (await gw.api('/api/views', { token: officer })).json()) as { current: unknown };
    expect(again.current).toEqual({ layout: '2x3', cells: ['cam-4', null], viewId: view.id });

    // A TV wall's token has no views.
    const wall = ((await (await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'tv' } })).json()) as { token: string }).token;
    expect((await gw.api('/api/views', { token: wall })).status).toBe(403);
    expect((await gw.api(`/api/views/${view.id}`, { method: 'DELETE', token: officer })).status).toBe(200);
  });
});
