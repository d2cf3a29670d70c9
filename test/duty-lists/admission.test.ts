// Admission (准入) and hand-backs (事项退回) end to end: a department applies, the check finds
// what the lists already hold, the reviewer admits (a new version on each township) or refuses;
// a township hands an item back, the department answers, the reviewer decides, and the item
// moves to the taken-back list. Every refusal of bad input has its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';
import { multipart } from '../exchange/helpers.js';

describe('admission and hand-backs', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let street: string;
  let otherStreet: string;
  let housing: string;
  let civil: string;
  let districtDept: string;
  let reviewer: string;
  let housingId: number;
  let civilId: number;
  const apply = (token: string, body: Record<string, unknown>) =>
    t.call('POST', '/api/duty-admissions', { token, body: { purpose: '需要社区摸排', basis: '《城镇燃气管理条例》', startDate: '2026-01-01', resources: '每个社区工作经费 2 万元，培训 1 次', ...body } });

  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    b = await makeSubtree(t);
    const tree = t.built.modules.tree.service;
    const sys = systemContext('test');
    housingId = (await tree.createDepartment({ code: 'housing', name: '太原市住房和城乡建设局', shortName: '住建', nodeId: a.city.id }, sys)).id;
    civilId = (await tree.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, sys)).id;
    const districtOnly = (await tree.createDepartment({ code: 'civil_affairs', name: '测试区民政局', shortName: '区民政', nodeId: b.district.id }, sys)).id;
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    otherStreet = (await loginAs(t, { role: 'street_staff', node: b.street })).token;
    housing = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: housingId })).token;
    civil = (await loginAs(t, { role: 'department_staff', node: a.city, departmentId: civilId })).token;
    districtDept = (await loginAs(t, { role: 'department_staff', node: b.district, departmentId: districtOnly })).token;
    reviewer = (await loginAs(t, { role: 'reviewer', node: a.city })).token;
    const add = (body: Record<string, unknown>) => t.call('POST', `/api/duty-lists/townships/${a.street.id}/items`, { token: street, body: { reason: '编制清单', ...body } });
    await add({ listKind: 'basic', name: '社区居民自治指导' });
    await add({ listKind: 'taken_back', name: '城镇燃气安全检查', departmentId: housingId });
    await add({ listKind: 'cooperative', name: '困难群众救助审核配合', departmentId: civilId });
  });
  afterAll(() => t?.close());

  it('checks an application against the lists and shows the reviewer what it found', async () => {
    const check = await t.call('POST', '/api/duty-admissions/check', { token: housing, body: { title: '城镇燃气安全检查', purpose: '入户排查', basis: '《城镇燃气管理条例》', targetNodeIds: [a.community.id], startDate: '2026-01-01', resources: '不需要额外资源' } });
    expect(check.statusCode).toBe(200);
    expect(check.json().advice).toBe('refuse');
    expect(check.json().findings[0]).toMatchObject({ kind: 'taken_back_by_applicant', townshipId: a.street.id, itemName: '城镇燃气安全检查', similarity: 1 });
    expect(check.json().findings[0].message).toContain('本部门已从');
    // The same work asked of the township by another department: taken back by someone else.
    const other = (await t.call('POST', '/api/duty-admissions/check', { token: civil, body: { title: '城镇燃气安全检查工作', purpose: '入户排查', basis: '条例', targetNodeIds: [a.street.id], startDate: '2026-01-01', resources: '不需要额外资源' } })).json();
    expect(other.findings[0]).toMatchObject({ kind: 'taken_back' });
    expect(other.advice).toBe('review');
    const basic = (await t.call('POST', '/api/duty-admissions/check', { token: civil, body: { title: '社区居民自治指导', purpose: '指导', basis: '居委会组织法', targetNodeIds: [a.street.id, b.street.id], startDate: '2026-01-01', resources: '不需要额外资源' } })).json();
    expect(basic.findings).toHaveLength(1);
    expect(basic.findings[0]).toMatchObject({ kind: 'already_basic', townshipId: a.street.id });
  });

  it('refuses bad applications with their codes', async () => {
    expect((await apply(street, { title: '街道自报', targetNodeIds: [a.street.id] })).statusCode).toBe(403);
    expect((await apply(reviewer, { title: '审核员申报', targetNodeIds: [a.street.id] })).statusCode).toBe(403);
    const outside = await apply(districtDept, { title: '困难群众走访', targetNodeIds: [a.street.id] });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error).toMatchObject({ code: 'DUTY_OUTSIDE_REMIT', field: 'targetNodeIds/0' });
    expect((await apply(housing, { title: '燃气管道排查', targetNodeIds: [a.grid.id] })).json().error.code).toBe('DUTY_TARGET_INVALID');
    expect((await apply(housing, { title: '燃气管道排查', targetNodeIds: [a.street.id], endDate: '2025-12-31' })).json().error.code).toBe('DUTY_DATES_INVALID');
    expect((await apply(housing, { title: '燃气管道排查', targetNodeIds: [a.street.id], extra: 1 })).statusCode).toBe(400);
  });

  it('admits work: the item joins every township named as a new version; a repeat is refused', async () => {
    const r = await apply(housing, { title: '老旧小区燃气管道改造入户宣传', listKind: 'cooperative', cooperation: '组织社区入户宣传', targetNodeIds: [a.community.id, b.street.id] });
    expect(r.statusCode).toBe(201);
    const app = r.json();
    expect(app).toMatchObject({ status: 'pending', advice: 'admit', communityInvolved: true, department: { id: housingId } });
    expect(app.targets.map((x: { townshipId: number }) => x.townshipId)).toEqual([a.street.id, b.street.id]);
    const dup = await apply(housing, { title: '老旧小区燃气管道改造 入户宣传', targetNodeIds: [b.street.id] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'DUTY_ADMISSION_DUPLICATE', details: { admissionId: app.id } });

    // The street sees the application reaching it; the other department does not.
    expect((await t.call('GET', '/api/duty-admissions', { token: street })).json().items.map((x: { id: number }) => x.id)).toContain(app.id);
    expect((await t.call('GET', `/api/duty-admissions/${app.id}`, { token: civil })).statusCode).toBe(404);
    expect((await t.call('POST', `/api/duty-admissions/${app.id}/decide`, { token: housing, body: { decision: 'admit', reason: '自批' } })).statusCode).toBe(403);

    const before = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}`, { token: street })).json().version;
    const ok = await t.call('POST', `/api/duty-admissions/${app.id}/decide`, { token: reviewer, body: { decision: 'admit', reason: '有法定依据，经费随事转' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'admitted', decisionReason: '有法定依据，经费随事转' });
    expect(ok.json().admittedItemIds).toHaveLength(2);
    const lists = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}?q=燃气管道`, { token: street })).json();
    expect(lists.version).toBe(before + 1);
    expect(lists.items[0]).toMatchObject({ listKind: 'cooperative', source: 'admission', admissionId: app.id, departmentId: housingId, communityInvolved: true });
    const v = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/versions`, { token: street })).json()[0];
    expect(v).toMatchObject({ kind: 'admission', versionNo: before + 1 });
    expect(v.reason).toContain(`申请 #${app.id}`);
    expect(await t.built.modules.dutyLists.service.admittedItem(lists.items[0].id, a.grid.id)).toMatchObject({ listKind: 'cooperative', departmentId: housingId });
    expect((await t.call('POST', `/api/duty-admissions/${app.id}/decide`, { token: reviewer, body: { decision: 'refuse', reason: '再次决定' } })).json().error.code).toBe('DUTY_ADMISSION_DECIDED');
    expect((await apply(housing, { title: '老旧小区燃气管道改造入户宣传', targetNodeIds: [a.street.id] })).json().error.code).toBe('DUTY_ADMISSION_DUPLICATE');

    // Another department's similar work now finds the admitted item on the lists.
    const similar = (await t.call('POST', '/api/duty-admissions/check', { token: civil, body: { title: '老旧小区燃气管道改造入户宣传', purpose: 'x 宣传', basis: 'x 依据', targetNodeIds: [a.street.id], startDate: '2026-02-01', resources: '不需要额外资源' } })).json();
    expect(similar.findings[0]).toMatchObject({ kind: 'already_cooperative', similarity: 1 });
    expect(similar.advice).toBe('refuse');
  });

  it('refuses with a reason, and admitting work already on a list is refused', async () => {
    const r = (await apply(civil, { title: '社区居民自治指导', listKind: 'basic', targetNodeIds: [a.street.id] })).json();
    expect(r.findings[0].kind).toBe('already_basic');
    expect((await t.call('POST', `/api/duty-admissions/${r.id}/decide`, { token: reviewer, body: { decision: 'admit', reason: '试图准入' } })).json().error.code).toBe('DUTY_ADMISSION_CONFLICTS_LIST');
    const no = await t.call('POST', `/api/duty-admissions/${r.id}/decide`, { token: reviewer, body: { decision: 'refuse', reason: '已是街道基本履职事项' } });
    expect(no.json()).toMatchObject({ status: 'refused', decisionReason: '已是街道基本履职事项', admittedItemIds: [] });
  });

  it('hands an item back: the department answers, the reviewer decides, the item moves to the taken-back list', async () => {
    const lists = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}`, { token: street })).json();
    const item = lists.items.find((i: { name: string }) => i.name === '困难群众救助审核配合');
    const taken = lists.items.find((i: { name: string }) => i.name === '城镇燃气安全检查');
    const otherItem = (await t.call('POST', `/api/duty-lists/townships/${b.street.id}/items`, { token: otherStreet, body: { listKind: 'basic', name: '其他街道事项', reason: '编制' } })).json().item;
    const ask = (body: Record<string, unknown>, token = street) => t.call('POST', '/api/duty-handbacks', { token, body: { townshipId: a.street.id, reasonKind: 'cannot_carry', reasonText: '街道无审核专业力量', evidence: '近三年由民政部门实际审核 1,200 件', ...body } });

    const notOn = await ask({ itemId: otherItem.id });
    expect(notOn.statusCode).toBe(409);
    expect(notOn.json().error.code).toBe('DUTY_ITEM_NOT_ON_LIST');
    expect((await ask({ itemId: 987654 })).json().error.code).toBe('DUTY_ITEM_NOT_ON_LIST');
    expect((await ask({ itemId: taken.id })).json().error.code).toBe('DUTY_ITEM_ALREADY_TAKEN_BACK');
    const noDept = lists.items.find((i: { name: string }) => i.name === '社区居民自治指导');
    expect((await ask({ itemId: noDept.id })).json().error.code).toBe('DUTY_HANDBACK_NO_DEPARTMENT');
    expect((await ask({ itemId: item.id }, otherStreet)).statusCode).toBe(404);

    const r = await ask({ itemId: item.id, reasonKind: 'not_performed' });
    expect(r.statusCode).toBe(201);
    const h = r.json();
    expect(h).toMatchObject({ status: 'pending_department', department: { id: civilId }, item: { id: item.id, onList: true }, fromList: 'cooperative' });
    expect((await ask({ itemId: item.id })).json().error.code).toBe('DUTY_HANDBACK_OPEN');

    // Evidence files: a PDF is kept; a file that is none of the kinds is refused.
    const pdf = multipart('台账.pdf', Buffer.from('%PDF-1.4\n% evidence\n'));
    const up = await t.built.app.inject({ method: 'POST', url: `/api/duty-handbacks/${h.id}/evidence`, headers: { ...pdf.headers, authorization: `Bearer ${street}` }, payload: pdf.payload });
    expect(up.statusCode).toBe(201);
    expect(up.json().attachments[0]).toMatchObject({ fileName: '台账.pdf', contentType: 'application/pdf' });
    const exe = multipart('a.pdf', Buffer.from('MZ\x90\x00binary'));
    expect((await t.built.app.inject({ method: 'POST', url: `/api/duty-handbacks/${h.id}/evidence`, headers: { ...exe.headers, authorization: `Bearer ${street}` }, payload: exe.payload })).json().error.code).toBe('DUTY_EVIDENCE_INVALID');
    const file = await t.call('GET', `/api/duty-handbacks/${h.id}/evidence/${up.json().attachments[0].id}`, { token: civil });
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain('%PDF-1.4');

    // The reviewer waits for the department; another department may not answer.
    expect((await t.call('POST', `/api/duty-handbacks/${h.id}/decide`, { token: reviewer, body: { decision: 'return', reason: '同意' } })).json().error.code).toBe('DUTY_HANDBACK_WRONG_STAGE');
    const wrong = await t.call('POST', `/api/duty-handbacks/${h.id}/answer`, { token: housing, body: { agrees: true, comment: '同意收回' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('DUTY_OUTSIDE_REMIT');
    expect((await t.call('GET', '/api/duty-handbacks', { token: housing })).json().items).toEqual([]);
    const ans = await t.call('POST', `/api/duty-handbacks/${h.id}/answer`, { token: civil, body: { agrees: true, comment: '同意由民政部门直接审核' } });
    expect(ans.json()).toMatchObject({ status: 'pending_review', departmentAgrees: true });
    expect(ans.json().departmentBy.role).toBe('department_staff');

    const before = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}`, { token: street })).json().version;
    const done = await t.call('POST', `/api/duty-handbacks/${h.id}/decide`, { token: reviewer, body: { decision: 'return', reason: '街道长期未实际履行，由民政部门收回' } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'returned', versionNo: before + 1, item: { listKind: 'taken_back' } });
    const after = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}?listKind=taken_back`, { token: street })).json();
    expect(after.items.find((i: { id: number }) => i.id === item.id)).toMatchObject({ departmentId: civilId, departmentName: '太原市民政局' });
    const cmp = (await t.call('GET', `/api/duty-lists/townships/${a.street.id}/compare?from=${before}`, { token: street })).json();
    expect(cmp.changed[0].changes.find((c: { field: string }) => c.field === 'listKind')).toEqual({ field: 'listKind', from: 'cooperative', to: 'taken_back' });
    expect((await t.call('POST', `/api/duty-handbacks/${h.id}/decide`, { token: reviewer, body: { decision: 'keep', reason: '再次' } })).json().error.code).toBe('DUTY_HANDBACK_WRONG_STAGE');
  });
});
