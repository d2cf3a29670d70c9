// The shared factories make valid parents on their own and write through the real services, so
// that a suite states only what it cares about; and what they make is scoped like anything else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeResident, makeSubtree, testApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t?.close());

describe('makeResident', () => {
  it('makes the grid and its parents when none is given, and the resident is seen only from its own community', async () => {
    const { id, grid } = await makeResident(t, { name: '工厂甲' });
    const community = (await t.built.modules.tree.service.getNode(grid.parentId!))!;
    const own = (await loginAs(t, { role: 'community_worker', node: community })).token;
    const card = await t.call('GET', `/api/residents/${id}`, { token: own });
    expect(card.statusCode).toBe(200);
    expect(card.json().resident.name).toBe('工厂甲');
    // Masked by default, as for any resident.
    expect(card.json().resident.idNumber).toMatch(/\*/);

    const other = await makeSubtree(t);
    const stranger = (await loginAs(t, { role: 'community_worker', node: other.community })).token;
    expect([403, 404]).toContain((await t.call('GET', `/api/residents/${id}`, { token: stranger })).statusCode);
  });

  it('puts the resident in the grid it is given', async () => {
    const a = await makeSubtree(t);
    const { grid } = await makeResident(t, { grid: a.grid });
    expect(grid.id).toBe(a.grid.id);
  });
});
