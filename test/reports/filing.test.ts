// Filing and approval (备案审批): a department drafts and files a template; the platform says how
// much base data answers, refuses what the department may not ask for or what cannot be computed,
// names overlaps with approved templates; the reviewer approves, rejects or merges; only approved
// templates go down; templates retire and version with their history kept.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

let t: TestApp;
let a: Subtree;
let other: Subtree;
let minzheng: string;
let weijian: string;
let reviewer: string;
let worker: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  // A second community, so that approval is seen to reach every community.
  other = await makeSubtree(t);
  const tree = t.built.modules.tree.service;
  const grants = t.built.modules.registry.service.grants;
  const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  const health = await tree.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, systemContext('test'));
  await grants.create(systemContext('test'), {
    departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income', 'extreme_poverty', 'elderly_alone'],
    readFields: ['name', 'sex', 'birthDate', 'idNumber', 'address', 'householdId', 'label:low_income', 'label:extreme_poverty', 'label:elderly_alone'], purpose: '低保、特困人员动态管理',
  });
  await grants.create(systemContext('test'), {
    departmentId: health.id, recordKind: 'resident', nodeId: a.city.id,
    readFields: ['name', 'sex', 'birthDate', 'phone', 'address', 'residenceStatus', 'label:elderly_alone', 'label:elderly_80'], purpose: '老年人健康管理',
  });
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  weijian = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: health.id })).token;
  reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
});
afterAll(() => t.close());

const base = {
  legalBasis: '《社会救助暂行办法》第十条', purpose: '掌握低保家庭走访情况', cadence: 'monthly', deadlineDays: 7, submitLevel: 'community', handMinutesBefore: 60,
};

/** 民政's low-income visiting report: two items computed, one by hand. */
const lowIncomeVisits = {
  ...base,
  title: '低保家庭走访情况表',
  definition: {
    sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] }],
    rows: [{ by: 'tree', level: 'grid' }],
    columns: [
      { key: 'persons', title: '低保人数', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
      { key: 'households', title: '低保户数', unit: '户', measure: { kind: 'countDistinct', field: 'householdId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
    ],
    manualFields: [{ key: 'visitedHouseholds', title: '本月入户走访户数', type: 'integer', scope: 'report', required: true, min: 0 }],
    totals: true,
  },
};

async function draft(token: string, body: unknown) {
  return t.call('POST', '/api/reports/templates', { token, body });
}

describe('drafting and filing', () => {
  it('drafts, files and shows how much base data answers and which approved template it overlaps', async () => {
    const d = await draft(minzheng, lowIncomeVisits);
    expect(d.statusCode, d.body).toBe(201);
    const tpl = d.json();
    expect(tpl).toMatchObject({ status: 'draft', version: 1, departmentName: '太原市民政局', entitledDepartments: ['civil_affairs'] });
    expect(tpl.coverage).toMatchObject({ computed: 2, manual: 1, total: 3 });
    const s = await t.call('POST', `/api/reports/templates/${tpl.id}/submit`, { token: minzheng });
    expect(s.statusCode, s.body).toBe(200);
    const { template, check } = s.json();
    expect(template.status).toBe('submitted');
    expect(check.coverage.zh).toBe('共 3 项，其中 2 项由基础数据自动生成，1 项需手工填写');
    expect(check.coverage.en).toBe('2 of 3 items computed, 1 entered by hand');
    const overlap = check.overlaps.find((o: { code: string }) => o.code === 'low_income_monthly');
    expect(overlap).toBeDefined();
    expect(overlap.columns.map((c: { key: string }) => c.key).sort()).toEqual(['households', 'persons']);
    expect(overlap.zh).toContain('《低保及特困人员月报表》');
    expect(overlap.zh).toContain('低保人数（对方为“低保对象”）');
    // The reviewer's queue shows it with the same figures.
    const queue = (await t.call('GET', '/api/reports/templates?status=submitted', { token: reviewer })).json();
    expect(queue.find((q: { id: number }) => q.id === tpl.id).overlaps[0].code).toBe('low_income_monthly');
  });

  it('refuses, on filing, a field the department is not granted', async () => {
    const body = {
      ...lowIncomeVisits, title: '低保人员文化程度统计',
      definition: { ...lowIncomeVisits.definition, sources: [{ key: 'r', source: 'resident', filters: [{ label: 'low_income' }] }], rows: [{ by: 'field', field: 'education' }], columns: [{ key: 'n', title: '人数', measure: { kind: 'count' } }], manualFields: [] },
    };
    const d = await draft(minzheng, body);
    expect(d.statusCode, d.body).toBe(201);
    const s = await t.call('POST', `/api/reports/templates/${d.json().id}/submit`, { token: minzheng });
    expect(s.statusCode).toBe(403);
    expect(s.json().error.code).toBe('REPORT_FIELD_NOT_GRANTED');
    expect(s.json().error.message).toContain('文化程度');
    expect((await t.call('GET', `/api/reports/templates/${d.json().id}`, { token: minzheng })).json().status).toBe('draft');
  });

  it('refuses counting everyone when the department is granted labelled people only', async () => {
    const body = { ...lowIncomeVisits, title: '全体居民性别统计', definition: { sources: [{ key: 'r', source: 'resident', filters: [] }], rows: [{ by: 'field', field: 'sex' }], columns: [{ key: 'n', title: '人数', measure: { kind: 'count' } }], manualFields: [], totals: true } };
    const d = await draft(minzheng, body);
    const s = await t.call('POST', `/api/reports/templates/${d.json().id}/submit`, { token: minzheng });
    expect(s.json().error.code).toBe('REPORT_FIELD_NOT_GRANTED');
    expect(s.json().error.message).toContain('仅限特定标签');
    // The same report confined to its labels is fine.
    const ok = await draft(minzheng, { ...body, title: '低保对象性别统计', definition: { ...body.definition, sources: [{ key: 'r', source: 'resident', filters: [{ label: 'low_income' }] }] } });
    expect((await t.call('POST', `/api/reports/templates/${ok.json().id}/submit`, { token: minzheng })).statusCode).toBe(200);
  });

  it('refuses an unknown field, a division by zero, a wrong operator and a label on records that are not people, naming each', async () => {
    const bad = await draft(minzheng, {
      ...lowIncomeVisits,
      definition: {
        ...lowIncomeVisits.definition,
        columns: [
          { key: 'a', title: '甲', measure: { kind: 'count', where: [{ field: 'incomeLevel', op: 'eq', value: 'low' }] } },
          { key: 'b', title: '乙', measure: { kind: 'ratio', numerator: 'a', denominator: 0 } },
          { key: 'c', title: '丙', measure: { kind: 'sum', field: 'labelCode' } },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    const err = bad.json().error;
    expect(err.code).toBe('REPORT_TEMPLATE_INVALID');
    expect(err.field).toBe('definition.columns[0].measure.where[0].field');
    const fields = err.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(['definition.columns[0].measure.where[0].field', 'definition.columns[1].measure.denominator', 'definition.columns[2].measure.field']);
    expect(err.message).toContain('没有字段“incomeLevel”');
    expect(err.message).toContain('除数不能为零');
    const org = await draft(minzheng, { ...lowIncomeVisits, definition: { ...lowIncomeVisits.definition, sources: [{ key: 'o', source: 'organisation', filters: [{ label: 'low_income' }] }], columns: [{ key: 'n', title: '数', measure: { kind: 'count' } }], manualFields: [] } });
    expect(org.json().error.message).toContain('不是关于人的记录');
    const code = await draft(minzheng, { ...lowIncomeVisits, definition: { ...lowIncomeVisits.definition, sources: [{ key: 'r', source: 'resident', filters: [{ label: 'low_income' }, { field: 'sex', op: 'eq', value: '3' }] }], columns: [{ key: 'n', title: '数', measure: { kind: 'count' } }], manualFields: [] } });
    expect(code.json().error.message).toContain('取值不在代码表中');
  });

  it('refuses a grouping that would make too many cells', async () => {
    const r = await draft(minzheng, {
      ...lowIncomeVisits, cadence: 'yearly',
      definition: {
        sources: [{ key: 'r', source: 'resident', filters: [{ label: 'low_income' }] }], rows: [{ by: 'period', unit: 'day', field: 'birthDate' }, { by: 'field', field: 'ethnicity' }],
        columns: ['a', 'b', 'c', 'd', 'e'].map((k) => ({ key: k, title: k, measure: { kind: 'count' } })), manualFields: [], totals: true,
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain('分组过细');
  });

  it('refuses a manual field of an unknown type and a choice without options', async () => {
    const typ = await draft(minzheng, { ...lowIncomeVisits, definition: { ...lowIncomeVisits.definition, manualFields: [{ key: 'x', title: '某数', type: 'float', scope: 'report', required: true }] } });
    expect(typ.statusCode).toBe(400);
    expect(typ.json().error.code).toBe('VALIDATION_FAILED');
    expect(typ.json().error.field).toContain('manualFields');
    const choice = await draft(minzheng, { ...lowIncomeVisits, definition: { ...lowIncomeVisits.definition, manualFields: [{ key: 'x', title: '评价', type: 'choice', scope: 'report', required: true }] } });
    expect(choice.json().error).toMatchObject({ code: 'REPORT_TEMPLATE_INVALID', field: 'definition.manualFields[0].options' });
  });

  it('lets nobody else file, and keeps one department’s drafts from another', async () => {
    expect((await draft(worker, lowIncomeVisits)).statusCode).toBe(403);
    const mine = (await draft(minzheng, { ...lowIncomeVisits, title: '民政内部草稿' })).json();
    expect((await t.call('GET', `/api/reports/templates/${mine.id}`, { token: weijian })).json().error.code).toBe('REPORT_TEMPLATE_NOT_FOUND');
    expect((await t.call('PUT', `/api/reports/templates/${mine.id}`, { token: weijian, body: lowIncomeVisits })).statusCode).toBe(404);
  });
});

describe('review and what follows', () => {
  async function filed(token: string, body: unknown) {
    const d = (await draft(token, body)).json();
    const s = await t.call('POST', `/api/reports/templates/${d.id}/submit`, { token });
    expect(s.statusCode, s.body).toBe(200);
    return d.id as number;
  }

  it('sends only approved templates down; approval sends it to every community at once', async () => {
    const id = await filed(minzheng, { ...lowIncomeVisits, title: '低保家庭走访情况表（试行）', code: 'mz_low_income_visits' });
    const early = await t.call('POST', `/api/reports/templates/${id}/issue`, { token: minzheng, body: {} });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('REPORT_TEMPLATE_NOT_APPROVED');
    const r = await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'approve', note: '同意备案' } });
    expect(r.statusCode, r.body).toBe(200);
    const [{ n }] = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM report_due WHERE template_code = 'mz_low_income_visits'`);
    const communities = (await t.built.modules.tree.service.subtree('/', ['community'])).length;
    expect(r.json().issued).toBe(communities);
    expect(n).toBe(communities);
    const due = (await t.call('GET', '/api/reports/due?templateCode=mz_low_income_visits', { token: worker })).json().items;
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ title: '低保家庭走访情况表（试行）', department: '太原市民政局', status: 'pending' });
    // A department cannot approve, a reviewer cannot approve twice.
    expect((await t.call('POST', `/api/reports/templates/${id}/review`, { token: minzheng, body: { decision: 'approve' } })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'approve' } })).json().error.code).toBe('REPORT_TEMPLATE_STATE');
  });

  it('rejects with a reason only; the department edits and files again', async () => {
    const id = await filed(minzheng, { ...lowIncomeVisits, title: '低保对象月度统计（重复）' });
    const noNote = await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'reject' } });
    expect(noNote.json().error.code).toBe('REPORT_REASON_REQUIRED');
    const r = await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'reject', note: '与已备案的低保月报表重复，请直接使用' } });
    expect(r.json().template).toMatchObject({ status: 'rejected', reviewNote: '与已备案的低保月报表重复，请直接使用' });
    const edited = await t.call('PUT', `/api/reports/templates/${id}`, { token: minzheng, body: { ...lowIncomeVisits, title: '低保家庭入户走访表' } });
    expect(edited.json()).toMatchObject({ status: 'draft', title: '低保家庭入户走访表' });
    expect((await t.call('POST', `/api/reports/templates/${id}/submit`, { token: minzheng })).json().template.status).toBe('submitted');
  });

  it('merges a duplicate into the approved template, which then serves the filer too', async () => {
    const id = await filed(weijian, {
      ...base, title: '老年人口统计表', purpose: '老年人健康管理底数',
      definition: {
        sources: [{ key: 'r', source: 'resident', filters: [] }], rows: [{ by: 'tree', level: 'grid' }],
        columns: [
          { key: 'old60', title: '60岁以上', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 60 }] } },
          { key: 'old80', title: '80岁以上', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 80 }] } },
        ],
        manualFields: [], totals: true,
      },
    });
    const tpl = (await t.call('GET', `/api/reports/templates/${id}`, { token: reviewer })).json();
    expect(tpl.overlaps[0]).toMatchObject({ code: 'pop_monthly', share: 1 });
    const noTarget = await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'merge', note: '已由人口月报覆盖', mergeInto: 'nope' } });
    expect(noTarget.json().error.code).toBe('REPORT_MERGE_TARGET');
    const m = await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'merge', note: '已由人口月报覆盖', mergeInto: 'pop_monthly' } });
    expect(m.json().template).toMatchObject({ status: 'merged', mergedIntoCode: 'pop_monthly' });
    const pop = (await t.call('GET', '/api/reports/templates?code=pop_monthly', { token: reviewer })).json()[0];
    expect(pop.entitledDepartments).toContain('health');
    const burden = (await t.call('GET', '/api/reports/burden', { token: reviewer })).json();
    expect(burden.removed.mergedTemplates.map((x: { title: string }) => x.title)).toContain('老年人口统计表');
  });

  it('retires an approved template: open due reports are cancelled, history stays', async () => {
    const id = (await t.call('GET', '/api/reports/templates?code=mz_low_income_visits', { token: minzheng })).json()[0].id;
    const r = await t.call('POST', `/api/reports/templates/${id}/retire`, { token: minzheng, body: { reason: '并入低保月报表，不再单独报送' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().cancelled).toBeGreaterThan(0);
    expect((await t.call('GET', '/api/reports/due?templateCode=mz_low_income_visits', { token: worker })).json().items).toEqual([]);
    expect((await t.call('POST', `/api/reports/templates/${id}/issue`, { token: minzheng, body: {} })).json().error.code).toBe('REPORT_TEMPLATE_NOT_APPROVED');
    expect((await t.call('GET', `/api/reports/templates/${id}/history`, { token: minzheng })).json()[0]).toMatchObject({ status: 'retired', retiredReason: '并入低保月报表，不再单独报送' });
  });

  it('versions an approved template; the new version replaces the old on approval', async () => {
    const id = await filed(minzheng, { ...lowIncomeVisits, title: '特困人员统计表', code: 'mz_extreme', definition: { ...lowIncomeVisits.definition, sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'extreme_poverty' }] }], manualFields: [] } });
    await t.call('POST', `/api/reports/templates/${id}/review`, { token: reviewer, body: { decision: 'approve' } });
    const v2 = await t.call('POST', `/api/reports/templates/${id}/versions`, { token: minzheng });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ code: 'mz_extreme', version: 2, status: 'draft' });
    expect((await t.call('POST', `/api/reports/templates/${id}/versions`, { token: minzheng })).json().error.code).toBe('REPORT_TEMPLATE_STATE');
    const edited = await t.call('PUT', `/api/reports/templates/${v2.json().id}`, { token: minzheng, body: { ...lowIncomeVisits, title: '特困供养人员统计表', definition: { ...lowIncomeVisits.definition, sources: [{ key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'extreme_poverty' }] }], manualFields: [] } } });
    expect(edited.statusCode, edited.body).toBe(200);
    await t.call('POST', `/api/reports/templates/${v2.json().id}/submit`, { token: minzheng });
    await t.call('POST', `/api/reports/templates/${v2.json().id}/review`, { token: reviewer, body: { decision: 'approve' } });
    const history = (await t.call('GET', `/api/reports/templates/${id}/history`, { token: minzheng })).json();
    expect(history.map((h: { version: number; status: string }) => [h.version, h.status])).toEqual([[2, 'approved'], [1, 'superseded']]);
  });

  it('shows the one SQL query a template compiles to, scoped, with every value bound', async () => {
    const pop = (await t.call('GET', '/api/reports/templates?code=pop_monthly', { token: reviewer })).json()[0];
    const r = (await t.call('GET', `/api/reports/templates/${pop.id}/sql`, { token: reviewer })).json();
    expect(r.sql.startsWith('WITH lab AS (')).toBe(true);
    expect(r.sql).toContain('GROUPING SETS');
    expect(r.sql).not.toContain('elderly_alone');
    expect(r.params).toContain('elderly_alone');
    expect(r.params).toContain(`${a.city.path}%`);
    expect(r.sql.match(/tree_path LIKE \$\d+/g)!.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the burden page', () => {
  it('counts approved templates, hand-entry minutes before and after, and reports removed', async () => {
    const add = await t.call('POST', '/api/reports/cleanups', { token: reviewer, body: { title: '社区计生情况月报', departmentName: '卫健', action: 'removed', reason: '职能已调整，取消', timesPerYear: 12, minutesPerFill: 90, decidedOn: '2025-03-01' } });
    expect(add.statusCode, add.body).toBe(201);
    await t.call('POST', '/api/reports/cleanups', { token: reviewer, body: { title: '网格员考核手工汇总表', departmentName: '政法委', action: 'automated', replacedByCode: 'grid_worker_assessment', reason: '由平台一键生成', timesPerYear: 12, minutesPerFill: 180, decidedOn: '2025-03-01' } });
    expect((await t.call('POST', '/api/reports/cleanups', { token: minzheng, body: { title: 'x', departmentName: 'x', action: 'removed', reason: 'xx', timesPerYear: 1, minutesPerFill: 1, decidedOn: '2025-03-01' } })).statusCode).toBe(403);
    const b = (await t.call('GET', '/api/reports/burden', { token: reviewer })).json();
    const pop = b.approved.find((x: { code: string }) => x.code === 'pop_monthly');
    expect(pop).toMatchObject({ minutesBeforePerFill: 240, fillsPerMonth: 1, coverage: { computed: 21, manual: 1 } });
    expect(pop.minutesAfterPerFill).toBe(4);
    expect(b.removed.byAction).toMatchObject({ automated: 1 });
    expect(b.removed.byAction.removed).toBeGreaterThanOrEqual(2);
    expect(b.headline.zh).toMatch(/已清理报表 \d+ 项/);
    expect(b.totals.monthlyMinutesBefore).toBeGreaterThan(b.totals.monthlyMinutesAfter);
    expect(b.totals.savedMinutesPerCommunityPerMonth).toBeCloseTo(b.totals.monthlyMinutesBefore - b.totals.monthlyMinutesAfter, 5);
    expect((await t.call('GET', '/api/reports/burden', { token: minzheng })).statusCode).toBe(403);
    void other;
  });
});
