// Labels a department keeps (低保 by 民政, 退役军人 by 退役军人事务, 残疾人 by 残联): what a
// community knows of them becomes a proposal to the department, never a write. The department
// confirms (the label is written through the normal label write, as the department: a version,
// the history, the audit) or rejects with a reason; the community sees the outcome.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { systemContext } from '../../src/platform/context.js';
import { importFile, simpleXlsx } from '../exchange/helpers.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { idNumber } from '../support/people.js';

let t: TestApp;
let a: Subtree;
let b: Subtree;
let worker: string;
let otherWorker: string;
let minzheng: string;
let veterans: string;
let health: string;

beforeAll(async () => {
  t = await testApp();
  a = await makeSubtree(t);
  b = await makeSubtree(t);
  worker = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
  otherWorker = (await loginAs(t, { role: 'community_worker', node: b.community })).token;
  const tree = t.built.modules.tree.service;
  const ctx = systemContext('test');
  const civil = await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, ctx);
  const vet = await tree.createDepartment({ code: 'veterans_affairs', name: '太原市退役军人事务局', shortName: '退役军人事务', nodeId: a.city.id }, ctx);
  const hea = await tree.createDepartment({ code: 'health', name: '太原市卫生健康委员会', shortName: '卫健', nodeId: a.city.id }, ctx);
  const grants = t.built.modules.registry.service.grants;
  // As the demo city grants them: limited to the people who carry the labels.
  await grants.create(ctx, { departmentId: civil.id, recordKind: 'resident', nodeId: a.city.id, labels: ['low_income'], readFields: ['name', 'sex', 'birthDate', 'idNumber', 'address', 'label:low_income'], writeFields: ['label:low_income'], purpose: '低保动态管理' });
  await grants.create(ctx, { departmentId: vet.id, recordKind: 'resident', nodeId: a.city.id, labels: ['veteran'], readFields: ['name', 'sex', 'birthDate', 'label:veteran'], writeFields: ['label:veteran'], purpose: '退役军人服务保障' });
  await grants.create(ctx, { departmentId: hea.id, recordKind: 'resident', nodeId: a.city.id, labels: ['elderly_alone'], readFields: ['name', 'label:elderly_alone'], purpose: '健康随访' });
  minzheng = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civil.id })).token;
  veterans = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: vet.id })).token;
  health = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: hea.id })).token;
});
afterAll(() => t.close());

async function residentId(name: string, token = worker): Promise<number> {
  return (await t.call('GET', `/api/residents?q=${encodeURIComponent(name)}`, { token })).json().items[0].id;
}

async function labelsOf(id: number): Promise<string[]> {
  return (await queryRows<{ c: string }>(t.built.platform.db, sql`SELECT label_code AS c FROM resident_label WHERE resident_id = ${id} AND (until IS NULL OR until >= CURRENT_DATE) ORDER BY 1`)).map((r) => r.c);
}

describe('proposals from an import', () => {
  const ids = { low: idNumber({ birth: '1958-04-04' }), vet: idNumber({ birth: '1950-05-05' }), both: idNumber({ birth: '1948-06-06' }) };
  let importId: number;

  beforeAll(async () => {
    const r = await importFile(t, worker, '花名册.xlsx', await simpleXlsx([
      ['姓名', '身份证号', '重点人群', '是否低保'],
      ['低保甲', ids.low, '低保户', ''],
      ['老兵乙', ids.vet, '退役军人、独居老人', ''],
      ['双标丙', ids.both, '', '是'],
    ]), { query: { defaultGridId: a.grid.id } });
    importId = r.view.id;
    expect(r.view.counts).toMatchObject({ created: 3, failed: 0, warned: 3, proposed: 3 });
  });

  it('writes none of the department labels, and tells the row so', async () => {
    expect(await labelsOf(await residentId('低保甲'))).toEqual([]);
    expect(await labelsOf(await residentId('老兵乙'))).toEqual(['elderly_alone']);
    const issues = (await t.call('GET', `/api/imports/${importId}/issues`, { token: worker })).json().items;
    expect(issues[0].reasons[0]).toMatchObject({ column: '重点人群', severity: 'warning', message: '标签“低保对象”由民政部门维护，已提交民政部门确认（确认后生效）' });
    expect(issues[2].reasons[0]).toMatchObject({ column: '是否低保' });
  });

  it('shows the community its proposals with their status and evidence', async () => {
    const r = await t.call('GET', '/api/label-proposals', { token: worker });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Record<string, any>[];
    expect(items).toHaveLength(3);
    const low = items.find((i) => i.resident.name === '低保甲')!;
    expect(low).toMatchObject({ status: 'pending', statusName: '待确认', label: { code: 'low_income', name: '低保对象' }, ownerName: '民政', source: 'import', evidence: { importId, fileName: '花名册.xlsx', rowNo: 2, column: '重点人群', text: '低保户' } });
    expect(low.resident.idNumber).toMatch(/^\d{3}\*+\d{3}[\dX]$/);
    // Another community sees none of them.
    expect((await t.call('GET', '/api/label-proposals', { token: otherWorker })).json().total).toBe(0);
  });

  it('puts each proposal in the queue of the department that keeps the label, and only there', async () => {
    const q = (await t.call('GET', '/api/label-proposals?status=pending', { token: minzheng })).json();
    expect(q.items.map((i: { resident: { name: string } }) => i.resident.name).sort()).toEqual(['低保甲', '双标丙']);
    // The person is not a 低保 recipient yet, and still reaches 民政's queue with the fields its grant reads.
    expect(q.items[0].resident).toMatchObject({ name: expect.any(String), idNumber: expect.stringContaining('*') });
    expect(q.items[0].resident.phone).toBeUndefined();
    const vq = (await t.call('GET', '/api/label-proposals', { token: veterans })).json();
    expect(vq.items.map((i: { resident: { name: string } }) => i.resident.name)).toEqual(['老兵乙']);
    expect(vq.items[0].resident.idNumber).toBeUndefined();
    expect((await t.call('GET', '/api/label-proposals', { token: health })).json().total).toBe(0);
    // Reading the queue is on each person's access trail.
    const trail = await queryRows<{ n: number }>(t.built.platform.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'label_proposal.read' AND subject_id = ${await residentId('低保甲')}`);
    expect(trail[0]!.n).toBeGreaterThan(0);
  });

  it('confirming writes the label as the department, with a version, history and audit; the community sees it confirmed', async () => {
    const low = (await t.call('GET', '/api/label-proposals?code=low_income', { token: minzheng })).json().items.find((i: { resident: { name: string } }) => i.resident.name === '低保甲');
    // The community cannot decide, and neither can a department that does not keep the label.
    expect((await t.call('POST', `/api/label-proposals/${low.id}/confirm`, { token: worker, body: {} })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/label-proposals/${low.id}/confirm`, { token: veterans, body: {} })).statusCode).toBe(404);
    const ok = await t.call('POST', `/api/label-proposals/${low.id}/confirm`, { token: minzheng, body: { reason: '经核对，已纳入城市低保', since: '2024-02-01', attributes: { monthlyAmount: 760 } } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().proposal).toMatchObject({ status: 'confirmed', decisionReason: '经核对，已纳入城市低保' });
    const id = await residentId('低保甲');
    expect(await labelsOf(id)).toEqual(['low_income']);
    const label = (await queryRows<{ source: string; since: string; attributes: Record<string, unknown> }>(t.built.platform.db, sql`SELECT source, since::text, attributes FROM resident_label WHERE resident_id = ${id}`))[0]!;
    expect(label).toMatchObject({ source: 'department', since: '2024-02-01', attributes: { monthlyAmount: 760 } });
    const hist = (await t.call('GET', `/api/residents/${id}/history`, { token: worker })).json();
    expect(hist[0]).toMatchObject({ operation: 'label', source: 'department', changedFields: ['label:low_income'] });
    expect(hist[0].reason).toContain(`标签提议 #${low.id}`);
    expect(hist[0].reason).toContain('花名册.xlsx 第 2 行');
    const audit = await queryRows<{ action: string }>(t.built.platform.db, sql`SELECT action FROM audit_log WHERE subject_id = ${id} AND category = 'write' ORDER BY id`);
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['label_proposal.create', 'resident.label', 'label_proposal.confirm']));
    const seen = (await t.call('GET', `/api/label-proposals?residentId=${id}`, { token: worker })).json().items[0];
    expect(seen).toMatchObject({ status: 'confirmed', statusName: '已确认', decidedBy: expect.any(String) });
    expect((await t.call('POST', `/api/label-proposals/${low.id}/reject`, { token: minzheng, body: { reason: '再试一次' } })).json().error.code).toBe('PROPOSAL_STATE');
  });

  it('rejecting needs a reason, writes nothing, and the community reads the reason', async () => {
    const vet = (await t.call('GET', '/api/label-proposals', { token: veterans })).json().items[0];
    expect((await t.call('POST', `/api/label-proposals/${vet.id}/reject`, { token: veterans, body: {} })).statusCode).toBe(400);
    const r = await t.call('POST', `/api/label-proposals/${vet.id}/reject`, { token: veterans, body: { reason: '未查到退役登记信息' } });
    expect(r.statusCode).toBe(200);
    const id = await residentId('老兵乙');
    expect(await labelsOf(id)).toEqual(['elderly_alone']);
    const seen = (await t.call('GET', `/api/label-proposals?residentId=${id}`, { token: worker })).json().items[0];
    expect(seen).toMatchObject({ status: 'rejected', decisionReason: '未查到退役登记信息' });
  });

  it('importing the same register again proposes nothing new', async () => {
    const before = (await t.call('GET', '/api/label-proposals', { token: worker })).json().total;
    const r = await importFile(t, worker, '花名册.xlsx', await simpleXlsx([['姓名', '身份证号', '重点人群', '是否低保'], ['低保甲', ids.low, '低保户', ''], ['老兵乙', ids.vet, '退役军人、独居老人', ''], ['双标丙', ids.both, '', '是']]), { query: { defaultGridId: a.grid.id } });
    expect(r.view.counts).toMatchObject({ unchanged: 3, proposed: 0 });
    expect((await t.call('GET', '/api/label-proposals', { token: worker })).json().total).toBe(before);
  });

  it('an import from the command line proposes too: nothing is applied without the owner', async () => {
    const exchange = t.built.modules.exchange.service.imports;
    const ctx = systemContext('cli', a.community.path);
    const { Readable } = await import('node:stream');
    const up = await exchange.upload(ctx, { filename: 'cli.xlsx', stream: Readable.from(await simpleXlsx([['姓名', '身份证号', '重点人群'], ['命令丁', idNumber(), '残疾人']])) }, { kind: 'resident', nodeId: a.community.id, defaultGridId: a.grid.id });
    await exchange.start(ctx, up.id, {});
    await exchange.run(up.id);
    expect((await exchange.get(ctx, up.id)).counts).toMatchObject({ created: 1, proposed: 1 });
    expect(await labelsOf(await residentId('命令丁'))).toEqual([]);
  });
});

describe('proposals by hand (the resident card)', () => {
  it('proposes a department label with a note, once; refuses a label the community keeps itself', async () => {
    const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '手工戊', idNumber: idNumber({ birth: '1955-01-01' }) } });
    const id = r.json().id;
    const made = await t.call('POST', '/api/label-proposals', { token: worker, body: { residentId: id, code: 'veteran', note: '本人出示了退伍证，走访时核实' } });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ status: 'pending', source: 'manual', note: '本人出示了退伍证，走访时核实', ownerName: '退役军人事务' });
    const twice = await t.call('POST', '/api/label-proposals', { token: worker, body: { residentId: id, code: 'veteran', note: '再提一次' } });
    expect(twice.json().error.code).toBe('PROPOSAL_OPEN');
    const own = await t.call('POST', '/api/label-proposals', { token: worker, body: { residentId: id, code: 'elderly_alone', note: '独居' } });
    expect(own.json().error).toMatchObject({ code: 'PROPOSAL_NOT_NEEDED', message: '标签“独居老人”由社区维护，请直接添加，无需提交部门' });
    // A department may not propose; another community cannot reach the person.
    expect((await t.call('POST', '/api/label-proposals', { token: otherWorker, body: { residentId: id, code: 'disabled', note: '残疾' } })).statusCode).toBe(404);
    expect((await t.call('POST', '/api/label-proposals', { token: minzheng, body: { residentId: id, code: 'low_income', note: '低保' } })).statusCode).toBe(403);
  });

  it('lets the community withdraw a proposal still waiting', async () => {
    const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '撤回己', idNumber: idNumber() } });
    const p = (await t.call('POST', '/api/label-proposals', { token: worker, body: { residentId: r.json().id, code: 'low_income', note: '邻居反映' } })).json();
    const w = await t.call('POST', `/api/label-proposals/${p.id}/withdraw`, { token: worker, body: { reason: '登记错了人' } });
    expect(w.json()).toMatchObject({ status: 'withdrawn', decisionReason: '登记错了人' });
    expect((await t.call('GET', '/api/label-proposals?status=pending', { token: minzheng })).json().items.find((i: { id: number }) => i.id === p.id)).toBeUndefined();
  });

  it('closes a waiting proposal when the department writes the label itself', async () => {
    const r = await t.call('POST', '/api/residents', { token: worker, body: { gridId: a.grid.id, name: '直写庚', idNumber: idNumber() } });
    const id = r.json().id;
    const p = (await t.call('POST', '/api/label-proposals', { token: worker, body: { residentId: id, code: 'low_income', note: '申请中' } })).json();
    await t.built.modules.registry.service.labels.set(systemContext('test-department'), id, { code: 'low_income', since: '2024-03-01' }, { reason: '民政系统同步' });
    const seen = (await t.call('GET', `/api/label-proposals?residentId=${id}`, { token: worker })).json().items[0];
    expect(seen).toMatchObject({ id: p.id, status: 'confirmed' });
  });

  it('documents every proposal route in OpenAPI', async () => {
    const doc = (await t.call('GET', '/api/docs/json')).json();
    for (const path of ['/api/label-proposals', '/api/label-proposals/{id}/confirm', '/api/label-proposals/{id}/reject', '/api/label-proposals/{id}/withdraw']) {
      const ops = doc.paths[path];
      expect(ops, path).toBeDefined();
      for (const op of Object.values(ops) as { summary?: string }[]) expect(op.summary).toBeTruthy();
    }
  });
});
