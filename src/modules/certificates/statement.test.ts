import { describe, expect, it } from 'vitest';
import { normaliseVerifyCode, newVerifyCode, monthsBetween, durationZh, chineseDate, addDays } from '../../platform/dates.js';
import { base32, compactStatement, decodePayload, encodePayload, formatStatement, parseCompact, parseStatement, qrSegments, storedForm, textDigest, unbase32, verificationUrl, type Statement } from './statement.js';
import QRCode from 'qrcode';
import { generateSigningKey, Signer, Verifier } from './signing.js';

const base: Statement = {
  format: 'QC1', algorithm: 'SM2', signerId: '1234567812345678', kid: 'a1b2c3d4', number: '140109004001-2026-00001', verifyCode: 'K7QM9XRT2B', kind: 'residence', unitCode: '140109004001',
  subjectName: '王秀英', subjectIdMasked: '140***********0024', issuedOn: '2026-03-01', validUntil: '2026-05-30', digest: textDigest('兹证明王秀英。'),
};

describe('the QC1 statement', () => {
  it('round-trips through text and the QR payload, signed and verified with SM2 and Ed25519', () => {
    for (const algorithm of ['SM2', 'Ed25519'] as const) {
      const k = generateSigningKey(algorithm);
      const st = { ...base, algorithm, signerId: algorithm === 'SM2' ? base.signerId : null };
      const text = formatStatement(st);
      const sig = new Signer(algorithm, k.privateKey, k.publicKeyHex, st.signerId).sign(text);
      const d = decodePayload(`https://qc.example.cn/verify?p=${encodePayload(text, sig)}`);
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      expect(d.statement).toEqual(st);
      const v = new Verifier(algorithm, k.publicKeyHex, k.publicKeyPem, st.signerId);
      expect(v.verify(d.bytes, d.signature)).toBe(true);
      expect(v.verify(d.bytes.toString('utf8').replace('王秀英', '王秀才'), d.signature)).toBe(false);
    }
  });

  it('binds the SM2 signer ID: a signature made under another ID does not verify', () => {
    const k = generateSigningKey('SM2');
    const text = formatStatement(base);
    const sig = new Signer('SM2', k.privateKey, k.publicKeyHex, 'another-signer').sign(text);
    expect(new Verifier('SM2', k.publicKeyHex, k.publicKeyPem, '1234567812345678').verify(text, sig)).toBe(false);
    expect(new Verifier('SM2', k.publicKeyHex, k.publicKeyPem, 'another-signer').verify(text, sig)).toBe(true);
  });

  it('refuses fields with separators and explains malformed payloads', () => {
    expect(() => formatStatement({ ...base, subjectName: '王|秀英' })).toThrow();
    expect(parseStatement('QC2|x').ok).toBe(false);
    expect(decodePayload('AAAA').ok).toBe(false);
    expect(decodePayload('hello').ok).toBe(false);
    expect(decodePayload('abc.def').ok).toBe(false);
    const bad = decodePayload(`${Buffer.from('QC1|SM2|x').toString('base64url')}.AAAA`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason.zh).toContain('字段');
  });
});

describe('the compact QC2 statement', () => {
  const fields = { kid: 'a1b2c3d4', number: '140109004001-2026-00012', verifyCode: 'K7QM9XRT2B', kind: 'residence', unitCode: '140109004001', subjectName: '欧阳秀英', subjectIdMasked: '140***********002X', issuedOn: '2026-03-01', validUntil: '2026-05-30', digest: textDigest('兹证明欧阳秀英。') };

  it('round-trips every field, and is signed and verified as bytes with SM2 and Ed25519', () => {
    const bytes = compactStatement(fields)!;
    expect(bytes.length).toBeLessThan(100);
    expect(bytes[0]).toBe(2);
    expect(bytes[1]).toBe(bytes.length);
    const p = parseCompact(bytes);
    expect(p.ok && p.statement).toEqual({ ...fields, format: 'QC2', algorithm: null, signerId: null });
    for (const algorithm of ['SM2', 'Ed25519'] as const) {
      const k = generateSigningKey(algorithm);
      const signerId = algorithm === 'SM2' ? '1234567812345678' : null;
      const sig = new Signer(algorithm, k.privateKey, k.publicKeyHex, signerId).sign(bytes);
      const url = verificationUrl('https://qc.example.cn', encodePayload(storedForm('QC2', bytes), sig));
      expect(url).toMatch(/\/verify\?p=[A-Z2-7]+$/);
      const d = decodePayload(url);
      if (!d.ok) throw new Error(d.reason.en);
      expect(d.stored).toBe(storedForm('QC2', bytes));
      expect(d.signature.equals(sig)).toBe(true);
      const v = new Verifier(algorithm, k.publicKeyHex, k.publicKeyPem, signerId);
      expect(v.verify(d.bytes, d.signature)).toBe(true);
      const altered = Buffer.from(d.bytes);
      altered[26] ^= 1;
      expect(v.verify(altered, d.signature)).toBe(false);
      // Lower case, as some scanners give it, reads the same.
      expect(decodePayload(url.replace(/p=.*/, (m) => m.toLowerCase().replace('p=', 'p=')))).toMatchObject({ ok: true });
    }
  });

  it('keeps the QR code small: version 11 or less with the address, against 15 for QC1', () => {
    const bytes = compactStatement(fields)!;
    const qc2 = verificationUrl('https://zwfw.taiyuan.gov.cn', encodePayload(storedForm('QC2', bytes), Buffer.alloc(72, 7)));
    expect(QRCode.create(qrSegments(qc2), { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(11);
    const qc1 = verificationUrl('https://zwfw.taiyuan.gov.cn', encodePayload(formatStatement({ ...fields, algorithm: 'SM2', signerId: '1234567812345678' }), Buffer.alloc(72, 7)));
    expect(QRCode.create(qrSegments(qc1), { errorCorrectionLevel: 'M' }).version).toBeGreaterThanOrEqual(14);
  });

  it('falls back to QC1 for what it cannot hold, and decodes base32 exactly', () => {
    expect(compactStatement({ ...fields, kid: 'a1b2c3d4e5' })).toBeNull();
    expect(compactStatement({ ...fields, number: 'X-1' })).toBeNull();
    expect(compactStatement({ ...fields, subjectName: '名'.repeat(100) })).toBeNull();
    const p = parseCompact(compactStatement({ ...fields, subjectIdMasked: '-' })!);
    expect(p.ok && p.statement.subjectIdMasked).toBe('-');
    for (let n = 0; n < 20; n++) {
      const b = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 255));
      expect(unbase32(base32(b))!.equals(b)).toBe(true);
    }
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });
});

describe('codes and dates', () => {
  it('reads verification codes the way people type them', () => {
    const c = newVerifyCode();
    expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(normaliseVerifyCode('k7qm9-xrt2b')).toBe('K7QM9XRT2B');
    expect(normaliseVerifyCode('OIL23 45678')).toBe('01123 45678'.replace(' ', ''));
    expect(normaliseVerifyCode('K7QM9-XRT2')).toBeNull();
    expect(normaliseVerifyCode('K7QM9-XRT2U')).toBeNull();
  });

  it('counts whole months and prints Chinese dates', () => {
    expect(monthsBetween('2024-01-31', '2024-02-29')).toBe(0);
    expect(monthsBetween('2024-01-15', '2024-07-15')).toBe(6);
    expect(monthsBetween('2024-01-16', '2024-07-15')).toBe(5);
    expect(durationZh(27)).toBe('2年3个月');
    expect(durationZh(12)).toBe('1年');
    expect(chineseDate('2026-03-01')).toBe('2026年3月1日');
    expect(addDays('2026-02-27', 3)).toBe('2026-03-02');
  });
});
