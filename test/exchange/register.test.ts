// A real-style community register (居民花名册, 1,000 rows: see register-fixture.ts) imported the
// way a community worker imports it in the wizard: upload, the proposed mapping, the default
// grid, the list of buildings and houses the community lacks, agree to create them, import.
// Every row without a real mistake goes in; every refused row names all its problems; phones
// in any style are read; a phone typo costs the phone, not the person; department labels become
// proposals; implausible labels are flagged and kept. The figures are printed for the record.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { runJobs, simpleXlsx, upload } from './helpers.js';
import { buildRegister, hardProblems, plantedCounts, type Planted, type Register } from './register-fixture.js';
import { allIssues, figures, printFigures, type IssueRow } from './register-figures.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let reg: Register;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  await makeGrid(t, a.community, '第二网格');
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  reg = await buildRegister({ communityName: a.community.name });
});
afterAll(() => t.close());

/** What each planted mistake must read like in the row's report. */
const expected: Record<Planted, RegExp> = {
  id_check: /身份证号校验位错误/,
  id_length: /身份证号应为 18 位/,
  id_number_cell: /存成了数字/,
  sex_mismatch: /性别与身份证号不一致/,
  date_impossible: /日期 \S+ 不正确/,
  duplicate: /与第 \d+ 行重复/,
  phone_invalid: /手机号应为 11 位|座机号码缺少区号/,
  phone_two: /填写了 2 个号码，只导入了第一个有效号码/,
  label_department: /由.+维护，已提交.+确认/,
  label_implausible: /通常适用于.+的人，此人 \d+ 岁，请核实/,
  label_unknown: /不认识的标签：困难户/,
};

describe('importing a real-style register (居民花名册) as the wizard does', () => {
  let importId: number;
  let view: Record<string, any>;
  let issues: IssueRow[];

  beforeAll(async () => {
    const up = await upload(t, worker, '居民花名册.xlsx', reg.buffer, { nodeId: a.community.id });
    expect(up.statusCode).toBe(201);
    const v = up.json();
    importId = v.id;
    const byHeader = Object.fromEntries(v.mapping.map((m: { header: string; target: string | null }) => [m.header, m.target]));
    // 人员类别 holds 户籍/流动 in this sheet, so the 重点人群 column keeps the labels.
    expect(byHeader).toMatchObject({ 楼栋: '@building', 单元: '@unitNo', 房号: '@roomNo', 人员类别: 'residenceStatus', 重点人群: '@labels', 出生日期: 'birthDate', 联系电话: 'phone', 户主姓名: null });
    const mapping = v.mapping.map((m: { index: number; target: string | null }) => ({ index: m.index, target: m.target }));
    const grid = a.grid.id;
    // The wizard shows what the community lacks before it asks.
    const plan = await t.call('POST', `/api/imports/${importId}/places`, { token: worker, body: { mapping, defaultGridId: grid } });
    expect(plan.statusCode).toBe(200);
    const pl = plan.json();
    expect(pl).toMatchObject({ applies: true, newBuildings: reg.buildings.length, newHouses: reg.houses.length, ambiguous: 0, grid: { id: grid } });
    expect(pl.buildings.map((b: { name: string }) => b.name).sort()).toEqual(reg.buildings);
    expect(await queryRows(t.built.platform.db, sql`SELECT id FROM building WHERE tree_path LIKE ${`${a.community.path}%`}`)).toEqual([]);
    const st = await t.call('POST', `/api/imports/${importId}/start`, { token: worker, body: { mapping, defaultGridId: grid, createPlaces: true } });
    expect(st.statusCode).toBe(202);
    await runJobs(t);
    view = (await t.call('GET', `/api/imports/${importId}`, { token: worker })).json();
    issues = await allIssues(t, worker, importId);
    process.stdout.write(`planted ${JSON.stringify(plantedCounts(reg.rows))}; ${reg.buildings.length} buildings, ${reg.houses.length} houses\n`);
    printFigures('register import (after)', figures(view, issues, a.community.name));
  }, 300_000);

  it('imports every row that holds no real mistake and refuses only those that do', () => {
    const hard = reg.rows.filter((r) => r.planted.some((p) => hardProblems.has(p)));
    const soft = reg.rows.filter((r) => !r.planted.some((p) => hardProblems.has(p)) && r.planted.length);
    expect(view.status).toBe('done');
    expect(view.counts).toMatchObject({ created: reg.rows.length - hard.length, updated: 0, unchanged: 0, failed: hard.length, warned: soft.length, blank: 0, buildingsCreated: reg.buildings.length, housesCreated: reg.houses.length });
    expect(view.counts.proposed).toBe(reg.rows.filter((r) => r.planted.includes('label_department')).length);
  });

  it('lists every problem of a row in its report, not only the first', () => {
    const byRow = new Map(issues.map((i) => [i.rowNo, i]));
    for (const row of reg.rows) {
      const issue = byRow.get(row.rowNo);
      if (!row.planted.length) {
        expect(issue, `row ${row.rowNo} should have no issue`).toBeUndefined();
        continue;
      }
      expect(issue, `row ${row.rowNo} (${row.planted.join(',')})`).toBeDefined();
      const text = issue!.reasons.map((x) => x.message).join(' | ');
      expect(issue!.severity, `row ${row.rowNo}: ${text}`).toBe(row.planted.some((p) => hardProblems.has(p)) ? 'error' : 'warning');
      for (const p of row.planted) {
        if (p === 'label_department' && issue!.severity === 'error') continue;
        expect(text, `row ${row.rowNo} should say ${p}`).toMatch(expected[p]);
      }
    }
    // A row with three mistakes names the three (and marks which ones only warn).
    const several = reg.rows.find((r) => r.planted.length >= 3)!;
    const reasons = byRow.get(several.rowNo)!.reasons;
    expect(reasons.filter((x) => x.severity === 'error').map((x) => x.column)).toContain('身份证号码');
    expect(reasons.filter((x) => x.severity === 'warning').map((x) => x.column)).toEqual(expect.arrayContaining(['联系电话', '重点人群']));
  });

  it('reads phones in every style and keeps the person when the phone is wrong', async () => {
    const clean = reg.rows.filter((r) => !r.planted.length && r.phone);
    const residents = await queryRows<{ name: string; phone: string | null }>(t.built.platform.db, sql`SELECT name, phone_enc AS phone FROM resident WHERE tree_path LIKE ${`${a.community.path}%`}`);
    const cipher = t.built.platform.cipher;
    const byName = new Map<string, string[]>();
    for (const r of residents) byName.set(r.name, [...(byName.get(r.name) ?? []), r.phone ? cipher.decrypt(r.phone) : '']);
    for (const row of clean) expect(byName.get(row.name), row.name).toContain(row.phone);
    const typo = reg.rows.find((r) => r.planted.length === 1 && r.planted[0] === 'phone_invalid')!;
    expect(byName.get(typo.name)).toBeDefined();
    const landline = clean.find((r) => r.phone.startsWith('0351-'));
    expect(landline).toBeDefined();
  });

  it('places everyone in the houses it created, in the chosen grid', async () => {
    const rows = await queryRows<{ n: number; grids: number }>(
      t.built.platform.db,
      sql`SELECT count(*)::int AS n, count(DISTINCT h.grid_id)::int AS grids FROM resident r JOIN house h ON h.id = r.house_id WHERE r.tree_path LIKE ${`${a.community.path}%`}`,
    );
    expect(rows[0]).toEqual({ n: view.counts.created, grids: 1 });
    const b = await queryRows<{ grid_id: number; address: string }>(t.built.platform.db, sql`SELECT grid_id, address FROM building WHERE tree_path LIKE ${`${a.community.path}%`} LIMIT 1`);
    expect(b[0]).toMatchObject({ grid_id: a.grid.id, address: expect.stringContaining(a.community.name) });
  });

  it('changes nothing the second time: no new records, buildings, houses or proposals', async () => {
    const up = await upload(t, worker, '居民花名册.xlsx', reg.buffer, { nodeId: a.community.id });
    const v = up.json();
    expect(v.preview.mappingSource).toBe('template');
    expect(v.defaultGridId).toBe(a.grid.id);
    expect(v.preview.defaultGridSource).toBe('template');
    const plan = (await t.call('POST', `/api/imports/${v.id}/places`, { token: worker, body: {} })).json();
    expect(plan).toMatchObject({ newBuildings: 0, newHouses: 0 });
    await t.call('POST', `/api/imports/${v.id}/start`, { token: worker, body: { createPlaces: true } });
    await runJobs(t);
    const again = (await t.call('GET', `/api/imports/${v.id}`, { token: worker })).json();
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: view.counts.created, failed: view.counts.failed, buildingsCreated: 0, housesCreated: 0, proposed: 0 });
  }, 120_000);

  it('remembers the default grid for the next upload, of this layout (with its mapping) or of another', async () => {
    const other = await upload(t, worker, '另一张表.xlsx', await simpleXlsx([['姓名', '身份证号码'], ['新人', '']]), { nodeId: a.community.id });
    expect(other.json()).toMatchObject({ defaultGridId: a.grid.id, preview: { defaultGridSource: 'last', mappingSource: 'headers' } });
    const colleague = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    const theirs = await upload(t, colleague, '另一张表.xlsx', await simpleXlsx([['姓名', '身份证号码'], ['新人', '']]), { nodeId: a.community.id });
    // Two grids, nothing remembered for this worker and this layout: the wizard asks.
    expect(theirs.json()).toMatchObject({ defaultGridId: null, preview: { defaultGridSource: null } });
  });

  it('names every problem of a row in one report: cells, the grid, the record, the building', async () => {
    const bad = await simpleXlsx([
      ['姓名', '身份证号码', '出生日期', '联系电话', '所属网格', '楼栋', '单元', '房号', '重点人群'],
      ['', '14010919800517001', '1980.02.30', '1381234567', '不存在的网格', '无此楼', '1', '101', '独居老人'],
    ]);
    const up = await upload(t, worker, '一行多错.xlsx', bad, { nodeId: a.community.id });
    await t.call('POST', `/api/imports/${up.json().id}/start`, { token: worker, body: { defaultGridId: a.grid.id } });
    await runJobs(t);
    const [row] = await allIssues(t, worker, up.json().id);
    const got = row!.reasons.map((x) => `${x.severity}|${x.column}|${x.message}`);
    expect(got).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error\|身份证号码\|身份证号应为 18 位/),
      expect.stringMatching(/^error\|出生日期\|日期 1980.02.30 不正确/),
      expect.stringMatching(/^error\|所属网格\|网格“不存在的网格”不在/),
      expect.stringMatching(/^error\|姓名\|姓名不能为空/),
      expect.stringMatching(/^error\|楼栋\|楼栋“无此楼”在.+尚未登记/),
      expect.stringMatching(/^warning\|联系电话\|手机号应为 11 位/),
    ]));
    expect(row!.severity).toBe('error');
  });
});
