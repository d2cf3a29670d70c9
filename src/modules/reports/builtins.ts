// Templates the platform ships, approved from day one (the reports that matter most to a
// community): the monthly population and key-groups report by grid, elderly people living alone
// and their visits, low-income households, and the grid-worker assessment sheet that used to be
// copied by hand from the comprehensive-governance platform (综治平台).
//
// The assessment sheet counts what exists today: visits made and records kept fresh. Events
// handled and alerts answered are left out until the modules that record them publish report
// sources; adding those columns is then a new version of this template (see docs/reports.md).
import type { TemplateDefinition } from './definition.js';
import type { Cadence } from './tables.js';

export interface BuiltinTemplate {
  code: string;
  title: string;
  legalBasis: string;
  purpose: string;
  cadence: Cadence;
  deadlineDays: number;
  entitledDepartments: string[];
  handMinutesBefore: number;
  definition: TemplateDefinition;
}

const keyGroup = (key: string, title: string, label: string) => ({ key, title, group: '重点人群', unit: '人', measure: { kind: 'count' as const, where: [{ label }] } });

export const builtinTemplates: BuiltinTemplate[] = [
  {
    code: 'pop_monthly',
    title: '社区人口及重点人群月报表',
    legalBasis: '《中华人民共和国统计法》；基层治理“一次录入、多方共享”的基础数据管理要求',
    purpose: '按网格掌握实有人口、年龄结构和重点人群底数，供民政、公安、卫健等部门共同使用，不再分头向社区要数',
    cadence: 'monthly',
    deadlineDays: 5,
    entitledDepartments: ['civil_affairs', 'public_security', 'health', 'human_resources', 'disabled_federation', 'veterans_affairs'],
    handMinutesBefore: 240,
    definition: {
      sources: [
        { key: 'r', source: 'resident', filters: [] },
        { key: 'h', source: 'household', filters: [] },
      ],
      rows: [{ by: 'tree', level: 'grid' }],
      columns: [
        { key: 'households', title: '户数', group: '基本情况', unit: '户', measure: { kind: 'count', from: 'h' } },
        { key: 'total', title: '实有人口', group: '基本情况', unit: '人', measure: { kind: 'count' } },
        { key: 'male', title: '男', group: '性别', unit: '人', measure: { kind: 'count', where: [{ field: 'sex', op: 'eq', value: '1' }] } },
        { key: 'female', title: '女', group: '性别', unit: '人', measure: { kind: 'count', where: [{ field: 'sex', op: 'eq', value: '2' }] } },
        { key: 'registered', title: '户籍人口', group: '人口类别', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'registered' }] } },
        { key: 'nonHukou', title: '常住非户籍', group: '人口类别', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'resident' }] } },
        { key: 'floating', title: '流动人口', group: '人口类别', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'floating' }] } },
        { key: 'age0to17', title: '0-17岁', group: '年龄结构', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'lte', value: 17 }] } },
        { key: 'age18to59', title: '18-59岁', group: '年龄结构', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'between', value: [18, 59] }] } },
        { key: 'age60plus', title: '60岁及以上', group: '年龄结构', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 60 }] } },
        { key: 'age80plus', title: '80岁及以上', group: '年龄结构', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 80 }] } },
        { key: 'agedRate', title: '老龄化率', group: '年龄结构', unit: '%', measure: { kind: 'ratio', numerator: 'age60plus', denominator: 'total', scale: 100, decimals: 1 } },
        { key: 'births', title: '本月出生', group: '人口变动', unit: '人', measure: { kind: 'count', where: [{ field: 'birthDate', op: 'inPeriod' }] } },
        keyGroup('elderlyAlone', '独居老人', 'elderly_alone'),
        keyGroup('lowIncome', '低保对象', 'low_income'),
        keyGroup('extremePoverty', '特困人员', 'extreme_poverty'),
        keyGroup('disabled', '残疾人', 'disabled'),
        keyGroup('leftBehind', '留守儿童', 'left_behind_child'),
        keyGroup('veteran', '退役军人', 'veteran'),
        keyGroup('correction', '社区矫正对象', 'community_correction'),
        keyGroup('mental', '严重精神障碍患者', 'severe_mental'),
      ],
      // Small figures are protected along these sums too (a hidden 0-17 is not total − 18-59 − 60+).
      sums: [
        { total: 'total', parts: ['male', 'female'] },
        { total: 'total', parts: ['registered', 'nonHukou', 'floating'] },
        { total: 'total', parts: ['age0to17', 'age18to59', 'age60plus'] },
      ],
      manualFields: [{ key: 'remarks', title: '情况说明', type: 'text', scope: 'report', required: false, maxLength: 500, hint: '本月人口变动中基础数据无法反映的情况（可不填）' }],
      totals: true,
      notes: '数据取自社区基础数据，人数按月末在册人员统计，年龄按月末计算；重点人群按月末有效标签统计。',
    },
  },
  {
    code: 'elderly_alone_care',
    title: '独居老人关爱走访情况月报表',
    legalBasis: '《关于加强独居老年人关爱服务工作的指导意见》；民政部门特殊困难老年人探访关爱制度',
    purpose: '掌握每个网格独居老人数量与走访覆盖情况，及时发现长期未走访的老人',
    cadence: 'monthly',
    deadlineDays: 5,
    entitledDepartments: ['civil_affairs', 'health'],
    handMinutesBefore: 120,
    definition: {
      sources: [
        { key: 'r', source: 'resident', filters: [{ label: 'elderly_alone' }] },
        { key: 'v', source: 'visit', filters: [{ label: 'elderly_alone' }, { field: 'visitedAt', op: 'inPeriod' }] },
      ],
      rows: [{ by: 'tree', level: 'grid' }],
      columns: [
        { key: 'alone', title: '独居老人', unit: '人', measure: { kind: 'count' } },
        { key: 'alone80', title: '其中80岁以上', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 80 }] } },
        { key: 'visitedInMonth', title: '本月已走访', group: '走访情况', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'inPeriod' }] } },
        { key: 'visits', title: '本月走访人次', group: '走访情况', unit: '次', measure: { kind: 'count', from: 'v' } },
        { key: 'coverage', title: '走访覆盖率', group: '走访情况', unit: '%', measure: { kind: 'ratio', numerator: 'visitedInMonth', denominator: 'alone', scale: 100, decimals: 1 } },
        { key: 'over30', title: '超30天未走访', group: '需关注', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'notWithinDays', value: 30 }] } },
        { key: 'never', title: '从未走访', group: '需关注', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'isNull' }] } },
        { key: 'oldestVisit', title: '最久一次走访日期', group: '需关注', measure: { kind: 'min', field: 'lastVisitAt' } },
      ],
      manualFields: [{ key: 'issues', title: '走访发现的问题及处理', type: 'text', scope: 'report', required: false, maxLength: 1000 }],
      totals: true,
      notes: '“本月已走访”指最近一次走访在本月内；“超30天未走访”含从未走访。点击数字可查看对应老人名单及最近走访日期。',
    },
  },
  {
    code: 'low_income_monthly',
    title: '低保及特困人员月报表',
    legalBasis: '《社会救助暂行办法》；最低生活保障动态管理要求',
    purpose: '按网格统计低保对象、低保户、保障金额及本月增减，特困供养人员数量',
    cadence: 'monthly',
    deadlineDays: 5,
    entitledDepartments: ['civil_affairs'],
    handMinutesBefore: 90,
    definition: {
      sources: [
        { key: 'l', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'low_income' }] },
        { key: 'x', source: 'label', filters: [{ field: 'labelCode', op: 'eq', value: 'extreme_poverty' }] },
      ],
      rows: [{ by: 'tree', level: 'grid' }],
      columns: [
        { key: 'households', title: '低保户', group: '低保', unit: '户', measure: { kind: 'countDistinct', field: 'householdId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
        { key: 'persons', title: '低保对象', group: '低保', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
        { key: 'amount', title: '月保障金额', group: '低保', unit: '元', measure: { kind: 'sum', field: 'attr.monthlyAmount', where: [{ field: 'activeAtEnd', op: 'isTrue' }], decimals: 0 } },
        { key: 'avgAmount', title: '人均保障金额', group: '低保', unit: '元', measure: { kind: 'avg', field: 'attr.monthlyAmount', where: [{ field: 'activeAtEnd', op: 'isTrue' }], decimals: 0 } },
        { key: 'added', title: '本月新增', group: '本月变动', unit: '人', measure: { kind: 'count', where: [{ field: 'startedInPeriod', op: 'isTrue' }] } },
        { key: 'ended', title: '本月退出', group: '本月变动', unit: '人', measure: { kind: 'count', where: [{ field: 'endedInPeriod', op: 'isTrue' }] } },
        { key: 'extreme', title: '特困供养人员', unit: '人', measure: { kind: 'countDistinct', from: 'x', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
      ],
      manualFields: [],
      totals: true,
      notes: '低保、特困标签由民政部门在平台维护，社区无需手工统计。',
    },
  },
  {
    code: 'grid_worker_assessment',
    title: '网格员工作考核表',
    legalBasis: '网格化服务管理考核办法；网格员工作职责清单',
    purpose: '从平台工作记录生成网格员走访与数据维护情况，替代从综治平台手工抄录的考核表',
    cadence: 'monthly',
    deadlineDays: 5,
    entitledDepartments: [],
    handMinutesBefore: 180,
    definition: {
      sources: [
        { key: 'v', source: 'visit', filters: [{ field: 'visitedAt', op: 'inPeriod' }] },
        { key: 'rv', source: 'review', filters: [{ field: 'owner', op: 'eq', value: 'community' }] },
        { key: 'e', source: 'resident', filters: [{ label: 'elderly_alone' }] },
      ],
      rows: [{ by: 'tree', level: 'grid' }],
      columns: [
        { key: 'visits', title: '走访次数', group: '走访', unit: '次', measure: { kind: 'count' } },
        { key: 'careVisits', title: '其中关爱探访', group: '走访', unit: '次', measure: { kind: 'count', where: [{ field: 'kind', op: 'eq', value: 'care' }] } },
        { key: 'people', title: '走访人数', group: '走访', unit: '人', measure: { kind: 'countDistinct', field: 'residentId' } },
        { key: 'confirming', title: '核实记录的走访', group: '走访', unit: '次', measure: { kind: 'count', where: [{ field: 'confirmed', op: 'isTrue' }] } },
        { key: 'alone', title: '独居老人', group: '独居老人探访', unit: '人', measure: { kind: 'count', from: 'e' } },
        { key: 'alone30', title: '30天内已探访', group: '独居老人探访', unit: '人', measure: { kind: 'count', from: 'e', where: [{ field: 'lastVisitAt', op: 'withinDays', value: 30 }] } },
        { key: 'aloneRate', title: '探访率', group: '独居老人探访', unit: '%', measure: { kind: 'ratio', numerator: 'alone30', denominator: 'alone', scale: 100, decimals: 1 } },
        { key: 'reviews', title: '应维护数据项', group: '数据维护', unit: '项', measure: { kind: 'count', from: 'rv' } },
        { key: 'fresh', title: '按期维护', group: '数据维护', unit: '项', measure: { kind: 'count', from: 'rv', where: [{ field: 'fresh', op: 'isTrue' }] } },
        { key: 'freshRate', title: '按期维护率', group: '数据维护', unit: '%', measure: { kind: 'ratio', numerator: 'fresh', denominator: 'reviews', scale: 100, decimals: 1 } },
        { key: 'stale', title: '逾期未维护', group: '数据维护', unit: '项', measure: { kind: 'count', from: 'rv', where: [{ field: 'fresh', op: 'isFalse' }] } },
      ],
      sums: [{ total: 'reviews', parts: ['fresh', 'stale'] }],
      manualFields: [{ key: 'otherWork', title: '其他工作情况', type: 'text', scope: 'row', required: false, maxLength: 200 }],
      totals: true,
      notes: '走访与数据维护情况由平台工作记录自动生成。事件办理、预警响应两项待相应功能上线后由平台自动统计，不再手工填写。',
    },
  },
];
