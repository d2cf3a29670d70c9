import { describe, expect, it } from 'vitest';
import { evaluate, relationBetween, type SubjectFacts } from './preconditions.js';
import { checkTemplate, fill, needsOf } from './template.js';

const names = new Map([['low_income', { zh: '低保对象', en: 'minimum-living-allowance recipient' }], ['disabled', { zh: '残疾人', en: 'person with disability' }]]);
const facts: SubjectFacts = { today: '2026-03-01', birthDate: '1950-06-01', residentSince: '2025-12-01', residenceStatus: 'registered', labels: [], householdId: 1, householdSize: 2 };

describe('preconditions in plain words', () => {
  it('says what the rule is and what base data shows', () => {
    const r = evaluate({ type: 'resident_months', months: 6 }, facts, names);
    expect(r.ok).toBe(false);
    expect(r.rule.zh).toBe('在本社区居住满 6 个月');
    expect(r.found.zh).toBe('自2025年12月1日起居住，至今3个月');
    expect(evaluate({ type: 'resident_months', months: 3 }, facts, names).ok).toBe(true);
    expect(evaluate({ type: 'resident_months', months: 1 }, { ...facts, residentSince: null }, names).found.zh).toBe('未登记居住起始日期');
    expect(evaluate({ type: 'age_min', years: 60 }, facts, names)).toMatchObject({ ok: true, found: { zh: '现年 75 周岁' } });
    expect(evaluate({ type: 'lives_alone' }, facts, names)).toMatchObject({ ok: false, found: { zh: '户内登记 2 人' } });
    const l = evaluate({ type: 'labels_any', labels: ['low_income', 'disabled'], referTo: 'hardship_unrecognised' }, facts, names);
    expect(l).toMatchObject({ ok: false, referTo: 'hardship_unrecognised' });
    expect(l.found.zh).toBe('基础数据中没有低保对象、残疾人的有效登记');
    expect(evaluate({ type: 'labels_any', labels: ['low_income'] }, { ...facts, labels: [{ code: 'low_income', attributes: {} }] }, names).ok).toBe(true);
  });

  it('derives only relations the register states without doubt', () => {
    const p = (relationToHead: string, sex: string, birthDate = '1970-01-01') => ({ relationToHead, sex, birthDate });
    expect(relationBetween(p('02', '1'), p('10', '2'))?.zh).toBe('妻子');
    expect(relationBetween(p('10', '2'), p('02', '1'))?.zh).toBe('丈夫');
    expect(relationBetween(p('02', '2'), p('20', '1'))?.zh).toBe('儿子');
    expect(relationBetween(p('30', '2'), p('02', '2'))?.zh).toBe('母亲');
    expect(relationBetween(p('02', '1', '1970-01-01'), p('70', '2', '1968-05-05'))?.zh).toBe('姐姐');
    // The head's spouse and the head's child may be step-parent and step-child: not stated.
    expect(relationBetween(p('10', '2'), p('20', '1'))).toBeNull();
    expect(relationBetween(p('02', '1'), p('99', '2'))).toBeNull();
  });
});

describe('templates', () => {
  it('refuses unknown placeholders, stray braces and a body without the name', () => {
    expect(checkTemplate('兹证明{name}住{adress}。', false)?.zh).toContain('{adress}');
    expect(checkTemplate('兹证明{name}住{address。', false)?.zh).toBe('花括号不成对');
    expect(checkTemplate('兹证明此人。', false)?.zh).toContain('{name}');
    expect(checkTemplate('{name}与{relatedName}', false)?.zh).toContain('需要选择另一人');
    expect(checkTemplate('{name}与{relatedName}', true)).toBeNull();
  });

  it('lists the base data a template needs and never fills a blank', () => {
    expect(needsOf('{name}，{idNumber}，自{residentSince}起，已{residenceDuration}，用于{purpose}').map((n) => n.zh)).toEqual(['姓名', '证件号码', '居住起始日期']);
    const f = fill('兹证明{name}（{idNumber}）住{address}。', { name: '王秀英', idNumber: '140181194803020024', address: '' });
    expect(f.missing).toEqual(['address']);
    const g = fill('兹证明{name}（{idNumber}）。', { name: '王秀英', idNumber: '140181194803020024' });
    expect(g.text).toBe('兹证明王秀英（140181194803020024）。');
    expect(g.publicText).toBe('兹证明王秀英（140***********0024）。');
  });
});
