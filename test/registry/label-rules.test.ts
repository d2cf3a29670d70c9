// Plausibility rules on label kinds: data the admin edits (an age range, a sex). A label write
// that breaks one is kept and answered with a warning, by hand and on import alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, simpleXlsx } from '../exchange/helpers.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let admin: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  admin = (await loginAs(t, { role: 'admin', node: a.city })).token;
});
afterAll(() => t.close());

const yearsAgo = (n: number) => `${new Date().getUTCFullYear() - n}-01-01`;

async function person(name: string, birth: string, sex: '1' | '2' = '1'): Promise<number> {
  const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name, idNumber: idNumber({ birth, sex }) } });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

describe('label rules', () => {
  it('come with the default label kinds: 独居老人 60 and over, 留守儿童 under 16', async () => {
    const kinds = (await t.call('GET', '/api/labels', { token: worker })).json() as { code: string; rules: Record<string, unknown> }[];
    const rules = Object.fromEntries(kinds.map((k) => [k.code, k.rules]));
    expect(rules).toMatchObject({ elderly_alone: { ageMin: 60 }, elderly_80: { ageMin: 80 }, empty_nest: { ageMin: 60 }, left_behind_child: { ageMax: 15 }, low_income: {} });
  });

  it('warn on a label written by hand for someone it does not fit, and keep the label', async () => {
    const young = await person('年轻甲', yearsAgo(35));
    const r = await t.call('PUT', `/api/residents/${young}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().warnings).toEqual([expect.stringMatching(/^标签“独居老人”通常适用于60 岁及以上的人，此人 3[45] 岁，请核实$/)]);
    const card = (await t.call('GET', `/api/residents/${young}`, { token: worker })).json();
    expect(card.labels.map((l: { code: string }) => l.code)).toEqual(['elderly_alone']);
    const old = await person('老年乙', yearsAgo(70));
    expect((await t.call('PUT', `/api/residents/${old}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } })).json().warnings).toEqual([]);
    const adult = await person('成年丙', yearsAgo(40));
    const child = await t.call('PUT', `/api/residents/${adult}/labels/left_behind_child`, { token: worker, body: { since: '2024-01-01' } });
    expect(child.json().warnings[0]).toMatch(/通常适用于不满 16 周岁的人/);
    const en = await t.call('PUT', `/api/residents/${adult}/labels/left_behind_child`, { token: worker, body: { since: '2024-01-01' }, headers: { 'accept-language': 'en' } });
    expect(en.json().warnings[0]).toMatch(/^the label "left-behind child" usually fits people under 16; this person is \d+; please check$/);
  });

  it('are data the admin edits: a new range and a sex apply to the next write at once; nonsense is refused', async () => {
    const bad = await t.call('PATCH', '/api/labels/elderly_alone', { token: admin, body: { rules: { ageMin: 80, ageMax: 60 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('最小年龄不能大于最大年龄');
    expect((await t.call('PATCH', '/api/labels/elderly_alone', { token: worker, body: { rules: { ageMin: 70 } } })).statusCode).toBe(403);
    const ok = await t.call('PATCH', '/api/labels/elderly_alone', { token: admin, body: { rules: { ageMin: 70, ageMax: null } } });
    expect(ok.json().rules).toEqual({ ageMin: 70 });
    const created = await t.call('POST', '/api/labels', { token: admin, body: { code: 'pregnant', nameZh: '孕产妇', nameEn: 'pregnant woman', owner: 'community', reviewDays: 90, rules: { sex: '2', ageMin: 15, ageMax: 55 } } });
    expect(created.statusCode).toBe(201);
    expect(created.json().rules).toEqual({ sex: '2', ageMin: 15, ageMax: 55 });
    const sixtyFive = await person('六五丁', yearsAgo(65));
    expect((await t.call('PUT', `/api/residents/${sixtyFive}/labels/elderly_alone`, { token: worker, body: { since: '2024-01-01' } })).json().warnings[0]).toContain('通常适用于70 岁及以上的人');
    const man = await person('男性戊', yearsAgo(30), '1');
    const w = (await t.call('PUT', `/api/residents/${man}/labels/pregnant`, { token: worker, body: { since: '2024-01-01' } })).json().warnings;
    expect(w).toEqual(['标签“孕产妇”适用于女性，此人登记为男性，请核实']);
    await t.call('PATCH', '/api/labels/elderly_alone', { token: admin, body: { rules: { ageMin: 60 } } });
  });

  it('apply on import as they stand: the row is kept with a warning', async () => {
    await t.call('PATCH', '/api/labels/left_behind_child', { token: admin, body: { rules: { ageMax: 13 } } });
    const r = await importFile(t, worker, '花名册.xlsx', await simpleXlsx([['姓名', '身份证号', '重点人群'], ['少年己', idNumber({ birth: yearsAgo(14) }), '留守儿童'], ['儿童庚', idNumber({ birth: yearsAgo(9) }), '留守儿童']]), { query: { defaultGridId: a.grid.id } });
    expect(r.view.counts).toMatchObject({ created: 2, failed: 0, warned: 1 });
    const issues = (await t.call('GET', `/api/imports/${r.view.id}/issues`, { token: worker })).json().items;
    expect(issues).toHaveLength(1);
    expect(issues[0].reasons[0].message).toMatch(/^标签“留守儿童”通常适用于不满 14 周岁的人，此人 1[34] 岁，请核实（标签已导入）$/);
    const kid = (await t.call('GET', '/api/residents?q=少年己', { token: worker })).json().items[0];
    expect(kid.labels.map((l: { code: string }) => l.code)).toEqual(['left_behind_child']);
  });
});
