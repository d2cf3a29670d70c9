// The resident list's totals and filters as the query shape now computes them: a page that is
// not full gives its total without counting, a page past the end still reports the real total,
// and label and staleness filters find everyone in scope (also after a move between grids).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';
import type { TreeNode } from '../../src/modules/tree/index.js';

let t: TestApp;
let a: Subtree;
let other: Subtree;
let grid2: TreeNode;
let worker: string;
const ids: number[] = [];

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  other = await makeSubtree(t);
  grid2 = await makeGrid(t, a.community, '第二网格');
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  const bulk = t.built.modules.registry.service.bulk;
  const place = (g: TreeNode) => ({ id: g.id, path: g.path, districtCode: g.districtCode! });
  // 7 residents in grid 1, 3 in grid 2; 2 more in another community that must never show.
  const records = [
    ...Array.from({ length: 7 }, (_, i) => ({ fields: { name: `张${'一二三四五六七'[i]}`, idNumber: idNumber({ birth: `19${40 + i}-01-01` }) }, node: place(a.grid) })),
    ...Array.from({ length: 3 }, (_, i) => ({ fields: { name: `李${'甲乙丙'[i]}`, idNumber: idNumber({ birth: `19${80 + i}-01-01`, sex: '2' }) }, node: place(grid2) })),
  ];
  const enc = bulk.encodeAll('resident', records);
  expect(enc.rejected).toEqual([]);
  const otherEnc = bulk.encodeAll('resident', [0, 1].map((i) => ({ fields: { name: `王${'东西'[i]}`, idNumber: idNumber() }, node: place(other.grid) })));
  await t.database.db.transaction(async (tx) => {
    ids.push(...(await bulk.insertEncoded(tx, systemContext('test'), 'resident', enc.values, { source: 'system' })));
    const otherIds = await bulk.insertEncoded(tx, systemContext('test'), 'resident', otherEnc.values, { source: 'system' });
    await bulk.insertLabels(tx, systemContext('test'), [
      { residentId: ids[0]!, code: 'elderly_alone', since: '2024-01-01' },
      { residentId: ids[1]!, code: 'elderly_alone', since: '2024-01-01' },
      { residentId: ids[8]!, code: 'elderly_alone', since: '2024-01-01' },
      { residentId: otherIds[0]!, code: 'elderly_alone', since: '2024-01-01' },
    ], 'system');
  });
});
afterAll(() => t.close());

const list = (q: string) => t.call('GET', `/api/residents?${q}`, { token: worker });

describe('totals of the resident list', () => {
  it('counts a partial page exactly without a count query, and a full page by counting', async () => {
    const all = await list('limit=50');
    expect(all.json()).toMatchObject({ total: 10, totalCapped: false });
    expect(all.json().items).toHaveLength(10);
    const full = await list('limit=4');
    expect(full.json()).toMatchObject({ total: 10, totalCapped: false });
    expect(full.json().items).toHaveLength(4);
    const last = await list('limit=4&offset=8');
    expect(last.json()).toMatchObject({ total: 10 });
    expect(last.json().items).toHaveLength(2);
  });

  it('reports the real total on a page past the end', async () => {
    const past = await list('limit=4&offset=40');
    expect(past.statusCode).toBe(200);
    expect(past.json()).toMatchObject({ total: 10, items: [] });
  });

  it('counts a filtered list exactly', async () => {
    const women = await list('sex=2&limit=2');
    expect(women.json()).toMatchObject({ total: 3 });
    const old = await list('ageMin=80&limit=50');
    expect(old.json().items.every((r: { age: number }) => r.age >= 80)).toBe(true);
    expect(old.json().total).toBe(old.json().items.length);
  });
});

describe('label and staleness filters within the scope', () => {
  it('finds every labelled resident of the community and none outside it', async () => {
    const res = await list('labels=elderly_alone&limit=50');
    expect(res.json().items.map((r: { id: number }) => r.id).sort()).toEqual([ids[0], ids[1], ids[8]].sort());
    const inGrid2 = await list(`labels=elderly_alone&nodeId=${grid2.id}&limit=50`);
    expect(inGrid2.json().items.map((r: { id: number }) => r.id)).toEqual([ids[8]]);
  });

  it('still finds a labelled resident after a move to another grid', async () => {
    const moved = await t.call('POST', `/api/residents/${ids[0]}/move`, { token: worker, body: { gridId: grid2.id, version: 1, reason: '搬到二网格' } });
    expect(moved.statusCode).toBe(200);
    const inGrid2 = await list(`labels=elderly_alone&nodeId=${grid2.id}&limit=50`);
    expect(inGrid2.json().items.map((r: { id: number }) => r.id).sort()).toEqual([ids[0], ids[8]].sort());
  });

  it('lists overdue residents of a grid', async () => {
    await t.database.db.execute(sql`UPDATE record_review SET due_at = now() - interval '1 day' WHERE record_kind = 'resident' AND record_id = ${ids[2]}`);
    const res = await list(`stale=true&nodeId=${a.grid.id}&limit=50`);
    expect(res.json().items.map((r: { id: number }) => r.id)).toEqual([ids[2]]);
    expect(res.json().total).toBe(1);
  });
});
