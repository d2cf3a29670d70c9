import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, resident, world, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.t.close());

const kind = (over: Record<string, unknown> = {}) => ({
  code: 'volunteer', title: '志愿服务证明', basis: '《志愿服务条例》第二十一条', purpose: '证明居民在社区参加志愿服务', process: '到社区窗口申请', materials: ['身份证'],
  preconditions: [{ type: 'resident_months', months: 1 }], needsRelated: false, issuerRoles: ['community_worker'], validityDays: 30,
  template: '兹证明{name}（{idType}号码：{idNumber}）在本社区参加志愿服务。\n此证明仅用于{purpose}。', active: true, ...over,
});

describe('the catalogue', () => {
  it('is public, with basis, purpose, process, materials, conditions in words and the base data each kind needs', async () => {
    const res = await w.t.call('GET', '/api/public/certificates/kinds');
    expect(res.statusCode).toBe(200);
    const kinds = res.json() as { code: string; basis: string; preconditions: { text: string }[]; needs: string[]; issuers: string; template: string }[];
    expect(kinds.map((k) => k.code)).toEqual(['residence', 'kinship_household', 'living_alone', 'hardship', 'left_behind_child']);
    const residence = kinds[0]!;
    expect(residence.basis).toContain('居住证暂行条例');
    expect(residence.preconditions[0]!.text).toBe('在本社区居住满 6 个月');
    expect(residence.needs).toEqual(expect.arrayContaining(['姓名', '性别', '民族', '出生日期', '证件号码', '居住起始日期', '现住址']));
    expect(residence.issuers).toBe('社区工作者');
    expect(kinds[3]!.preconditions[0]!.text).toBe('属于以下人群之一：低保对象、特困供养人员、残疾人');
  });

  it('lets an admin add and edit kinds, each edit a new version; workers may not', async () => {
    expect((await w.t.call('POST', '/api/certificates/kinds', { token: w.worker, body: kind() })).statusCode).toBe(403);
    const created = await w.t.call('POST', '/api/certificates/kinds', { token: w.admin, body: kind() });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'volunteer', version: 1, active: true });
    expect((await w.t.call('POST', '/api/certificates/kinds', { token: w.admin, body: kind() })).json().error.code).toBe('CERT_KIND_EXISTS');

    const rid = await resident(w, { name: '志愿者' });
    const first = (await issue(w, { residentId: rid, kind: 'volunteer', purpose: '评优' })).json();
    expect(first.kindVersion).toBe(1);

    const edited = await w.t.call('PUT', '/api/certificates/kinds/volunteer', { token: w.admin, body: { ...kind({ validityDays: 60, changeNote: '有效期延长' }), code: undefined, version: 1 } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, validityDays: 60, changeNote: '有效期延长' });
    const stale = await w.t.call('PUT', '/api/certificates/kinds/volunteer', { token: w.admin, body: { ...kind(), code: undefined, version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CERT_KIND_VERSION_CONFLICT');

    const history = (await w.t.call('GET', '/api/certificates/kinds/volunteer', { token: w.worker })).json();
    expect(history.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const second = (await issue(w, { residentId: rid, kind: 'volunteer', purpose: '评优' })).json();
    expect(second.kindVersion).toBe(2);

    // Withdrawn: no longer issued, no longer public, history kept.
    await w.t.call('PUT', '/api/certificates/kinds/volunteer', { token: w.admin, body: { ...kind({ active: false }), code: undefined, version: 2 } });
    const withdrawn = await issue(w, { residentId: rid, kind: 'volunteer', purpose: '评优' });
    expect(withdrawn.json().error.code).toBe('CERT_KIND_INACTIVE');
    expect(((await w.t.call('GET', '/api/public/certificates/kinds')).json() as { code: string }[]).map((k) => k.code)).not.toContain('volunteer');
    expect(((await w.t.call('GET', '/api/certificates/kinds?includeInactive=true', { token: w.admin })).json() as { code: string }[]).map((k) => k.code)).toContain('volunteer');
  });

  it('refuses a kind that would issue blanks or rest on nothing, naming the field', async () => {
    const post = (over: Record<string, unknown>) => w.t.call('POST', '/api/certificates/kinds', { token: w.admin, body: kind({ code: `k${Math.floor(Math.random() * 1e6)}`, ...over }) });
    const unknown = await post({ template: '兹证明{name}住在{adress}。' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'CERT_KIND_INVALID', field: 'template' });
    expect(unknown.json().error.message).toContain('{adress}');
    expect((await post({ basis: '   ' })).json().error.field).toBe('basis');
    expect((await post({ template: '兹证明此人。' })).json().error.message).toContain('{name}');
    const label = await post({ preconditions: [{ type: 'labels_any', labels: ['no_such_label'] }] });
    expect(label.json().error.field).toBe('preconditions.0.labels');
    const refer = await post({ preconditions: [{ type: 'age_min', years: 60, referTo: 'nowhere' }] });
    expect(refer.json().error.field).toBe('preconditions.0.referTo');
    expect((await post({ issuerRoles: ['auditor'] })).json().error.field).toBe('issuerRoles');
    expect((await post({ preconditions: [{ type: 'age_min', years: 'sixty' }] })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await post({ code: 'Bad Code' })).json().error.field).toBe('code');
    const related = await post({ template: '{name}与{relatedName}', needsRelated: true, preconditions: [] });
    expect(related.json().error.field).toBe('preconditions');
  });

  it('documents every certificate route in OpenAPI', async () => {
    const doc = (await w.t.call('GET', '/api/openapi.json')).json() as { paths: Record<string, Record<string, { summary?: string }>> };
    for (const path of ['/api/public/certificates/verify', '/api/public/certificates/verify/batch', '/api/public/certificates/keys', '/api/public/handbook', '/api/certificates', '/api/certificates/{id}/revoke', '/api/certificates/kinds/{code}', '/api/assisted/{id}/steps', '/api/assisted/stats']) {
      expect(Object.keys(doc.paths)).toContain(path);
      for (const op of Object.values(doc.paths[path]!)) expect(op.summary).toBeTruthy();
    }
  });

  it('publishes the template placeholders for the editor', async () => {
    const meta = (await w.t.call('GET', '/api/certificates/meta', { token: w.admin })).json();
    expect(meta.placeholders.find((p: { key: string }) => p.key === 'residenceDuration')).toMatchObject({ zh: '居住时长', needs: '居住起始日期' });
    expect(meta.algorithms).toEqual(['SM2', 'Ed25519']);
  });
});

describe('the 减证便民 handbook', () => {
  it('lists the 20 certificates of the 2020 notice with where to go, whom to ask, what to bring and whether online', async () => {
    const list = (await w.t.call('GET', '/api/public/handbook')).json() as { code: string; title: string; authority: string; place: string; contact: string; materials: string[]; online: boolean; onlineHow: string | null; basis: string }[];
    const national = list.filter((e) => e.basis.includes('民发〔2020〕20号'));
    expect(national).toHaveLength(20);
    for (const e of list) {
      expect(e.authority && e.place && e.contact).toBeTruthy();
      if (e.online) expect(e.onlineHow).toBeTruthy();
    }
    const titles = list.map((e) => e.title);
    for (const t of ['亲属关系证明', '无犯罪记录证明', '出生证明', '婚姻状况证明', '健在证明', '死亡证明', '疾病状况证明', '残疾状况证明', '居民就业状况证明', '居民财产证明', '遗产继承权证明', '证件遗失证明']) expect(titles).toContain(t);
    expect((await w.t.call('GET', '/api/public/handbook?online=true')).json().every((e: { online: boolean }) => e.online)).toBe(true);
  });

  it('finds entries by the words residents use', async () => {
    const find = async (q: string) => ((await w.t.call('GET', `/api/public/handbook?q=${encodeURIComponent(q)}`)).json() as { code: string }[]).map((e) => e.code);
    expect((await find('良民证'))[0]).toBe('no_criminal_record');
    expect((await find('无犯罪'))[0]).toBe('no_criminal_record');
    expect(await find('养老金认证')).toContain('alive');
    expect(await find('单身')).toContain('marital_status');
    expect(await find('100%_')).toEqual([]);
    // The counter: one box searches both what can be issued here and what is issued elsewhere.
    const both = (await w.t.call('GET', `/api/public/certificates/search?q=${encodeURIComponent('居住')}`)).json();
    expect(both.kinds.map((k: { code: string }) => k.code)).toContain('residence');
    const elsewhere = (await w.t.call('GET', `/api/public/certificates/search?q=${encodeURIComponent('出生证')}`)).json();
    expect(elsewhere.kinds).toEqual([]);
    expect(elsewhere.handbook[0].code).toBe('birth');
  });

  it('prints as a PDF with correct Chinese text', async () => {
    const res = await w.t.call('GET', '/api/public/handbook.pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'qc-hb-'));
    writeFileSync(join(dir, 'h.pdf'), res.rawPayload);
    const text = execFileSync('pdftotext', [join(dir, 'h.pdf'), '-'], { encoding: 'utf8' }).replace(/\s/g, '');
    expect(text).toContain('减证便民服务指南');
    expect(text).toContain('无犯罪记录证明');
    expect(text).toContain('户籍所在地或居住地公安派出所');
    expect(text).toMatch(/第1页共\d+页/);
  });

  it('is edited by an admin with versions; bad input names the field', async () => {
    const entry = { code: 'water_meter', title: '水表过户证明', authority: '供水公司', place: '供水公司营业厅', contact: '供水服务热线', materials: ['房产证', '身份证'], online: true, onlineHow: '供水公司微信公众号', basis: '本市供水管理规定', notes: null, keywords: ['水费', '过户'] };
    expect((await w.t.call('POST', '/api/certificates/handbook', { token: w.worker, body: entry })).statusCode).toBe(403);
    const created = await w.t.call('POST', '/api/certificates/handbook', { token: w.admin, body: entry });
    expect(created.statusCode).toBe(201);
    expect(created.json().version).toBe(1);
    const noHow = await w.t.call('POST', '/api/certificates/handbook', { token: w.admin, body: { ...entry, code: 'gas', onlineHow: null } });
    expect(noHow.json().error).toMatchObject({ code: 'HANDBOOK_INVALID', field: 'onlineHow' });
    const { code: _code, ...body } = entry;
    const upd = await w.t.call('PUT', '/api/certificates/handbook/water_meter', { token: w.admin, body: { ...body, place: '供水公司各营业网点', version: 1 } });
    expect(upd.json()).toMatchObject({ version: 2, place: '供水公司各营业网点' });
    expect((await w.t.call('PUT', '/api/certificates/handbook/water_meter', { token: w.admin, body: { ...body, version: 1 } })).json().error.code).toBe('HANDBOOK_VERSION_CONFLICT');
    await w.t.call('PUT', '/api/certificates/handbook/water_meter', { token: w.admin, body: { ...body, active: false, version: 2 } });
    expect((await w.t.call('GET', '/api/public/handbook/water_meter')).statusCode).toBe(404);
    expect((await w.t.call('GET', '/api/public/handbook/no_criminal_record')).json().title).toBe('无犯罪记录证明');
  });
});
