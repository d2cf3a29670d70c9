import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import smCrypto from 'sm-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePayload } from '../../src/modules/certificates/index.js';
import { compactStatement, encodePayload, storedForm, type Statement } from '../../src/modules/certificates/statement.js';
import { asLegacyQc1, issue, resident, world, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await world();
});
afterAll(() => w.t.close());

type Key = { kid: string; algorithm: string; signerId: string | null; unitCode: string; publicKeyHex: string; publicKeyPem: string; status: string };

async function freshCertificate(name = '核验人') {
  const rid = await resident(w, { name });
  const res = await issue(w, { residentId: rid, kind: 'residence', purpose: '申领居住证' });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: number; verifyCode: string; verifyUrl: string; statement: string; signature: string; kid: string; number: string };
}

const verify = (q: string) => w.t.call('GET', `/api/public/certificates/verify?${q}`);
const payloadOf = (url: string) => new URL(url).searchParams.get('p')!;

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('verification by anyone, without logging in', () => {
  it('checks a typed code and a scanned QR code', async () => {
    const c = await freshCertificate('赵淑珍');
    const byCode = await verify(`code=${c.verifyCode}`);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.json()).toMatchObject({ status: 'valid', reason: 'ok', signature: { valid: true, algorithm: 'SM2', kid: c.kid }, certificate: { number: c.number, subjectName: '赵淑珍' } });
    expect(byCode.json().certificate.text).toContain('赵淑珍');
    expect(byCode.json().certificate.subjectIdMasked).toMatch(/^\d{3}\*{11}\d{3}[\dX]$/);
    // Lower case and without the dash, as people type it.
    expect((await verify(`code=${c.verifyCode.replace('-', '').toLowerCase()}`)).json().status).toBe('valid');
    // The whole scanned address, or just its payload.
    const scanned = await w.t.call('POST', '/api/public/certificates/verify', { body: { payload: c.verifyUrl } });
    expect(scanned.json()).toMatchObject({ status: 'valid', certificate: { number: c.number } });
    expect((await verify(`payload=${payloadOf(c.verifyUrl)}`)).json().status).toBe('valid');
    expect(byCode.json().message).toContain('真实有效');
  });

  it('calls a tampered QR payload forged, and shows what it claimed', async () => {
    const c = await freshCertificate('钱多多');
    const d = decodePayload(c.verifyUrl);
    if (!d.ok) throw new Error(d.reason.en);
    expect(d.statement.format).toBe('QC2');
    // The compact statement re-encoded with one field changed, the old signature kept.
    const forge = (patch: Partial<Statement>) => encodePayload(storedForm('QC2', compactStatement({ ...d.statement, ...patch })!), d.signature);
    const res = await verify(`payload=${forge({ subjectName: '钱少少' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'forged', reason: 'signature_invalid', certificate: null, claimed: { subjectName: '钱少少' } });
    expect(res.json().message).toContain('伪造');
    // A later validity date, the classic edit.
    expect((await verify(`payload=${forge({ validUntil: '2099-12-31' })}`)).json().status).toBe('forged');
    // A key nobody published.
    expect((await verify(`payload=${forge({ kid: 'deadbeef' })}`)).json()).toMatchObject({ status: 'forged', reason: 'unknown_key' });
    // A unit that is not the key's.
    expect((await verify(`payload=${forge({ unitCode: w.b.community.code, number: d.statement.number.replace(w.a.community.code, w.b.community.code) })}`)).json()).toMatchObject({ status: 'forged', reason: 'key_mismatch' });
    // Garbage is an error with the field, not a verdict.
    const junk = await verify('payload=hello-world');
    expect(junk.statusCode).toBe(400);
    expect(junk.json().error).toMatchObject({ code: 'CERT_PAYLOAD_MALFORMED', field: 'payload' });
    expect((await verify('payload=AAAAAAAA')).json().error.code).toBe('CERT_PAYLOAD_MALFORMED');
  });

  it('still verifies certificates issued in the older QC1 format, and catches their tampering', async () => {
    const c = await freshCertificate('孙旧版');
    const legacy = await asLegacyQc1(w, c.id);
    expect(legacy.statement.startsWith('QC1|SM2|1234567812345678|')).toBe(true);
    expect(legacy.verifyUrl).toMatch(/\/verify\?p=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect((await w.t.call('POST', '/api/public/certificates/verify', { body: { payload: legacy.verifyUrl } })).json()).toMatchObject({ status: 'valid', certificate: { subjectName: '孙旧版' } });
    expect((await verify(`code=${c.verifyCode}`)).json().status).toBe('valid');
    const d = decodePayload(legacy.verifyUrl);
    if (!d.ok) throw new Error(d.reason.en);
    const text = d.bytes.toString('utf8');
    const forged = `${Buffer.from(text.replace('孙旧版', '孙新版')).toString('base64url')}.${d.signature.toString('base64url')}`;
    expect((await verify(`payload=${forged}`)).json()).toMatchObject({ status: 'forged', reason: 'signature_invalid', claimed: { subjectName: '孙新版' } });
    const unknownKey = text.replace(`|${c.kid}|`, '|deadbeef|');
    expect((await verify(`payload=${Buffer.from(unknownKey).toString('base64url')}.${d.signature.toString('base64url')}`)).json()).toMatchObject({ status: 'forged', reason: 'unknown_key' });
    // The old certificate reprints with its old QR code, which still reads back.
    expect((await w.t.call('GET', `/api/certificates/${c.id}/pdf`, { token: w.worker })).statusCode).toBe(200);
  });

  it('answers a code that was never issued, and a malformed code, plainly', async () => {
    const never = await verify('code=ZZZZZ-ZZZZZ');
    expect(never.json()).toMatchObject({ status: 'not_found', reason: 'not_issued', certificate: null });
    expect(never.json().message).toContain('查无此证');
    const bad = await verify('code=123');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('CERT_CODE_MALFORMED');
    expect((await verify('')).json().error.code).toBe('CERT_VERIFY_INPUT');
  });

  it('shows a revocation at once, for the code and for a replayed QR code, by category and never the note', async () => {
    const c = await freshCertificate('孙作废');
    expect((await verify(`code=${c.verifyCode}`)).json().status).toBe('valid');
    await w.t.call('POST', `/api/certificates/${c.id}/revoke`, { token: w.worker, body: { category: 'moved_out', reason: '离婚后随子女迁往外地' } });
    const res = await verify(`code=${c.verifyCode}`);
    const byCode = res.json();
    expect(byCode).toMatchObject({ status: 'revoked', certificate: { revokeCategory: '迁出' } });
    // Residents' circumstances stay with staff: the note appears nowhere in the public answer.
    expect(res.body).not.toContain('离婚');
    expect(byCode.certificate).not.toHaveProperty('revokeReason');
    expect((await w.t.call('GET', `/api/public/certificates/verify?code=${c.verifyCode}`, { headers: { 'accept-language': 'en' } })).json().certificate.revokeCategory).toBe('Moved away');
    // The signature still checks out (it was genuine), but the paper is no longer good.
    expect(byCode.signature.valid).toBe(true);
    const replay = await w.t.call('POST', '/api/public/certificates/verify', { body: { payload: c.verifyUrl } });
    expect(replay.json()).toMatchObject({ status: 'revoked', certificate: { revokeCategory: '迁出' } });
    expect(replay.body).not.toContain('离婚');
    const batch = await w.t.call('POST', '/api/public/certificates/verify/batch', { body: { items: [{ code: c.verifyCode }] } });
    expect(batch.body).not.toContain('离婚');
    // Staff still read the note.
    expect((await w.t.call('GET', `/api/certificates/${c.id}`, { token: w.worker })).json()).toMatchObject({ revokeCategory: 'moved_out', revokeReason: '离婚后随子女迁往外地' });
  });

  it('says expired once the validity date has passed', async () => {
    const c = await freshCertificate('周过期');
    // Moves the stored validity back, as if the certificate had been issued long ago.
    await w.t.database.db.execute(sql`UPDATE certificate SET valid_until = '2020-01-01' WHERE id = ${c.id}`);
    expect((await verify(`code=${c.verifyCode}`)).json().status).toBe('expired');
  });

  it('notices a stored record altered behind the signature', async () => {
    const c = await freshCertificate('吴篡改');
    await w.t.database.db.execute(sql`UPDATE certificate SET public_text = replace(public_text, '吴篡改', '吴改过') WHERE id = ${c.id}`);
    expect((await verify(`code=${c.verifyCode}`)).json()).toMatchObject({ status: 'forged', reason: 'record_tampered' });
  });

  it('checks many at once, each with its own answer', async () => {
    const a = await freshCertificate('批量甲');
    const b = await freshCertificate('批量乙');
    const res = await w.t.call('POST', '/api/public/certificates/verify/batch', { body: { items: [{ code: a.verifyCode }, { payload: b.verifyUrl }, { code: 'ZZZZZ-ZZZZZ' }, { code: 'bad' }] } });
    expect(res.statusCode).toBe(200);
    const r = res.json().results;
    expect(r[0].verdict.status).toBe('valid');
    expect(r[1].verdict).toMatchObject({ status: 'valid', certificate: { subjectName: '批量乙' } });
    expect(r[2].verdict.status).toBe('not_found');
    expect(r[3].error.code).toBe('CERT_CODE_MALFORMED');
  });

  it('answers checks arriving at once each with its own record (their look-ups share one query)', async () => {
    const certs = [await freshCertificate('同时甲'), await freshCertificate('同时乙'), await freshCertificate('同时丙')];
    await w.t.call('POST', `/api/certificates/${certs[1]!.id}/revoke`, { token: w.worker, body: { category: 'other', reason: '并发测试' } });
    const asks = [
      ...certs.map((c) => verify(`code=${c.verifyCode}`)),
      ...certs.map((c) => w.t.call('POST', '/api/public/certificates/verify', { body: { payload: c.verifyUrl } })),
      verify('code=ZZZZZ-ZZZZY'),
    ];
    const answers = (await Promise.all(asks)).map((r) => r.json());
    expect(answers.map((a) => a.status)).toEqual(['valid', 'revoked', 'valid', 'valid', 'revoked', 'valid', 'not_found']);
    expect(answers.slice(0, 6).map((a) => a.certificate.subjectName)).toEqual(['同时甲', '同时乙', '同时丙', '同时甲', '同时乙', '同时丙']);
  });

  it('serves a repeated check of one certificate from the cache, and never a new one', async () => {
    const v = w.t.built.modules.certificates.service.verification;
    const c = await freshCertificate('缓存甲');
    const before = v.computed;
    const first = (await verify(`code=${c.verifyCode}`)).json();
    expect(first.signature.cached).toBe(false);
    expect(v.computed).toBe(before + 1);
    const again = (await verify(`code=${c.verifyCode}`)).json();
    expect(again.signature.cached).toBe(true);
    expect(v.computed).toBe(before + 1);
    const other = await freshCertificate('缓存乙');
    expect((await verify(`code=${other.verifyCode}`)).json().signature.cached).toBe(false);
    expect(v.computed).toBe(before + 2);
  });

  it('counts how often each certificate was checked', async () => {
    const c = await freshCertificate('计数');
    await verify(`code=${c.verifyCode}`);
    await verify(`code=${c.verifyCode}`);
    await w.t.built.modules.certificates.service.verification.flushCounts();
    const d = (await w.t.call('GET', `/api/certificates/${c.id}`, { token: w.worker })).json();
    expect(d.verifyCount).toBe(2);
    expect(d.lastVerifiedAt).not.toBeNull();
  });
});

describe('offline verification with the published keys (interoperability)', () => {
  it('verifies with sm-crypto and with the openssl command line, and refuses a tampered statement', async () => {
    const c = await freshCertificate('互通验证');
    const keys = (await w.t.call('GET', '/api/public/certificates/keys')).json();
    expect(keys.format).toBe('QC2');
    expect(keys.formats).toEqual(['QC2', 'QC1']);
    expect(keys.defaultSignerId).toBe('1234567812345678');
    const key = (keys.keys as Key[]).find((k) => k.kid === c.kid)!;
    expect(key).toMatchObject({ algorithm: 'SM2', signerId: '1234567812345678', unitCode: w.a.community.code, status: 'active' });
    // What a third party does with the QR content: base32-decode it; byte 1 is the statement's length.
    const p = payloadOf(c.verifyUrl);
    const dir = mkdtempSync(join(tmpdir(), 'qc-verify-'));
    writeFileSync(join(dir, 'p.txt'), `${p}${'='.repeat((8 - (p.length % 8)) % 8)}\n`);
    const blob = execFileSync('base32', ['-d', join(dir, 'p.txt')]);
    const n = blob[1]!;
    const statement = blob.subarray(0, n);
    const sig = blob.subarray(n);
    const d = decodePayload(c.verifyUrl);
    if (!d.ok) throw new Error('payload');
    expect(statement.equals(d.bytes)).toBe(true);
    // sm-crypto (an independent implementation): SM3 digest with Z(signer ID), DER signature.
    const sigHex = sig.toString('hex');
    const asArray = (b: Buffer) => [...b] as unknown as string;
    expect(smCrypto.sm2.doVerifySignature(asArray(statement), sigHex, key.publicKeyHex, { der: true, hash: true, userId: key.signerId! })).toBe(true);
    const tampered = Buffer.from(statement);
    tampered[27] ^= 1;
    expect(smCrypto.sm2.doVerifySignature(asArray(tampered), sigHex, key.publicKeyHex, { der: true, hash: true, userId: key.signerId! })).toBe(false);
    expect(smCrypto.sm2.doVerifySignature(asArray(statement), sigHex, key.publicKeyHex, { der: true, hash: true, userId: 'someone-else' })).toBe(false);

    // openssl 3 reads the published PEM as an SM2 key and verifies with the distinguishing ID.
    writeFileSync(join(dir, 'key.pem'), key.publicKeyPem);
    writeFileSync(join(dir, 'statement.bin'), statement);
    writeFileSync(join(dir, 'tampered.bin'), tampered);
    writeFileSync(join(dir, 'sig.der'), sig);
    const version = execFileSync('openssl', ['version'], { encoding: 'utf8' });
    expect(version).toMatch(/^OpenSSL 3\./);
    const args = (file: string, sigFile = 'sig.der') => ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${key.signerId}`, '-in', join(dir, file), '-sigfile', join(dir, sigFile)];
    const good = openssl(args('statement.bin'));
    expect(good.out).toContain('Signature Verified Successfully');
    expect(good.ok).toBe(true);
    expect(openssl(args('tampered.bin')).ok).toBe(false);
    // Also the form people find in guides: openssl dgst.
    expect(openssl(['dgst', '-sm3', '-verify', join(dir, 'key.pem'), '-sigopt', `distid:${key.signerId}`, '-signature', join(dir, 'sig.der'), join(dir, 'statement.bin')]).out).toContain('Verified OK');

    // An older QC1 certificate: its statement is text, checked the same way.
    const old = await freshCertificate('旧版互通');
    const legacy = await asLegacyQc1(w, old.id);
    const ld = decodePayload(legacy.verifyUrl);
    if (!ld.ok) throw new Error('payload');
    writeFileSync(join(dir, 'statement.txt'), ld.bytes);
    writeFileSync(join(dir, 'sig1.der'), ld.signature);
    expect(smCrypto.sm2.doVerifySignature(ld.bytes.toString('utf8'), ld.signature.toString('hex'), key.publicKeyHex, { der: true, hash: true, userId: key.signerId! })).toBe(true);
    expect(openssl(args('statement.txt', 'sig1.der')).ok).toBe(true);
  });

  it('rotates a unit’s key to Ed25519: old certificates still verify, new ones use the new key', async () => {
    const old = await freshCertificate('轮换前');
    const bad = await w.t.call('POST', '/api/certificates/keys/rotate', { token: w.admin, body: { unitNodeId: w.a.grid.id, algorithm: 'Ed25519', reason: '年度更换' } });
    expect(bad.json().error.code).toBe('CERT_KEY_UNIT_INVALID');
    expect((await w.t.call('POST', '/api/certificates/keys/rotate', { token: w.worker, body: { unitNodeId: w.a.community.id, algorithm: 'Ed25519', reason: '年度更换' } })).statusCode).toBe(403);
    const rot = await w.t.call('POST', '/api/certificates/keys/rotate', { token: w.admin, body: { unitNodeId: w.a.community.id, algorithm: 'Ed25519', reason: '年度更换' } });
    expect(rot.statusCode).toBe(201);
    const newKey = rot.json() as Key;
    expect(newKey).toMatchObject({ algorithm: 'Ed25519', signerId: null, status: 'active' });
    const keys = ((await w.t.call('GET', `/api/public/certificates/keys?unitCode=${w.a.community.code}`)).json().keys as Key[]);
    expect(keys.find((k) => k.kid === old.kid)!.status).toBe('retired');
    expect((await verify(`code=${old.verifyCode}`)).json()).toMatchObject({ status: 'valid', signature: { kid: old.kid, keyStatus: 'retired' } });
    expect((await w.t.call('POST', '/api/public/certificates/verify', { body: { payload: old.verifyUrl } })).json().status).toBe('valid');

    const fresh = await freshCertificate('轮换后');
    expect(fresh.kid).toBe(newKey.kid);
    expect(fresh.statement.startsWith('QC2:')).toBe(true);
    expect((await verify(`code=${fresh.verifyCode}`)).json()).toMatchObject({ status: 'valid', signature: { algorithm: 'Ed25519' } });
    const d = decodePayload(fresh.verifyUrl);
    if (!d.ok) throw new Error('payload');
    expect(nodeVerify(null, d.bytes, createPublicKey(newKey.publicKeyPem), d.signature)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'qc-ed-'));
    writeFileSync(join(dir, 'key.pem'), newKey.publicKeyPem);
    writeFileSync(join(dir, 'statement.txt'), d.bytes);
    writeFileSync(join(dir, 'sig.bin'), d.signature);
    expect(openssl(['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-in', join(dir, 'statement.txt'), '-sigfile', join(dir, 'sig.bin')]).ok).toBe(true);
    // Back to SM2 with a signer ID of the unit's own: published with the key, checked on verify.
    const sm2 = await w.t.call('POST', '/api/certificates/keys/rotate', { token: w.admin, body: { unitNodeId: w.a.community.id, algorithm: 'SM2', signerId: `QC${w.a.community.code}`, reason: '改回国密' } });
    expect(sm2.json().signerId).toBe(`QC${w.a.community.code}`);
    const third = await freshCertificate('自定义标识');
    expect(third.statement.startsWith('QC2:')).toBe(true);
    expect((await verify(`code=${third.verifyCode}`)).json()).toMatchObject({ status: 'valid', signature: { signerId: `QC${w.a.community.code}` } });
    const td = decodePayload((await w.t.call('GET', `/api/certificates/${(third as { id: number }).id}`, { token: w.worker })).json().verifyUrl);
    if (!td.ok) throw new Error('payload');
    expect(smCrypto.sm2.doVerifySignature([...td.bytes] as unknown as string, td.signature.toString('hex'), sm2.json().publicKeyHex, { der: true, hash: true, userId: `QC${w.a.community.code}` })).toBe(true);
    expect((await verify(`code=${fresh.verifyCode}`)).json().status).toBe('valid');
  });

  it('keeps private keys encrypted at rest', async () => {
    const rows = (await w.t.database.db.execute(sql`SELECT private_key_enc, public_key_hex FROM signing_key`)) as unknown as { rows: { private_key_enc: string; public_key_hex: string }[] };
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) {
      expect(r.private_key_enc.startsWith('s1.')).toBe(true);
      expect(r.private_key_enc).not.toContain('PRIVATE KEY');
    }
    const pub = (await w.t.call('GET', '/api/public/certificates/keys')).body;
    expect(pub).not.toContain('private');
  });
});
