import { describe, expect, it } from 'vitest';
import { checkCreditCode, checkIdNumber, checkPersonName, checkPhone, creditCheckChar, idCheckChar, maskIdNumber, maskPhone } from './validation.js';

describe('GB 11643 ID numbers', () => {
  it('computes the check character with the standard weights', () => {
    // The standard's worked example: 11010519491231002 -> X.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('14010919800101001')).toBe(idCheckChar('14010919800101001'));
  });

  it('accepts a valid number and derives birth date, sex and address code', () => {
    const r = checkIdNumber('11010519491231002X');
    expect(r.ok && r.value).toEqual({ number: '11010519491231002X', birthDate: '1949-12-31', sex: '2', addressCode: '110105', converted: false });
  });

  it('accepts a lower-case x and full-width digits', () => {
    expect(checkIdNumber('11010519491231002x').ok).toBe(true);
    expect(checkIdNumber('１１０１０５１９４９１２３１００２Ｘ').ok).toBe(true);
  });

  it('refuses a wrong check digit and names the expected one', () => {
    const r = checkIdNumber('110105194912310021');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.zh).toContain('应为 X');
  });

  it('refuses impossible dates, wrong lengths and letters', () => {
    const feb30 = '1401091990023' + '0001';
    expect(checkIdNumber(feb30 + idCheckChar(feb30)).ok).toBe(false);
    expect(checkIdNumber('1401').ok).toBe(false);
    expect(checkIdNumber('14010919900101A01X').ok).toBe(false);
    const future = '140109' + String(new Date().getFullYear() + 1) + '0101001';
    expect(checkIdNumber(future + idCheckChar(future)).ok).toBe(false);
  });

  it('converts a 15-digit legacy number to 18 digits', () => {
    const r = checkIdNumber('140109800101001');
    expect(r.ok && r.value.number).toBe(`14010919800101001${idCheckChar('14010919800101001')}`);
    expect(r.ok && r.value.converted).toBe(true);
    expect(r.ok && r.value.sex).toBe('1');
  });

  it('does not check the address code against today’s list (abolished codes stay valid)', () => {
    // 142301 was 离石县 before 1996; numbers issued then are still valid.
    const n = '14230119700101002';
    expect(checkIdNumber(n + idCheckChar(n)).ok).toBe(true);
  });
});

describe('phones', () => {
  it('accepts mobiles with or without +86 and landlines with area codes', () => {
    expect(checkPhone('13812345678')).toEqual({ ok: true, value: { number: '13812345678', kind: 'mobile' } });
    expect(checkPhone('+86 138 1234 5678').ok).toBe(true);
    expect(checkPhone('0351-1234567')).toEqual({ ok: true, value: { number: '0351-1234567', kind: 'landline' } });
    expect(checkPhone('010-12345678')).toEqual({ ok: true, value: { number: '010-12345678', kind: 'landline' } });
  });
  it('reads the styles registers write numbers in, and stores one form', () => {
    for (const raw of ['138-5618-9989', '138 5618 9989', '138.5618.9989', '+86 13856189989', '+86-138-5618-9989', '0086 138 5618 9989', '8613856189989', '１３８５６１８９９８９']) {
      expect(checkPhone(raw), raw).toEqual({ ok: true, value: { number: '13856189989', kind: 'mobile' } });
    }
    for (const raw of ['0351-6123456', '0351 6123456', '(0351)6123456', '（0351）6123456', '03516123456', '+86 351 6123456', '0351-612-3456']) {
      expect(checkPhone(raw), raw).toEqual({ ok: true, value: { number: '0351-6123456', kind: 'landline' } });
    }
    expect(checkPhone('021-5432 1234')).toEqual({ ok: true, value: { number: '021-54321234', kind: 'landline' } });
  });
  it('says what is wrong with a number that is not one', () => {
    expect(checkPhone('1381234567')).toMatchObject({ ok: false, reason: { zh: '手机号应为 11 位（当前 10 位）' } });
    expect(checkPhone('6123456')).toMatchObject({ ok: false, reason: { zh: '座机号码缺少区号（如 0351-）' } });
  });
  it('refuses short numbers and non-numbers', () => {
    expect(checkPhone('1381234567').ok).toBe(false);
    expect(checkPhone('12812345678').ok).toBe(false);
    expect(checkPhone('abc').ok).toBe(false);
  });
});

describe('GB 32100 credit codes', () => {
  it('validates the check character', () => {
    const body = '91140100MA0KXXXX1';
    const ok = body + creditCheckChar(body);
    expect(checkCreditCode(ok).ok).toBe(true);
    const wrong = body + (creditCheckChar(body) === '0' ? '1' : '0');
    expect(checkCreditCode(wrong).ok).toBe(false);
    expect(checkCreditCode('91140100MA0KXXXXI1').ok).toBe(false); // I is not in the alphabet
  });
});

describe('names and masking', () => {
  it('accepts Han names and minority names with a middle dot', () => {
    expect(checkPersonName('张三').ok).toBe(true);
    expect(checkPersonName('买买提·艾力').ok).toBe(true);
    expect(checkPersonName('张三<script>').ok).toBe(false);
    expect(checkPersonName('  ').ok).toBe(false);
  });
  it('masks ID numbers and phones', () => {
    expect(maskIdNumber('140109198001010017')).toBe('140***********0017');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
