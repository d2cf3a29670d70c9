// One click (一键报表): a community's due reports are computed from base data, previewed,
// submitted once and frozen; corrections are versions; departments entitled to the template read
// the same submission (small counts protected); every figure drills down to its records.
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import type { TreeNode } from '../../src/modules/tree/index.js';
import { loginAs, makeGrid, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { ageOn, bornAged, seedPeople, type Person } from './seed.js';

let t: TestApp;
let a: Subtree;
let gridB: TreeNode;
let other: Subtree;
let worker: string;
let otherWorker: string;
let street: string;
let minzheng: string;
let justice: string;
let reviewer: string;
let people: Person[];
let period: { key: string; start: string; end: string };
let dues: { id: number; templateCode: string; status: string; deadline: string; period: string; periodStart: string; periodEnd: string }[];

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const at = (d: string, hour = 10) => new Date(`${d}T${String(hour).padStart(2, '0')}:00:00+08:00`);
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

function lastMonth(): { key: string; start: string; end: string } {
  const [y, m] = today().split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const end = new Date(Date.UTC(py, pm, 0)).toISOString().slice(0, 10);
  return { key: `${py}-${String(pm).padStart(2, '0')}`, start: `${py}-${String(pm).padStart(2, '0')}-01`, end };
}

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  gridB = await makeGrid(t, a.community, '第二网格');
  other = await makeSubtree(t);
  const tree = t.built.modules.tree.service;
  const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  const just = await tree.createDepartment({ code: 'justice', name: '太原市司法局', shortName: '司法', nodeId: a.city.id }, systemContext('test'));
  await t.built.modules.registry.service.grants.create(systemContext('test'), {
    departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income', 'extreme_poverty', 'elderly_alone'],
    readFields: ['name', 'sex', 'birthDate', 'idNumber', 'address', 'label:low_income', 'label:extreme_poverty', 'label:elderly_alone'], purpose: '低保动态管理与独居老人关爱',
  });
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  otherWorker = (await loginAs(t, { role: 'community_worker', node: other.community })).token;
  street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  justice = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: just.id })).token;
  reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;

  period = lastMonth();
  const R = period.end;
  const inPeriod = at(addDays(period.start, 4));
  const longAgo = at(addDays(R, -40));
  const g = a.grid;
  people = [
    { grid: g, sex: '1', birth: bornAged(45, R), household: 1 },
    { grid: g, sex: '2', birth: bornAged(43, R), household: 1 },
    { grid: g, sex: '1', birth: bornAged(10, R), household: 1 },
    { grid: g, sex: '1', birth: bornAged(72, R), household: 2, labels: [{ code: 'elderly_alone' }], visits: [{ at: inPeriod }] },
    { grid: g, sex: '2', birth: bornAged(85, R), household: 3, labels: [{ code: 'elderly_alone' }, { code: 'elderly_80' }], visits: [{ at: longAgo }] },
    { grid: g, sex: '2', birth: bornAged(81, R), household: 4, labels: [{ code: 'elderly_alone' }] },
    { grid: g, sex: '1', birth: bornAged(66, R), household: 5, labels: [{ code: 'elderly_alone' }], visits: [{ at: inPeriod }, { at: longAgo, kind: 'routine' }] },
    { grid: g, sex: '2', birth: bornAged(70, R), household: 6, labels: [{ code: 'elderly_alone' }, { code: 'low_income', attributes: { monthlyAmount: 800 } }], visits: [{ at: inPeriod }] },
    { grid: g, sex: '1', birth: bornAged(30, R), household: 7, residence: 'floating' },
    { grid: g, sex: '2', birth: bornAged(29, R), household: 7, residence: 'floating' },
    { grid: g, sex: '1', birth: bornAged(55, R), household: 8, labels: [{ code: 'low_income', attributes: { monthlyAmount: 820 } }] },
    { grid: g, sex: '2', birth: bornAged(52, R), household: 8 },
    { grid: g, sex: '1', birth: bornAged(20, R), household: 8, labels: [{ code: 'disabled', attributes: { category: '4', grade: '3' } }] },
    { grid: g, sex: '2', birth: bornAged(35, R), household: 9, residence: 'resident' },
    { grid: g, sex: '1', birth: bornAged(8, R), household: 9 },
    { grid: g, sex: '1', birth: bornAged(60, R), household: 10, labels: [{ code: 'veteran' }] },
    { grid: g, sex: '2', birth: bornAged(59, R), household: 10 },
    { grid: g, sex: '1', birth: bornAged(17, R), household: 11 },
    { grid: g, sex: '2', birth: bornAged(18, R), household: 11 },
    { grid: g, sex: '1', birth: bornAged(40, R), household: 11, labels: [{ code: 'low_income', since: '2019-01-01', until: '2021-01-01', attributes: { monthlyAmount: 700 } }] },
    { grid: g, sex: '2', birth: addDays(period.start, 2), household: 12 },
    { grid: g, sex: '1', birth: bornAged(33, R), household: 12 },
    { grid: g, sex: '2', birth: bornAged(90, R), household: 13, labels: [{ code: 'elderly_alone' }], status: 'moved_out' },
    { grid: g, sex: '1', birth: bornAged(64, R), household: 14, labels: [{ code: 'low_income', since: today(), attributes: { monthlyAmount: 900 } }] },
    { grid: g, sex: '2', birth: bornAged(45, R), household: 15, labels: [{ code: 'low_income', since: addDays(period.start, 2), attributes: { monthlyAmount: 600 } }] },
    { grid: gridB, sex: '1', birth: bornAged(40, R), household: 20 },
    { grid: gridB, sex: '2', birth: bornAged(38, R), household: 20 },
    { grid: gridB, sex: '1', birth: bornAged(12, R), household: 20 },
    { grid: gridB, sex: '2', birth: bornAged(77, R), household: 21, labels: [{ code: 'elderly_alone' }], visits: [{ at: inPeriod }] },
    { grid: gridB, sex: '1', birth: bornAged(25, R), household: 22, residence: 'floating' },
    { grid: gridB, sex: '2', birth: bornAged(24, R), household: 22, residence: 'floating' },
    { grid: gridB, sex: '1', birth: bornAged(50, R), household: 23, labels: [{ code: 'low_income', attributes: { monthlyAmount: 760 } }] },
    { grid: gridB, sex: '2', birth: bornAged(48, R), household: 23 },
    { grid: gridB, sex: '1', birth: bornAged(85, R), household: 24, labels: [{ code: 'elderly_80' }] },
  ];
  await seedPeople(t, people);
  await seedPeople(t, [{ grid: other.grid, sex: '1', birth: '1950-01-01', household: 99, labels: [{ code: 'elderly_alone' }] }]);
  await t.built.modules.reports.service.submissions.sweep();
  const r = await t.call('GET', '/api/reports/due', { token: worker });
  expect(r.statusCode, r.body).toBe(200);
  dues = r.json().items;
});
afterAll(() => t.close());

const dueOf = (code: string) => dues.find((d) => d.templateCode === code)!;
const active = () => people.filter((p) => p.status !== 'moved_out');
const hasLabel = (p: Person, code: string, ref: string) => (p.labels ?? []).some((l) => l.code === code && (l.since ?? '2020-01-01') <= ref && (!l.until || l.until >= ref));

/** The population report's figures for a set of people, computed here in plain code. */
function expectedPopulation(ps: Person[], households: number) {
  const R = period.end;
  const total = ps.length;
  const age60 = ps.filter((p) => ageOn(p.birth, R) >= 60).length;
  return {
    households, total,
    male: ps.filter((p) => p.sex === '1').length, female: ps.filter((p) => p.sex === '2').length,
    registered: ps.filter((p) => (p.residence ?? 'registered') === 'registered').length, nonHukou: ps.filter((p) => p.residence === 'resident').length, floating: ps.filter((p) => p.residence === 'floating').length,
    age0to17: ps.filter((p) => ageOn(p.birth, R) <= 17).length, age18to59: ps.filter((p) => ageOn(p.birth, R) >= 18 && ageOn(p.birth, R) <= 59).length, age60plus: age60, age80plus: ps.filter((p) => ageOn(p.birth, R) >= 80).length,
    agedRate: total ? Math.round((age60 * 1000) / total) / 10 : null,
    births: ps.filter((p) => p.birth >= period.start && p.birth <= period.end).length,
    elderlyAlone: ps.filter((p) => hasLabel(p, 'elderly_alone', R)).length, lowIncome: ps.filter((p) => hasLabel(p, 'low_income', R)).length,
    extremePoverty: 0, disabled: ps.filter((p) => hasLabel(p, 'disabled', R)).length, leftBehind: 0, veteran: ps.filter((p) => hasLabel(p, 'veteran', R)).length, correction: 0, mental: 0,
  };
}

describe('due reports', () => {
  it('sends every approved template down to each community, due at least five days from now', async () => {
    expect(dues.map((d) => d.templateCode).sort()).toEqual(['elderly_alone_care', 'grid_worker_assessment', 'low_income_monthly', 'pop_monthly']);
    for (const d of dues) {
      expect(d.status).toBe('pending');
      expect(d.period).toBe(period.key);
      expect(d.deadline >= addDays(today(), 5)).toBe(true);
    }
    // Another community sees its own, never ours.
    const theirs = (await t.call('GET', '/api/reports/due', { token: otherWorker })).json().items as { id: number }[];
    expect(theirs).toHaveLength(4);
    expect(theirs.some((x) => dues.some((d) => d.id === x.id))).toBe(false);
  });

  it('puts the reports due on the community’s home page, and the cycle’s progress on the street’s', async () => {
    const home = (await t.call('GET', '/api/dashboard', { token: worker })).json();
    const tile = home.tiles.find((x: { key: string }) => x.key === 'reports.due');
    expect(tile.stats.find((s: { key: string }) => s.key === 'pending')).toMatchObject({ value: 4, link: '/reports' });
    const st = (await t.call('GET', '/api/dashboard', { token: street })).json();
    expect(st.tiles.find((x: { key: string }) => x.key === 'reports.progress').stats.find((s: { key: string }) => s.key === 'pending').value).toBe(4);
  });

  it('refuses another unit: other communities do not find the report, the street may not submit it', async () => {
    const due = dueOf('pop_monthly');
    expect((await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: otherWorker })).json().error.code).toBe('REPORT_DUE_NOT_FOUND');
    const s = await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: street });
    expect(s.statusCode).toBe(403);
    expect(s.json().error.code).toBe('REPORT_NOT_YOUR_UNIT');
  });
});

describe('the monthly population report', () => {
  it('computes every figure from base data, per grid and in total', async () => {
    const due = dueOf('pop_monthly');
    const r = await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker });
    expect(r.statusCode, r.body).toBe(200);
    const { result, digest } = r.json();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.referenceDate).toBe(period.end);
    const rows = result.rows as { key: string; headings: string[]; level: string; values: Record<string, number> }[];
    expect(rows.map((x) => x.level)).toEqual(['detail', 'detail', 'total']);
    const rowA = rows.find((x) => x.key === String(a.grid.id))!;
    const rowB = rows.find((x) => x.key === String(gridB.id))!;
    const total = rows.find((x) => x.level === 'total')!;
    expect(rowA.headings).toEqual([a.grid.name]);
    const inA = active().filter((p) => p.grid.id === a.grid.id);
    const inB = active().filter((p) => p.grid.id === gridB.id);
    expect(rowA.values).toEqual(expectedPopulation(inA, 15));
    expect(rowB.values).toEqual(expectedPopulation(inB, 5));
    expect(total.values).toEqual(expectedPopulation(active(), 20));
    // 21 computed columns and one item by hand.
    expect(result.columns.filter((c: { computed: boolean }) => c.computed)).toHaveLength(21);
    expect(result.manualFields.map((m: { key: string }) => m.key)).toEqual(['remarks']);
  });

  it('refuses a hand-entered item of the wrong type, naming it', async () => {
    const due = dueOf('pop_monthly');
    const r = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { remarks: 12 } } } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'REPORT_MANUAL_INVALID', field: 'manual.report.remarks' });
    expect(r.json().error.message).toContain('情况说明');
    const unknown = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { births: 3 } } } });
    expect(unknown.json().error).toMatchObject({ code: 'REPORT_MANUAL_INVALID', field: 'manual.report.births' });
    expect((await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().status).toBe('pending');
  });

  it('submits once: a second submission answers with the first, and the figures are frozen', async () => {
    const due = dueOf('pop_monthly');
    const preview = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    const first = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { remarks: '本月无特殊情况' } }, previewDigest: preview.digest } });
    expect(first.statusCode, first.body).toBe(201);
    const again = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: { remarks: '重复点击' } } } });
    expect(again.statusCode).toBe(200);
    expect(again.json().alreadySubmitted).toBe(true);
    expect(again.json().submission.id).toBe(first.json().submission.id);
    const [{ n }] = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM report_submission WHERE due_id = ${due.id}`);
    expect(n).toBe(1);
    const sub = first.json().submission;
    expect(sub.manual.report.remarks).toBe('本月无特殊情况');
    expect(sub.protected).toBe(false);

    // Base data changes afterwards; the submission does not.
    await seedPeople(t, [{ grid: a.grid, sex: '1', birth: '1990-01-01', household: 16 }]);
    const later = (await t.call('GET', `/api/reports/submissions/${sub.id}`, { token: worker })).json();
    expect(later.result.rows).toEqual(sub.result.rows);
    expect(later.digest).toBe(preview.digest);
    const status = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json();
    expect(status).toMatchObject({ status: 'submitted', submissionId: sub.id, late: false });
  });

  it('refuses a submission whose figures changed since the preview', async () => {
    const due = dueOf('low_income_monthly');
    const preview = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    await seedPeople(t, [{ grid: gridB, sex: '2', birth: '1970-03-03', household: 25, labels: [{ code: 'low_income', attributes: { monthlyAmount: 700 } }] }]);
    const r = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { previewDigest: preview.digest } });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('REPORT_PREVIEW_STALE');
    people.push({ grid: gridB, sex: '2', birth: '1970-03-03', household: 25, labels: [{ code: 'low_income', attributes: { monthlyAmount: 700 } }] });
  });

  it('corrects a submission as a new version with a reason; the first stays', async () => {
    const due = dueOf('pop_monthly');
    const current = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json();
    const noReason = await t.call('POST', `/api/reports/submissions/${current.submissionId}/corrections`, { token: worker, body: { reason: '' } });
    expect(noReason.statusCode).toBe(400);
    const c = await t.call('POST', `/api/reports/submissions/${current.submissionId}/corrections`, { token: worker, body: { reason: '补录漏登居民一名', manual: { report: { remarks: '补录' } } } });
    expect(c.statusCode, c.body).toBe(201);
    const v2 = c.json();
    expect(v2.version).toBe(2);
    const totalV2 = v2.result.rows.find((x: { level: string }) => x.level === 'total').values.total;
    expect(totalV2).toBe(active().length + 1);
    const versions = (await t.call('GET', `/api/reports/submissions/${v2.id}/versions`, { token: worker })).json();
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[2, 'current'], [1, 'superseded']]);
    expect(versions[0].reason).toBe('补录漏登居民一名');
    people.push({ grid: a.grid, sex: '1', birth: '1990-01-01', household: 16 });
  });
});

describe('departments read the same submission', () => {
  it('serves every entitled department without asking again, with small counts protected', async () => {
    const due = dueOf('pop_monthly');
    const list = (await t.call('GET', '/api/reports/submissions?templateCode=pop_monthly', { token: minzheng })).json();
    expect(list.items.map((i: { dueId: number }) => i.dueId)).toContain(due.id);
    const subId = list.items.find((i: { dueId: number }) => i.dueId === due.id).id;
    const view = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: minzheng })).json();
    expect(view.protected).toBe(true);
    const rowA = view.result.rows.find((x: { key: string }) => x.key === String(a.grid.id));
    const R = period.end;
    const lowA = active().filter((p) => p.grid.id === a.grid.id && hasLabel(p, 'low_income', R)).length;
    expect(lowA).toBeGreaterThan(0);
    expect(lowA).toBeLessThan(5);
    expect(rowA.values.lowIncome).toBeNull();
    expect(view.result.suppressed).toContain(`${a.grid.id}::lowIncome`);
    // Figures of five and more stay.
    expect(rowA.values.total).toBeGreaterThanOrEqual(5);
    // The community itself sees every figure.
    const own = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: worker })).json();
    expect(own.protected).toBe(false);
    expect(own.result.rows.find((x: { key: string }) => x.key === String(a.grid.id)).values.lowIncome).toBe(lowA);
    // The street reads it too, protected: it leaves the community.
    const st = (await t.call('GET', `/api/reports/submissions/${subId}`, { token: street })).json();
    expect(st.protected).toBe(true);
  });

  it('does not show a department reports of templates that do not serve it', async () => {
    const list = (await t.call('GET', '/api/reports/submissions', { token: justice })).json();
    expect(list.items).toEqual([]);
    const due = dueOf('pop_monthly');
    const subId = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    expect((await t.call('GET', `/api/reports/submissions/${subId}`, { token: justice })).json().error.code).toBe('REPORT_SUBMISSION_NOT_FOUND');
  });

  it('puts every unit side by side for the period, with who has not reported', async () => {
    const c = await t.call('GET', `/api/reports/consolidated?templateCode=pop_monthly&period=${period.key}`, { token: minzheng });
    expect(c.statusCode, c.body).toBe(200);
    const body = c.json();
    const mine = body.rows.find((r: { unit: { id: number } }) => r.unit.id === a.community.id);
    const theirs = body.rows.find((r: { unit: { id: number } }) => r.unit.id === other.community.id);
    expect(mine.status).toBe('submitted');
    expect(mine.values.total).toBe(active().length);
    expect(theirs.status).toBe('pending');
    expect(body.summary).toMatchObject({ submitted: 1, pending: 1 });
    expect(body.total.total).toBe(active().length);
  });
});

describe('drill-down', () => {
  it('lists the people behind a figure for the community, masked, and logs the read', async () => {
    const due = dueOf('pop_monthly');
    const subId = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    const r = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=${a.grid.id}&column=elderlyAlone`, { token: worker });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const expected = active().filter((p) => p.grid.id === a.grid.id && hasLabel(p, 'elderly_alone', period.end));
    expect(body.total).toBe(expected.length);
    expect(body.items).toHaveLength(expected.length);
    for (const item of body.items) {
      expect(item.fields.labels).toContain('独居老人');
      expect(String(item.fields.idNumber)).toMatch(/\*{6,}/);
    }
    const audit = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'resident.list' AND detail->>'filter' LIKE '%pop_monthly%'`);
    expect(audit[0]!.n).toBeGreaterThan(0);
  });

  it('lets a department list only what its grants show, with a stated purpose, and never a protected figure', async () => {
    const due = dueOf('pop_monthly');
    const subId = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    const noReason = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=*&column=elderlyAlone`, { token: minzheng });
    expect(noReason.json().error.code).toBe('REPORT_REASON_REQUIRED');
    const ok = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=*&column=elderlyAlone&reason=${encodeURIComponent('独居老人关爱核查')}`, { token: minzheng });
    expect(ok.statusCode, ok.body).toBe(200);
    const items = ok.json().items as { fields: Record<string, unknown> }[];
    expect(items.length).toBe(active().filter((p) => hasLabel(p, 'elderly_alone', period.end)).length);
    expect(items[0]!.fields.phone).toBeUndefined();
    expect(items[0]!.fields.occupation).toBeUndefined();
    // Everyone counted in the total (not all are granted to 民政): only the people its grant covers
    // (those carrying one of its labels today, the registry's rule) are listed.
    const all = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=*&column=total&reason=${encodeURIComponent('核查')}`, { token: minzheng });
    const granted = active().filter((p) => ['low_income', 'extreme_poverty', 'elderly_alone'].some((c) => hasLabel(p, c, today())));
    expect(all.json().total).toBe(granted.length);
    expect(all.json().note.zh).toContain('您的授权范围内');
    const suppressed = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=${a.grid.id}&column=lowIncome&reason=${encodeURIComponent('核查')}`, { token: minzheng });
    expect(suppressed.statusCode).toBe(403);
    expect(suppressed.json().error.code).toBe('REPORT_CELL_SUPPRESSED');
    // The reviewer reads reports but not people.
    const rv = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=*&column=total&reason=x`, { token: reviewer });
    expect(rv.json().error.code).toBe('REPORT_DRILL_NOT_ALLOWED');
  });

  it('says so when base data changed since the submission', async () => {
    const due = dueOf('pop_monthly');
    const sub = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    await seedPeople(t, [{ grid: a.grid, sex: '2', birth: '1991-02-02', household: 17 }]);
    const r = (await t.call('GET', `/api/reports/submissions/${sub}/drill?row=${a.grid.id}&column=total`, { token: worker })).json();
    expect(r.total).toBe(r.value + 1);
    expect(r.note.zh).toContain('报送时为');
    people.push({ grid: a.grid, sex: '2', birth: '1991-02-02', household: 17 });
  });
});

describe('other built-in reports', () => {
  it('counts elderly people living alone and their visits', async () => {
    const due = dueOf('elderly_alone_care');
    const { result } = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    const R = period.end;
    const endTs = at(addDays(R, 1), 0).getTime();
    const startTs = at(period.start, 0).getTime();
    const check = (grid: TreeNode | null) => {
      const ps = active().filter((p) => (!grid || p.grid.id === grid.id) && hasLabel(p, 'elderly_alone', R));
      const last = (p: Person) => Math.max(...(p.visits ?? []).map((v) => v.at.getTime()).filter((x) => x < endTs), -Infinity);
      const visited = ps.filter((p) => last(p) >= startTs).length;
      return {
        alone: ps.length, alone80: ps.filter((p) => ageOn(p.birth, R) >= 80).length, visitedInMonth: visited,
        visits: ps.flatMap((p) => p.visits ?? []).filter((v) => v.at.getTime() >= startTs && v.at.getTime() < endTs).length,
        coverage: ps.length ? Math.round((visited * 1000) / ps.length) / 10 : null,
        over30: ps.filter((p) => last(p) < endTs - 30 * 86_400_000).length, never: ps.filter((p) => !(p.visits ?? []).length).length,
      };
    };
    const rowA = result.rows.find((x: { key: string }) => x.key === String(a.grid.id));
    expect(rowA.values).toMatchObject(check(a.grid));
    expect(rowA.values.oldestVisit).toBe(addDays(R, -40));
    expect(result.rows.find((x: { level: string }) => x.level === 'total').values).toMatchObject(check(null));
  });

  it('counts low-income people, households, allowances and this month’s changes from 民政’s labels', async () => {
    const due = dueOf('low_income_monthly');
    const { result } = (await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker })).json();
    const R = period.end;
    const check = (grid: TreeNode) => {
      const ps = active().filter((p) => p.grid.id === grid.id && hasLabel(p, 'low_income', R));
      const amounts = ps.map((p) => p.labels!.find((l) => l.code === 'low_income')!.attributes!.monthlyAmount as number);
      return {
        persons: ps.length, households: new Set(ps.map((p) => p.household)).size, amount: amounts.reduce((x, y) => x + y, 0),
        avgAmount: ps.length ? Math.round(amounts.reduce((x, y) => x + y, 0) / ps.length) : null,
        added: ps.filter((p) => (p.labels!.find((l) => l.code === 'low_income')!.since ?? '2020-01-01') >= period.start).length, ended: 0, extreme: 0,
      };
    };
    expect(result.rows.find((x: { key: string }) => x.key === String(a.grid.id)).values).toEqual(check(a.grid));
    expect(result.rows.find((x: { key: string }) => x.key === String(gridB.id)).values).toEqual(check(gridB));
  });

  it('builds the grid-worker assessment sheet from visits and record reviews', async () => {
    const due = dueOf('grid_worker_assessment');
    const r = await t.call('POST', `/api/reports/due/${due.id}/preview`, { token: worker });
    expect(r.statusCode, r.body).toBe(200);
    const { result } = r.json();
    const rowA = result.rows.find((x: { key: string }) => x.key === String(a.grid.id));
    const startTs = at(period.start, 0).getTime();
    const endTs = at(addDays(period.end, 1), 0).getTime();
    const visitsA = active().filter((p) => p.grid.id === a.grid.id).flatMap((p) => p.visits ?? []).filter((v) => v.at.getTime() >= startTs && v.at.getTime() < endTs);
    expect(rowA.values.visits).toBe(visitsA.length);
    expect(rowA.values.careVisits).toBe(visitsA.filter((v) => (v.kind ?? 'care') === 'care').length);
    const [{ n }] = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM record_review WHERE grid_id = ${a.grid.id} AND owner = 'community'`);
    expect(rowA.values.reviews).toBe(n);
    expect(rowA.values.fresh + rowA.values.stale).toBe(n);
    // No column for events or alerts until those records exist.
    expect(result.columns.map((c: { key: string }) => c.key)).not.toContain('events');
    expect(result.columns.find((c: { key: string }) => c.key === 'otherWork').computed).toBe(false);
  });
});

describe('outputs', () => {
  it('downloads Excel shaped like the official form whose figures match the database', async () => {
    const due = dueOf('pop_monthly');
    const subId = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    const r = await t.call('GET', `/api/reports/submissions/${subId}/export?format=xlsx`, { token: worker });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').text).toBe('社区人口及重点人群月报表');
    expect(ws.getCell('A2').text).toContain(a.community.name);
    expect(ws.getCell('A3').text).toContain(`${Number(period.key.slice(0, 4))}年${Number(period.key.slice(5))}月`);
    // Merged group headings over the columns, units in the headings.
    const headings: string[] = [];
    ws.getRow(5).eachCell((c) => headings.push(c.text));
    expect(headings).toContain('男（人）');
    expect(ws.getCell('C4').text).toBe('基本情况');
    expect(ws.getCell('C4').isMerged).toBe(true);
    // The grid row's population against the database as it stood (the report was frozen before later additions).
    let gridRow = 0;
    ws.eachRow((row, i) => {
      if (row.getCell(1).text === a.grid.name) gridRow = i;
    });
    expect(gridRow).toBeGreaterThan(5);
    const totalCol = headings.indexOf('实有人口（人）') + 1;
    const [{ n }] = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM resident r WHERE r.grid_id = ${a.grid.id} AND r.status = 'active' AND r.created_at <= (SELECT submitted_at FROM report_submission WHERE id = ${subId})`);
    expect(ws.getRow(gridRow).getCell(totalCol).value).toBe(n);
    let signOff = '';
    ws.eachRow((row) => {
      if (row.getCell(1).text.startsWith('单位负责人')) signOff = row.getCell(1).text;
    });
    expect(signOff).toContain('填报人');
  });

  it('protects small counts in a department’s download, and gives CSV, JSON and PDF', async () => {
    const due = dueOf('pop_monthly');
    const subId = (await t.call('GET', `/api/reports/due/${due.id}`, { token: worker })).json().submissionId;
    const csv = await t.call('GET', `/api/reports/submissions/${subId}/export?format=csv`, { token: minzheng });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('<5');
    expect(csv.body.split('\r\n')[0]).toContain('重点人群-低保对象（人）');
    const json = await t.call('GET', `/api/reports/submissions/${subId}/export?format=json`, { token: worker });
    expect(JSON.parse(json.body).result.rows.length).toBe(3);
    const pdf = await t.call('GET', `/api/reports/submissions/${subId}/export?format=pdf`, { token: worker });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const exports = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE category = 'export' AND action = 'report.export'`);
    expect(exports[0]!.n).toBeGreaterThanOrEqual(3);
  });
});

describe('submitting at the same moment', () => {
  it('makes one submission of two requests sent together', async () => {
    const due = ((await t.call('GET', '/api/reports/due?templateCode=low_income_monthly', { token: otherWorker })).json().items as { id: number }[])[0]!;
    const [x, y] = await Promise.all([
      t.call('POST', `/api/reports/due/${due.id}/submit`, { token: otherWorker, body: {} }),
      t.call('POST', `/api/reports/due/${due.id}/submit`, { token: otherWorker, body: {} }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 201]);
    expect(x.json().submission.id).toBe(y.json().submission.id);
    const [{ n }] = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM report_submission WHERE due_id = ${due.id}`);
    expect(n).toBe(1);
  });
});

describe('deadlines and reminders', () => {
  it('reminds three days before the deadline, then marks missed reports overdue', async () => {
    const svc = t.built.modules.reports.service.submissions;
    const pending = (await t.call('GET', '/api/reports/due?status=pending', { token: otherWorker })).json().items as { id: number; deadline: string }[];
    expect(pending.length).toBeGreaterThan(0);
    const deadline = pending[0]!.deadline;
    await svc.sweep(at(addDays(deadline, -2)));
    let mine = (await t.call('GET', `/api/reports/due/${pending[0]!.id}`, { token: otherWorker })).json();
    expect(mine).toMatchObject({ status: 'pending', reminders: 1 });
    await svc.sweep(at(addDays(deadline, 1)));
    mine = (await t.call('GET', `/api/reports/due/${pending[0]!.id}`, { token: otherWorker })).json();
    expect(mine).toMatchObject({ status: 'overdue', reminders: 2 });
    // A sweep again changes nothing.
    await svc.sweep(at(addDays(deadline, 1)));
    expect((await t.call('GET', `/api/reports/due/${pending[0]!.id}`, { token: otherWorker })).json().reminders).toBe(2);
    // The submitted report of our community is not touched.
    expect((await t.call('GET', `/api/reports/due/${dueOf('pop_monthly').id}`, { token: worker })).json().status).toBe('submitted');
  });
});
