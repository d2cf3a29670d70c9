import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { loginAs } from '../support/app.js';
import { idNumber } from '../support/people.js';
import { departmentLabel, household, issue, monthsAgo, resident, world, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.t.close());

// jsqr is CommonJS typed as an ES module: take the function whichever way it arrives.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;

/** Renders the first page (pdftoppm, greyscale) and reads the QR code on it, as a phone would. */
function readQr(bytes: Buffer): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'qc-qr-'));
  writeFileSync(join(dir, 'c.pdf'), bytes);
  execFileSync('pdftoppm', ['-r', '150', '-gray', '-f', '1', '-l', '1', join(dir, 'c.pdf'), join(dir, 'page')]);
  const pgm = readFileSync(join(dir, 'page-1.pgm'));
  // Binary PGM: "P5\n<width> <height>\n<max>\n" then one byte per pixel.
  const header = pgm.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a PGM');
  const [, w, h] = header.map(Number) as [number, number, number];
  const pixels = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([pixels[i]!, pixels[i]!, pixels[i]!, 255], i * 4);
  return jsQR(rgba, w, h)?.data ?? null;
}

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'qc-cert-'));
  writeFileSync(join(dir, 'c.pdf'), bytes);
  return execFileSync('pdftotext', ['-layout', join(dir, 'c.pdf'), '-'], { encoding: 'utf8' });
}

describe('issuing in one step', () => {
  it('fills a residence certificate from base data, numbers and signs it, and prints it', async () => {
    const id = idNumber({ birth: '1948-03-02', sex: '2' });
    const rid = await resident(w, { name: '王秀英', idNumber: id, residentSince: '2019-03-01' });
    const res = await issue(w, { residentId: rid, kind: 'residence', purpose: '申领居住证', recipient: '太原市公安局万柏林分局' });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.number).toMatch(new RegExp(`^${w.a.community.code}-\\d{4}-00001$`));
    expect(c.verifyCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(c.unitName).toBe(`${w.a.community.name}居民委员会`);
    expect(c.state).toBe('valid');
    expect(c.algorithm).toBe('SM2');
    expect(c.publicText).toContain('王秀英');
    expect(c.publicText).toContain('1948年3月2日出生');
    expect(c.publicText).toContain('自2019年3月1日起');
    expect(c.publicText).toContain(`${id.slice(0, 3)}***********${id.slice(-4)}`);
    expect(c.publicText).not.toContain(id);
    expect(c.statement.startsWith('QC2:')).toBe(true);
    expect(c.statementFormat).toBe('QC2');
    expect(c.statementText).toContain(`|${c.number}|`);
    expect(c.verifyUrl).toMatch(/\/verify\?p=[A-Z2-7]+$/);

    const pdf = await w.t.call('GET', c.pdfUrl, { token: w.worker });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    // The printed copy carries the full ID number, the heading, the title and the code.
    expect(text).toContain(id);
    expect(text).toContain(`${w.a.community.name}居民委员会`);
    expect(text.replace(/\s/g, '')).toContain('居住证明');
    expect(text).toContain(c.verifyCode);
    expect(text).toContain('太原市公安局万柏林分局：');
    expect(text.replace(/\s/g, '')).toContain('特此证明。');
    // The printed QR code reads back as the verification address with the signed payload.
    expect(readQr(pdf.rawPayload)).toBe(c.verifyUrl);

    // The numbers run on per unit and year.
    const second = (await issue(w, { residentId: rid, kind: 'residence', purpose: '办理社保' })).json();
    expect(second.number.endsWith('-00002')).toBe(true);
  });

  it('writes every issue and print to the audit log, and logs the read of the person in clear', async () => {
    const rid = await resident(w, { name: '李建国' });
    const c = (await issue(w, { residentId: rid, kind: 'residence' })).json();
    await w.t.call('GET', c.pdfUrl, { token: w.worker });
    await w.t.call('GET', c.pdfUrl, { token: w.worker });
    const rows = await queryRows<{ action: string; subject_id: number; reason: string | null }>(w.t.database.db, sql`SELECT action, subject_id, reason FROM audit_log WHERE subject_id = ${rid} ORDER BY id`);
    const actions = rows.map((r) => r.action);
    expect(actions).toContain('resident.read_clear');
    expect(rows.find((r) => r.action === 'resident.read_clear')!.reason).toBe('出具证明：居住证明');
    expect(actions.filter((a) => a === 'certificate.issue')).toHaveLength(1);
    expect(actions.filter((a) => a === 'certificate.print')).toHaveLength(2);
    const detail = (await w.t.call('GET', `/api/certificates/${c.id}`, { token: w.worker })).json();
    expect(detail.printCount).toBe(2);
  });

  it('says plainly which condition fails, and issues nothing', async () => {
    const rid = await resident(w, { name: '新来户', residentSince: monthsAgo(2) });
    const res = await issue(w, { residentId: rid, kind: 'residence' });
    expect(res.statusCode).toBe(422);
    const e = res.json().error;
    expect(e.code).toBe('CERT_PRECONDITION_FAILED');
    expect(e.message).toContain('在本社区居住满 6 个月');
    expect(e.message).toContain('至今2个月');
    expect(e.details.checks[0]).toMatchObject({ type: 'resident_months', ok: false });
    const en = await w.t.call('POST', '/api/certificates?lang=en', { token: w.worker, body: { residentId: rid, kind: 'residence', purpose: 'residence permit' } });
    expect(en.json().error.message).toContain('has lived in the community for at least 6 months');
    const list = (await w.t.call('GET', `/api/certificates?residentId=${rid}`, { token: w.worker })).json();
    expect(list.total).toBe(0);
  });

  it('refuses to issue with blank fields when base data is missing', async () => {
    const rid = await resident(w, { name: '缺地址', address: null });
    const res = await issue(w, { residentId: rid, kind: 'residence' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('CERT_DATA_MISSING');
    expect(res.json().error.message).toContain('现住址');
    expect(res.json().error.details.missing).toEqual([{ placeholder: 'address', needs: '现住址' }]);
    const noId = await resident(w, { name: '无证件', idNumber: null });
    const r2 = await issue(w, { residentId: noId, kind: 'residence' });
    expect(r2.json().error.code).toBe('CERT_DATA_MISSING');
    expect(r2.json().error.message).toContain('证件号码');
  });

  it('answers a resident outside the worker’s community as not found', async () => {
    const other = await resident(w, { name: '外社区' }, { token: w.otherWorker, grid: w.b.grid });
    const res = await issue(w, { residentId: other, kind: 'residence' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('RECORD_NOT_FOUND');
    expect(res.json().error.field).toBe('residentId');
    expect((await issue(w, { residentId: 99_999_999, kind: 'residence' })).statusCode).toBe(404);
  });

  it('points to the handbook when asked for a certificate communities no longer issue', async () => {
    const rid = await resident(w, { name: '要开无犯罪' });
    const res = await issue(w, { residentId: rid, kind: 'no_criminal_record' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CERT_NO_LONGER_ISSUED');
    expect(res.json().error.message).toContain('公安机关');
    expect(res.json().error.details.handbook.onlineHow).toContain('互联网+政务服务');
    expect((await issue(w, { residentId: rid, kind: 'no_such_kind' })).json().error.code).toBe('CERT_KIND_NOT_FOUND');
  });

  it('refuses a person whose record is no longer active', async () => {
    const rid = await resident(w, { name: '已迁出' });
    const card = (await w.t.call('GET', `/api/residents/${rid}`, { token: w.worker })).json();
    const st = await w.t.call('POST', `/api/residents/${rid}/status`, { token: w.worker, body: { status: 'moved_out', reason: '迁往外地', version: card.resident.version } });
    expect(st.statusCode).toBe(200);
    const res = await issue(w, { residentId: rid, kind: 'residence' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CERT_SUBJECT_INACTIVE');
    expect(res.json().error.message).toContain('迁出');
  });

  it('checks before issuing: conditions in words, missing data and a preview', async () => {
    const rid = await resident(w, { name: '预览人', residentSince: monthsAgo(3) });
    const res = await w.t.call('POST', '/api/certificates/check', { token: w.worker, body: { residentId: rid, kind: 'residence', purpose: '办理居住证' } });
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.ok).toBe(false);
    expect(c.checks[0].text).toMatch(/^在本社区居住满 6 个月：自.+起居住，至今3个月$/);
    expect(c.preview).toContain('预览人');
    expect(c.kind.needs).toEqual(expect.arrayContaining(['姓名', '证件号码', '现住址', '居住起始日期']));
  });
});

describe('certificates built on department data and on the household', () => {
  it('states hardship only from labels the departments keep', async () => {
    const rid = await resident(w, { name: '困难户' });
    const refused = await issue(w, { residentId: rid, kind: 'hardship', purpose: '申请医疗费用减免' });
    expect(refused.json().error.code).toBe('CERT_PRECONDITION_FAILED');
    expect(refused.json().error.details.checks[0].handbook).toMatchObject({ code: 'hardship_unrecognised' });
    await departmentLabel(w, rid, 'low_income', { certificateNo: 'DB123456', monthlyAmount: 820 });
    await departmentLabel(w, rid, 'disabled', { category: '4', grade: '2' });
    const res = await issue(w, { residentId: rid, kind: 'hardship', purpose: '申请医疗费用减免' });
    expect(res.statusCode).toBe(201);
    expect(res.json().publicText).toContain('低保对象（低保证号DB123456，月保障金额820元）、残疾人（肢体残疾二级）');
  });

  it('proves a relationship only when the two share a household and the register states it', async () => {
    const hh = await household(w);
    const head = await resident(w, { name: '张国强', householdId: hh, relationToHead: '02' }, { sex: '1', birth: '1965-02-03' });
    const wife = await resident(w, { name: '刘桂兰', householdId: hh, relationToHead: '10' }, { sex: '2', birth: '1967-08-09' });
    const son = await resident(w, { name: '张小军', householdId: hh, relationToHead: '20' }, { sex: '1', birth: '1990-01-01' });
    const needsSecond = await issue(w, { residentId: head, kind: 'kinship_household', purpose: '代办医保' });
    expect(needsSecond.json().error.code).toBe('CERT_RELATED_REQUIRED');
    const ok = await issue(w, { residentId: head, relatedResidentId: wife, kind: 'kinship_household', purpose: '代办医保' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().publicText).toContain('刘桂兰系张国强的妻子');
    // The wife and the head's son: the register does not say she is his mother.
    const unclear = await issue(w, { residentId: wife, relatedResidentId: son, kind: 'kinship_household', purpose: '代办医保' });
    expect(unclear.statusCode).toBe(422);
    expect(unclear.json().error.message).toContain('不能直接说明二人关系');
    expect(unclear.json().error.details.checks[0].handbook.code).toBe('kinship');
    const stranger = await resident(w, { name: '邻居' });
    const apart = await issue(w, { residentId: head, relatedResidentId: stranger, kind: 'kinship_household', purpose: '代办医保' });
    expect(apart.json().error.message).toContain('不在同一户');
  });

  it('issues a living-alone certificate to an elderly person alone in the household', async () => {
    const hh = await household(w);
    const rid = await resident(w, { name: '独居老人', householdId: hh, relationToHead: '02' }, { birth: '1940-01-01' });
    const res = await issue(w, { residentId: rid, kind: 'living_alone', purpose: '申请助餐补贴' });
    expect(res.statusCode).toBe(201);
    expect(res.json().publicText).toContain('该户登记人数为1人');
    await resident(w, { name: '搬来的女儿', householdId: hh, relationToHead: '30' }, { birth: '1970-01-01' });
    const now = await issue(w, { residentId: rid, kind: 'living_alone', purpose: '申请助餐补贴' });
    expect(now.json().error.message).toContain('户内登记 2 人');
  });
});

describe('the issued list and revocation', () => {
  it('lists and searches within the area; other communities see nothing; the street sees its communities', async () => {
    const rid = await resident(w, { name: '欧阳娜娜' });
    const c = (await issue(w, { residentId: rid, kind: 'residence' })).json();
    const byName = (await w.t.call('GET', '/api/certificates?q=欧阳', { token: w.worker })).json();
    expect(byName.items.map((i: { id: number }) => i.id)).toEqual([c.id]);
    const byCode = (await w.t.call('GET', `/api/certificates?q=${c.verifyCode.toLowerCase()}`, { token: w.worker })).json();
    expect(byCode.items[0].id).toBe(c.id);
    const byNumber = (await w.t.call('GET', `/api/certificates?q=${c.number}`, { token: w.worker })).json();
    expect(byNumber.items[0].id).toBe(c.id);
    expect((await w.t.call('GET', '/api/certificates?q=欧阳', { token: w.otherWorker })).json().total).toBe(0);
    expect((await w.t.call('GET', `/api/certificates/${c.id}`, { token: w.otherWorker })).statusCode).toBe(404);
    expect((await w.t.call('GET', '/api/certificates?q=欧阳', { token: w.street })).json().total).toBe(1);
    // The street reads but does not print or revoke.
    expect((await w.t.call('GET', c.pdfUrl, { token: w.street })).statusCode).toBe(403);
    expect((await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.street, body: { category: 'other', reason: '测试' } })).statusCode).toBe(403);
    const stats = (await w.t.call('GET', '/api/certificates/stats', { token: w.street })).json();
    expect(stats.find((s: { kind: string }) => s.kind === 'residence').issued).toBeGreaterThan(0);
  });

  it('revokes with a reason, refuses to print or revoke again', async () => {
    const rid = await resident(w, { name: '作废测试' });
    const c = (await issue(w, { residentId: rid, kind: 'residence' })).json();
    expect((await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'issued_in_error', reason: '' } })).statusCode).toBe(400);
    // Revoking requires a category, and one from the list.
    const noCategory = await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { reason: '用途写错，重新出具' } });
    expect(noCategory.statusCode).toBe(400);
    expect(noCategory.json().error.field).toBe('category');
    const unknown = await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'gossip', reason: '用途写错，重新出具' } });
    expect(unknown.json().error).toMatchObject({ code: 'CERT_REVOKE_CATEGORY_INVALID', field: 'category' });
    expect(unknown.json().error.message).toContain('误开');
    const r = await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'issued_in_error', reason: '用途写错，重新出具' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ state: 'revoked', revokeReason: '用途写错，重新出具', revokeCategory: 'issued_in_error' });
    const again = await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'issued_in_error', reason: '再次作废' } });
    expect(again.json().error.code).toBe('CERT_ALREADY_REVOKED');
    const print = await w.t.call('GET', c.pdfUrl, { token: w.worker });
    expect(print.statusCode).toBe(409);
    expect(print.json().error.code).toBe('CERT_REVOKED');
    expect(print.json().error.message).toContain('用途写错');
    const revokedList = (await w.t.call('GET', '/api/certificates?state=revoked', { token: w.worker })).json();
    expect(revokedList.items.map((i: { id: number }) => i.id)).toContain(c.id);
    const audit = await queryRows<{ reason: string }>(w.t.database.db, sql`SELECT reason FROM audit_log WHERE action = 'certificate.revoke' AND entity_id = ${String(c.id)}`);
    expect(audit[0]!.reason).toBe('用途写错，重新出具');
  });

  it('keeps revocation categories as data an admin edits', async () => {
    const list = (await w.t.call('GET', '/api/certificates/revoke-categories', { token: w.worker })).json();
    expect(list.map((c: { nameZh: string }) => c.nameZh)).toEqual(expect.arrayContaining(['信息变更', '误开', '迁出']));
    expect((await w.t.call('PUT', '/api/certificates/revoke-categories/deceased', { token: w.worker, body: { nameZh: '死亡', nameEn: 'Deceased' } })).statusCode).toBe(403);
    const added = await w.t.call('PUT', '/api/certificates/revoke-categories/duplicate', { token: w.admin, body: { nameZh: '重复出具', nameEn: 'Issued twice' } });
    expect(added.statusCode).toBe(200);
    expect((await w.t.call('PUT', '/api/certificates/revoke-categories/Bad-Code', { token: w.admin, body: { nameZh: '坏', nameEn: 'Bad' } })).json().error.code).toBe('CERT_REVOKE_CATEGORY_CODE');
    const rid = await resident(w, { name: '重复作废' });
    const c = (await issue(w, { residentId: rid, kind: 'residence' })).json();
    const r = await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'duplicate', reason: '同一天开了两份' } });
    expect(r.json().revokeCategory).toBe('duplicate');
    expect((await w.t.call('GET', `/api/public/certificates/verify?code=${c.verifyCode}`)).json().certificate.revokeCategory).toBe('重复出具');
    // A withdrawn category is no longer offered.
    await w.t.call('PUT', '/api/certificates/revoke-categories/duplicate', { token: w.admin, body: { nameZh: '重复出具', nameEn: 'Issued twice', active: false } });
    const c2 = (await issue(w, { residentId: rid, kind: 'residence' })).json();
    expect((await w.t.call('POST', `/api/certificates/${c2.id}/revoke`, { token: w.worker, body: { category: 'duplicate', reason: '同一天开了两份' } })).json().error.code).toBe('CERT_REVOKE_CATEGORY_INVALID');
  });

  it('validates what a worker sends', async () => {
    const rid = await resident(w, { name: '校验' });
    const short = await issue(w, { residentId: rid, kind: 'residence', purpose: 'x' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.field).toBe('purpose');
    expect((await issue(w, { residentId: rid, kind: 'residence', extra: 1 })).json().error.code).toBe('VALIDATION_FAILED');
    const self = await issue(w, { residentId: rid, relatedResidentId: rid, kind: 'kinship_household' });
    expect(self.json().error.code).toBe('CERT_RELATED_INVALID');
    const grid = (await loginAs(w.t, { role: 'grid_worker', node: w.a.grid })).token;
    expect((await issue(w, { residentId: rid, kind: 'residence' }, grid)).statusCode).toBe(403);
  });
});
