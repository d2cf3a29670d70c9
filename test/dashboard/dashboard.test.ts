import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import type { Tile } from '../../src/modules/dashboard/index.js';
import { loginAs, makeGrid, makeSubtree, makeUser, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let worker: string;
let streetToken: string;
let deptToken: string;
const residentIds: number[] = [];

function tile(body: { tiles: Tile[] }, key: string): Tile {
  const found = body.tiles.find((x) => x.key === key);
  if (!found) throw new Error(`no tile ${key} in ${body.tiles.map((x) => x.key).join(', ')}`);
  return found;
}
const stat = (tl: Tile, key: string) => tl.stats!.find((s) => s.key === key)?.value;
const datum = (tl: Tile, key: string) => tl.series!.find((s) => s.key === key)?.value;

beforeAll(async () => {
  t = await testApp({ smallCellThreshold: 5 });
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  const second = await makeGrid(t, a.community, '第二网格');
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  streetToken = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
  await makeUser(t, { role: 'grid_worker', node: a.grid, gridWorkerKind: 'full_time' });
  await makeUser(t, { role: 'grid_worker', node: second, gridWorkerKind: 'part_time' });
  await makeUser(t, { role: 'grid_worker', node: second, gridWorkerKind: 'part_time' });
  // Three residents in grid 1, one in grid 2; two of them live alone, one is a floating resident.
  for (const [grid, name, status] of [[a.grid, '王秀英', 'registered'], [a.grid, '李建国', 'registered'], [a.grid, '赵小红', 'floating'], [second, '钱多多', 'registered']] as const) {
    const res = await t.call('POST', '/api/residents', { token: worker, body: { gridId: grid.id, name, idNumber: idNumber({ birth: '1940-02-03' }), residenceStatus: status } });
    expect(res.statusCode).toBe(201);
    residentIds.push(res.json().id);
  }
  for (const id of residentIds.slice(0, 2)) {
    const res = await t.call('PUT', `/api/residents/${id}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } });
    expect(res.statusCode).toBe(200);
  }
  // Somebody else's community, which must never be counted in ours.
  const other = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
  await t.call('POST', '/api/residents', { token: other, body: { gridId: b.grid.id, name: '孙外人', idNumber: idNumber() } });
  const dept = await t.built.modules.tree.service.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, systemContext('test'));
  // 卫健's grant names the labels it follows; the dashboard shows it those groups only.
  await t.built.modules.registry.service.grants.create(systemContext('test'), { departmentId: dept.id, recordKind: 'resident', nodeId: a.city.id, labels: ['elderly_alone', 'disabled'], readFields: ['name', 'label:elderly_alone', 'label:disabled'], purpose: '老年人与残疾人健康随访' });
  deptToken = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: dept.id })).token;
});
afterAll(() => t.close());

describe('the home dashboard', () => {
  it('shows a community worker the counts of their own community only', async () => {
    const res = await t.call('GET', '/api/dashboard', { token: worker });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.node.id).toBe(a.community.id);
    expect(body.trail.at(-1)).toBe(a.community.name);
    expect(body.unavailable).toEqual([]);
    const records = tile(body, 'registry.records');
    expect(stat(records, 'resident')).toBe(4);
    expect(records.stats!.find((s) => s.key === 'resident')!.link).toBe('/residents');
    expect(datum(tile(body, 'registry.labels'), 'elderly_alone')).toBe(2);
    expect(datum(tile(body, 'registry.categories'), 'floating')).toBe(1);
    expect(datum(tile(body, 'registry.categories'), 'registered')).toBe(3);
    expect(stat(tile(body, 'tree.places'), 'grid')).toBe(2);
    expect(body.tiles.map((x: Tile) => x.key)).not.toContain('tree.gridKinds');
    expect(tile(body, 'tree.places').stats![0]!.hint).toBe('城市网格 2');
    const workers = tile(body, 'staff.gridWorkers');
    expect(stat(workers, 'full_time')).toBe(1);
    expect(stat(workers, 'part_time')).toBe(2);
    expect(stat(workers, 'community_worker')).toBe(1);
  });

  it('lists each child with its residents, so a community sees its grids side by side', async () => {
    const body = (await t.call('GET', '/api/dashboard', { token: worker })).json();
    const rows = tile(body, 'registry.children').table!.rows;
    expect(rows.map((r) => r.residents)).toEqual([3, 1]);
    expect(rows[0]!.nodeId).toBe(a.grid.id);
  });

  it('lets street staff drill down to a community and a grid of their street', async () => {
    const street = (await t.call('GET', '/api/dashboard', { token: streetToken })).json();
    expect(street.node.id).toBe(a.street.id);
    expect(tile(street, 'registry.children').table!.rows.map((r) => r.name)).toEqual([a.community.name]);
    const grid = await t.call('GET', `/api/dashboard?nodeId=${a.grid.id}`, { token: streetToken });
    expect(grid.statusCode).toBe(200);
    expect(stat(tile(grid.json(), 'registry.records'), 'resident')).toBe(3);
    // A grid has no places below it and no children table.
    expect(grid.json().tiles.map((x: Tile) => x.key)).not.toContain('tree.places');
    expect(grid.json().tiles.map((x: Tile) => x.key)).not.toContain('registry.children');
  });

  it('answers 404 for a node outside the caller’s area, and falls back to the own node for an ancestor', async () => {
    const outside = await t.call('GET', `/api/dashboard?nodeId=${b.community.id}`, { token: worker });
    expect(outside.statusCode).toBe(404);
    expect(outside.json().error.code).toBe('TREE_NODE_NOT_FOUND');
    const missing = await t.call('GET', '/api/dashboard?nodeId=999999', { token: worker });
    expect(missing.statusCode).toBe(404);
    const ancestor = await t.call('GET', `/api/dashboard?nodeId=${a.city.id}`, { token: worker });
    expect(ancestor.statusCode).toBe(200);
    expect(ancestor.json().node.id).toBe(a.community.id);
    expect(stat(tile(ancestor.json(), 'registry.records'), 'resident')).toBe(4);
  });

  it('refuses bad query input with the failing field', async () => {
    const res = await t.call('GET', '/api/dashboard?nodeId=abc', { token: worker });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.field).toBe('nodeId');
    const unknown = await t.call('GET', '/api/dashboard?colour=red', { token: worker });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe('colour');
  });

  it('needs a log-in and the dashboard permission', async () => {
    expect((await t.call('GET', '/api/dashboard')).statusCode).toBe(401);
    const auditor = (await loginAs(t, { role: 'auditor', node: a.city })).token;
    const res = await t.call('GET', '/api/dashboard', { token: auditor });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('withholds small label counts from a department above community level, without links into the register', async () => {
    const res = await t.call('GET', `/api/dashboard?nodeId=${a.street.id}`, { token: deptToken });
    expect(res.statusCode).toBe(200);
    const labels = tile(res.json(), 'registry.labels');
    expect(datum(labels, 'elderly_alone')).toBeNull();
    expect(labels.note).toMatch(/少于 5 人/);
    expect(datum(labels, 'disabled')).toBe(0);
    // Groups its grants do not name are not shown at all.
    expect(labels.series!.map((s) => s.key).sort()).toEqual(['disabled', 'elderly_alone']);
    const records = tile(res.json(), 'registry.records');
    expect(stat(records, 'resident')).toBe(4);
    expect(records.stats!.every((s) => s.link === undefined)).toBe(true);
    // The community's own worker sees the real number.
    const own = (await t.call('GET', `/api/dashboard?nodeId=${a.street.id}`, { token: streetToken })).json();
    expect(datum(tile(own, 'registry.labels'), 'elderly_alone')).toBe(2);
  });

  it('follows the caller’s language', async () => {
    const zh = (await t.call('GET', '/api/dashboard', { token: worker })).json();
    const en = (await t.call('GET', '/api/dashboard', { token: worker, headers: { 'accept-language': 'en-GB,en' } })).json();
    expect(tile(zh, 'registry.labels').title).toBe('重点人群');
    expect(tile(en, 'registry.labels').title).toBe('Residents by label');
    expect(tile(en, 'registry.labels').series!.find((s) => s.key === 'elderly_alone')!.label).toBe('Elderly living alone');
  });

  it('takes tiles from providers other modules register, filtered by permission, and survives one that fails', async () => {
    const dash = t.built.modules.dashboard.service;
    dash.register({ key: 'test-visible', async tiles() { return [{ key: 'test.visible', title: 'x', kind: 'stats', order: 5, width: 1, stats: [{ key: 'n', label: 'n', value: 7 }] }]; } });
    dash.register({ key: 'test-audit-only', permission: 'audit:read', async tiles() { return [{ key: 'test.hidden', title: 'x', kind: 'stats', order: 5, width: 1, stats: [] }]; } });
    dash.register({ key: 'test-broken', async tiles() { throw new Error('boom'); } });
    expect(() => dash.register({ key: 'test-visible', async tiles() { return []; } })).toThrow(/twice/);
    const res = await t.call('GET', '/api/dashboard', { token: worker });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const keys = body.tiles.map((x: Tile) => x.key);
    // Sorted by order: 5 comes before the core tiles (10 and up), whatever other modules add.
    expect(keys.indexOf('test.visible')).toBeGreaterThanOrEqual(0);
    expect(keys.indexOf('test.visible')).toBeLessThan(keys.indexOf('registry.records'));
    const orders = body.tiles.map((x: Tile) => x.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(body.tiles.map((x: Tile) => x.key)).not.toContain('test.hidden');
    expect(body.unavailable).toEqual([{ key: 'test-broken', message: '该部分数据暂时无法加载' }]);
    expect(tile(body, 'registry.records').stats!.length).toBe(5);
  });
});

describe('counting wide scopes', () => {
  it('keeps a street’s numbers for a few minutes (with their time) while a community is counted live', async () => {
    const before = (await t.call('GET', '/api/dashboard', { token: streetToken })).json();
    const kept = tile(before, 'registry.records');
    expect(kept.asOf).toMatch(/^\d{4}-\d\d-\d\dT/);
    const n = stat(kept, 'resident')!;
    const res = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '新来的', idNumber: idNumber() } });
    expect(res.statusCode).toBe(201);
    const community = (await t.call('GET', '/api/dashboard', { token: worker })).json();
    expect(stat(tile(community, 'registry.records'), 'resident')).toBe(5);
    const street = (await t.call('GET', '/api/dashboard', { token: streetToken })).json();
    expect(stat(tile(street, 'registry.records'), 'resident')).toBe(n);
    expect(tile(street, 'registry.records').asOf).toBe(kept.asOf);
  });
});

describe('the public UI configuration', () => {
  it('is readable without logging in and tells the web app whether map tiles exist', async () => {
    const res = await t.call('GET', '/api/ui/config');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tileUrl: '', passwordMinLength: t.config.passwordMinLength, passwordMinClasses: t.config.passwordMinClasses, sessionIdleMinutes: t.config.sessionIdleMinutes });
  });

  it('lists the dashboard in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).json();
    expect(doc.paths['/api/dashboard'].get.parameters.map((p: { name: string }) => p.name)).toContain('nodeId');
  });
});
