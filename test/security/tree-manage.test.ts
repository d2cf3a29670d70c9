// Issue 18, item 20: street officers hold tree:manage on purpose (they draw and redraw the grids
// of their own street, docs/architecture.md), and only there: nothing they send changes a node
// outside their street, or their street itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeGrid, makeSubtree, type Subtree, testApp, type TestApp } from '../support/app.js';

let t: TestApp;
let mine: Subtree;
let other: Subtree;
let token: string;

beforeAll(async () => {
  t = await testApp();
  mine = await makeSubtree(t);
  other = await makeSubtree(t);
  token = (await loginAs(t, { role: 'street_staff', node: mine.street })).token;
});
afterAll(() => t.close());

const nodeOf = async (id: number) => (await t.built.modules.tree.service.getNode(id))!;

describe('a street officer and the tree', () => {
  it('may add communities and grids in the own street, and move grids there', async () => {
    const community = await t.call('POST', '/api/tree/nodes', { token, body: { parentId: mine.street.id, level: 'community', code: `${mine.street.code}009`, name: '新建社区' } });
    expect(community.statusCode).toBe(201);
    const grid = await makeGrid(t, mine.community, '待调整网格');
    const moved = await t.call('POST', `/api/tree/grids/${grid.id}/move`, { token, body: { communityId: community.json().id, effectiveDate: new Date().toISOString().slice(0, 10), reason: '社区调整' } });
    expect(moved.statusCode).toBe(200);
  });

  it('cannot add nodes outside the own street, nor a street beside it', async () => {
    const res = await t.call('POST', '/api/tree/nodes', { token, body: { parentId: other.community.id, level: 'grid', code: `${other.community.code}050`, name: '越界网格' } });
    expect(res.statusCode).toBe(404);
    const street = await t.call('POST', '/api/tree/nodes', { token, body: { parentId: mine.district.id, level: 'street', code: `${mine.district.code}950`, name: '越级街道' } });
    expect(street.statusCode).toBe(404);
    expect((await t.built.modules.tree.service.children(other.community.id)).map((n) => n.name)).not.toContain('越界网格');
  });

  it('cannot move another street’s grid, nor move an own grid into another street', async () => {
    const theirs = await makeGrid(t, other.community, '他街网格');
    const take = await t.call('POST', `/api/tree/grids/${theirs.id}/move`, { token, body: { communityId: mine.community.id, effectiveDate: new Date().toISOString().slice(0, 10), reason: '抢占' } });
    expect(take.statusCode).toBe(404);
    expect((await nodeOf(theirs.id)).path).toBe(theirs.path);
    const own = await makeGrid(t, mine.community, '本街网格');
    const give = await t.call('POST', `/api/tree/grids/${own.id}/move`, { token, body: { communityId: other.community.id, effectiveDate: new Date().toISOString().slice(0, 10), reason: '移出' } });
    expect(give.statusCode).toBe(404);
    expect((await nodeOf(own.id)).path).toBe(own.path);
  });

  it('cannot split, re-name by splitting, or change the party organisation and leaders of another street’s grid', async () => {
    const theirs = await makeGrid(t, other.community, '他街网格二');
    const split = await t.call('POST', `/api/tree/grids/${theirs.id}/split`, { token, body: { effectiveDate: new Date().toISOString().slice(0, 10), reason: '拆分', parts: [{ name: '甲网格' }, { name: '乙网格' }] } });
    expect(split.statusCode).toBe(404);
    expect((await nodeOf(theirs.id)).validTo).toBeNull();
    const party = await t.call('PUT', `/api/tree/grids/${theirs.id}/party-org`, { token, body: { name: '越界党支部' } });
    expect(party.statusCode).toBe(404);
    const leaders = await t.call('PUT', `/api/tree/grids/${theirs.id}/leaders`, { token, body: { leaders: [{ tier: 'grid_chief', personName: '张三' }] } });
    expect(leaders.statusCode).toBe(404);
    const detail = await t.built.modules.tree.service.gridDetail(systemContext('test').principal, theirs.id);
    expect(detail.partyOrg).toBeNull();
    expect(detail.leaders).toEqual([]);
  });

  it('has no way to rename a node: names are history (a change is a split into named successors)', async () => {
    for (const [method, url] of [['PATCH', `/api/tree/nodes/${other.grid.id}`], ['PUT', `/api/tree/nodes/${other.grid.id}`], ['PATCH', `/api/tree/nodes/${mine.grid.id}`]] as const) {
      const res = await t.call(method, url, { token, body: { name: '改名' } });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
    expect((await nodeOf(other.grid.id)).name).toBe(other.grid.name);
  });
});
