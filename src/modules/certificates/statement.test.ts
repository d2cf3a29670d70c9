import { describe, expect, it } from 'vitest';
import { normaliseVerifyCode, newVerifyCode, monthsBetween, durationZh, chineseDate, addDays } from './dates.js';
import { decodePayload, encodePayload, formatStatement, parseStatement, textDigest, type Statement } from './statement.js';
import { generateSigningKey, Signer, Verifier } from './signing.js';

const base: Statement = {
  algorithm: 'SM2', signerId: '1234567812345678', kid: 'a1b2c3d4', number: '140109004001-2026-00001', verifyCode: 'K7QM9XRT2B', kind: 'residence', unitCode: '140109004001',
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
      expect(v.verify(d.statementText, d.signature)).toBe(true);
      expect(v.verify(d.statementText.replace('王秀英', '王秀才'), d.signature)).toBe(false);
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
    expect(decodePayload('hello').ok).toBe(false);
    expect(decodePayload('abc.def').ok).toBe(false);
    const bad = decodePayload(`${Buffer.from('QC1|SM2|x').toString('base64url')}.AAAA`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason.zh).toContain('字段');
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
