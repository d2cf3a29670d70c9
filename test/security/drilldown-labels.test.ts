// Labels outside a department's grant never reach it: a 民政 drill-down once listed 残疾人 on a
// resident whose card showed 民政 only 独居老人. Every place that shows a resident's labels to a
// department (report drill-down, look-up, card, export of a department, dashboard) follows the
// same rule: a label shows when a grant that covers that resident names it (in its labels or as a
// "label:<code>" read field).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { bornAged, seedPeople, type Person } from '../reports/seed.js';

let t: TestApp;
let a: Subtree;
let worker: string;
let minzheng: string;
let plain: string;
let subId: number;
let residentIds: number[];
let period: { key: string; start: string; end: string };

function lastMonth() {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return { key: `${py}-${String(pm).padStart(2, '0')}`, start: `${py}-${String(pm).padStart(2, '0')}-01`, end: new Date(Date.UTC(py, pm, 0)).toISOString().slice(0, 10) };
}

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  const tree = t.built.modules.tree.service;
  const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
  const hr = await tree.createDepartment({ code: 'human_resources', name: '太原市人社局', shortName: '人社', nodeId: a.city.id }, systemContext('test'));
  const grants = t.built.modules.registry.service.grants;
  // The demo's 民政 grant: people carrying its labels, and those labels readable.
  await grants.create(systemContext('test'), {
    departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income', 'extreme_poverty', 'elderly_alone'],
    readFields: ['name', 'sex', 'birthDate', 'idNumber', 'address', 'label:low_income', 'label:extreme_poverty', 'label:elderly_alone'], purpose: '低保动态管理与独居老人关爱',
  });
  // A grant over everyone in the city that names no label at all: names, no labels.
  await grants.create(systemContext('test'), { departmentId: hr.id, recordKind: 'resident', nodeId: a.city.id, readFields: ['name', 'sex'], purpose: '就业服务' });
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  plain = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: hr.id })).token;
  period = lastMonth();
  const R = period.end;
  const people: Person[] = [];
  // Six elderly people living alone (enough for the figure to be shown above the community);
  // the first also carries 残疾人 and 严重精神障碍, which 民政 has no grant for.
  for (let i = 0; i < 6; i++) {
    people.push({
      grid: a.grid, sex: i % 2 ? '2' : '1', birth: bornAged(70 + i, R), household: i + 1,
      labels: [{ code: 'elderly_alone' }, ...(i === 0 ? [{ code: 'disabled', attributes: { category: '1', grade: '2' } }, { code: 'severe_mental' }] : [])],
    });
  }
  residentIds = (await seedPeople(t, people)).residentIds;
  await t.built.modules.reports.service.submissions.sweep();
  const due = (await t.call('GET', '/api/reports/due', { token: worker })).json().items.find((d: { templateCode: string }) => d.templateCode === 'pop_monthly');
  const sub = await t.call('POST', `/api/reports/due/${due.id}/submit`, { token: worker, body: { manual: { report: {} } } });
  expect(sub.statusCode, sub.body).toBe(201);
  subId = sub.json().submission.id;
});
afterAll(() => t.close());

describe('labels outside the grant', () => {
  it('are not listed in a department’s report drill-down', async () => {
    const r = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=${a.grid.id}&column=elderlyAlone&reason=${encodeURIComponent('独居老人关爱核查')}`, { token: minzheng });
    expect(r.statusCode, r.body).toBe(200);
    const first = (r.json().items as { id: number; fields: { labels: string[] } }[]).find((i) => i.id === residentIds[0]);
    expect(first).toBeDefined();
    expect(first!.fields.labels).toContain('独居老人');
    expect(first!.fields.labels).not.toContain('残疾人');
    expect(first!.fields.labels).not.toContain('严重精神障碍患者');
  });

  it('match what the card and the look-up show', async () => {
    const card = (await t.call('GET', `/api/residents/${residentIds[0]}?reason=${encodeURIComponent('关爱核查')}`, { token: minzheng })).json();
    expect(card.labels.map((l: { code: string }) => l.code).sort()).toEqual(['elderly_alone']);
    expect(card.resident.labels ?? []).toEqual([]);
    const found = (await t.call('POST', '/api/lookup/residents', { token: minzheng, body: { name: card.resident.name, reason: '关爱核查' } })).json();
    const hit = found.find((x: { id: number }) => x.id === residentIds[0]);
    expect(hit.labels.map((l: { code: string }) => l.code)).toEqual(['elderly_alone']);
  });

  it('stay hidden from a grant that names no label', async () => {
    const card = (await t.call('GET', `/api/residents/${residentIds[0]}?reason=${encodeURIComponent('就业服务')}`, { token: plain })).json();
    expect(card.resident.name).toBeTruthy();
    expect(card.labels).toEqual([]);
    const found = (await t.call('POST', '/api/lookup/residents', { token: plain, body: { name: card.resident.name, reason: '就业服务' } })).json();
    expect(found.find((x: { id: number }) => x.id === residentIds[0]).labels).toEqual([]);
    // A department is refused the change history outright (decision 0025), so no label's
    // name can reach it through the fields a change touched.
    const history = await t.call('GET', `/api/residents/${residentIds[0]}/history`, { token: plain });
    expect(history.statusCode, history.body).toBe(403);
    expect(history.json().error.code).toBe('HISTORY_NOT_GRANTED');
    expect(history.body).not.toContain('label:');
  });

  it('are left out of the department’s dashboard counts', async () => {
    const r = await t.call('GET', `/api/dashboard?nodeId=${a.community.id}`, { token: minzheng });
    expect(r.statusCode, r.body).toBe(200);
    const tile = (r.json().tiles as { key: string; series?: { key: string }[] }[]).find((x) => x.key === 'registry.labels');
    const keys = (tile?.series ?? []).map((s) => s.key);
    expect(keys).toContain('elderly_alone');
    expect(keys).not.toContain('disabled');
    expect(keys).not.toContain('severe_mental');
  });

  it('are still all shown to the community', async () => {
    const card = (await t.call('GET', `/api/residents/${residentIds[0]}`, { token: worker })).json();
    expect(card.labels.map((l: { code: string }) => l.code).sort()).toEqual(['disabled', 'elderly_alone', 'severe_mental']);
    const r = await t.call('GET', `/api/reports/submissions/${subId}/drill?row=${a.grid.id}&column=elderlyAlone`, { token: worker });
    const first = (r.json().items as { id: number; fields: { labels: string[] } }[]).find((i) => i.id === residentIds[0]);
    expect(first!.fields.labels).toEqual(expect.arrayContaining(['独居老人', '残疾人']));
  });
});
