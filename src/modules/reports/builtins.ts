// Templates the platform ships, approved from day one (the reports that matter most to a
// community): the monthly population and key-groups report by grid, elderly people living alone
// and their visits, low-income households, and the grid-worker assessment sheet that used to be
// copied by hand from the comprehensive-governance platform (综治平台).
//
// The assessment sheet counts what exists today: visits made and records kept fresh. Events
// handled and alerts answered are left out until the modules that record them publish report
// sources; adding those columns is then a new version of this template (see docs/reports.md).
import type { TemplateDefinition } from './definition.js';
import type { Cadence, TemplateEnglish } from './schemas.js';

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
  /** The template's texts in English (served beside the Chinese). */
  en: Required<Pick<TemplateEnglish, 'title' | 'legalBasis' | 'purpose'>>;
}

/** Who files the built-in templates: the burden-reduction office, on the platform's behalf. */
export const BUILTIN_DEPARTMENT = { zh: '基层减负办（平台统一制发）', en: 'Burden-reduction office (issued with the platform)' };

const keyGroup = (key: string, title: string, titleEn: string, label: string) => ({ key, title, titleEn, group: '重点人群', groupEn: 'Key groups', unit: '人', measure: { kind: 'count' as const, where: [{ label }] } });

export const builtinTemplates: BuiltinTemplate[] = [
  {
    code: 'pop_monthly',
    en: { title: 'Monthly population and key groups report', legalBasis: "Statistics Law of the People's Republic of China; the rule that base data is entered once and shared by every department", purpose: 'Population, age structure and key groups per grid, shared by civil affairs, police, health and others, so that no department asks communities for them separately' },
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
        { key: 'households', title: '户数', titleEn: 'Households', group: '基本情况', groupEn: 'Basics', unit: '户', measure: { kind: 'count', from: 'h' } },
        { key: 'total', title: '实有人口', titleEn: 'Population', group: '基本情况', groupEn: 'Basics', unit: '人', measure: { kind: 'count' } },
        { key: 'male', title: '男', titleEn: 'Male', group: '性别', groupEn: 'Sex', unit: '人', measure: { kind: 'count', where: [{ field: 'sex', op: 'eq', value: '1' }] } },
        { key: 'female', title: '女', titleEn: 'Female', group: '性别', groupEn: 'Sex', unit: '人', measure: { kind: 'count', where: [{ field: 'sex', op: 'eq', value: '2' }] } },
        { key: 'registered', title: '户籍人口', titleEn: 'Registered (hukou)', group: '人口类别', groupEn: 'Category', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'registered' }] } },
        { key: 'nonHukou', title: '常住非户籍', titleEn: 'Resident, not registered', group: '人口类别', groupEn: 'Category', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'resident' }] } },
        { key: 'floating', title: '流动人口', titleEn: 'Floating', group: '人口类别', groupEn: 'Category', unit: '人', measure: { kind: 'count', where: [{ field: 'residenceStatus', op: 'eq', value: 'floating' }] } },
        { key: 'age0to17', title: '0-17岁', titleEn: 'Aged 0-17', group: '年龄结构', groupEn: 'Age', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'lte', value: 17 }] } },
        { key: 'age18to59', title: '18-59岁', titleEn: 'Aged 18-59', group: '年龄结构', groupEn: 'Age', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'between', value: [18, 59] }] } },
        { key: 'age60plus', title: '60岁及以上', titleEn: 'Aged 60+', group: '年龄结构', groupEn: 'Age', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 60 }] } },
        { key: 'age80plus', title: '80岁及以上', titleEn: 'Aged 80+', group: '年龄结构', groupEn: 'Age', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 80 }] } },
        { key: 'agedRate', title: '老龄化率', titleEn: 'Share aged 60+', group: '年龄结构', groupEn: 'Age', unit: '%', measure: { kind: 'ratio', numerator: 'age60plus', denominator: 'total', scale: 100, decimals: 1 } },
        { key: 'births', title: '本月出生', titleEn: 'Births this month', group: '人口变动', groupEn: 'Changes', unit: '人', measure: { kind: 'count', where: [{ field: 'birthDate', op: 'inPeriod' }] } },
        keyGroup('elderlyAlone', '独居老人', 'Elderly living alone', 'elderly_alone'),
        keyGroup('lowIncome', '低保对象', 'Minimum allowance', 'low_income'),
        keyGroup('extremePoverty', '特困人员', 'Extreme poverty', 'extreme_poverty'),
        keyGroup('disabled', '残疾人', 'Disabled', 'disabled'),
        keyGroup('leftBehind', '留守儿童', 'Left-behind children', 'left_behind_child'),
        keyGroup('veteran', '退役军人', 'Veterans', 'veteran'),
        keyGroup('correction', '社区矫正对象', 'Community corrections', 'community_correction'),
        keyGroup('mental', '严重精神障碍患者', 'Severe mental disorder', 'severe_mental'),
      ],
      // Small figures are protected along these sums too (a hidden 0-17 is not total − 18-59 − 60+).
      sums: [
        { total: 'total', parts: ['male', 'female'] },
        { total: 'total', parts: ['registered', 'nonHukou', 'floating'] },
        { total: 'total', parts: ['age0to17', 'age18to59', 'age60plus'] },
      ],
      manualFields: [{ key: 'remarks', title: '情况说明', titleEn: 'Remarks', type: 'text', scope: 'report', required: false, maxLength: 500, hint: '本月人口变动中基础数据无法反映的情况（可不填）', hintEn: 'Changes this month that base data does not show (optional)' }],
      totals: true,
      notes: '数据取自社区基础数据，人数按月末在册人员统计，年龄按月末计算；重点人群按月末有效标签统计。',
      notesEn: "Figures come from the community's base data: people on the register at the end of the month, ages as at the month's end, key groups by the labels held at the month's end.",
    },
  },
  {
    code: 'elderly_alone_care',
    en: { title: 'Monthly care visits to elderly people living alone', legalBasis: "Guidance on care services for elderly people living alone; civil affairs' visiting system for elderly people in special difficulty", purpose: 'How many elderly people live alone in each grid and how well visits cover them, so that anyone long unvisited is noticed in time' },
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
        { key: 'alone', title: '独居老人', titleEn: 'Elderly living alone', unit: '人', measure: { kind: 'count' } },
        { key: 'alone80', title: '其中80岁以上', titleEn: 'Of whom aged 80+', unit: '人', measure: { kind: 'count', where: [{ field: 'age', op: 'gte', value: 80 }] } },
        { key: 'visitedInMonth', title: '本月已走访', titleEn: 'Visited this month', group: '走访情况', groupEn: 'Visits', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'inPeriod' }] } },
        { key: 'visits', title: '本月走访人次', titleEn: 'Visits this month', group: '走访情况', groupEn: 'Visits', unit: '次', measure: { kind: 'count', from: 'v' } },
        { key: 'coverage', title: '走访覆盖率', titleEn: 'Visit coverage', group: '走访情况', groupEn: 'Visits', unit: '%', measure: { kind: 'ratio', numerator: 'visitedInMonth', denominator: 'alone', scale: 100, decimals: 1 } },
        { key: 'over30', title: '超30天未走访', titleEn: 'Not visited for 30+ days', group: '需关注', groupEn: 'Needs attention', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'notWithinDays', value: 30 }] } },
        { key: 'never', title: '从未走访', titleEn: 'Never visited', group: '需关注', groupEn: 'Needs attention', unit: '人', measure: { kind: 'count', where: [{ field: 'lastVisitAt', op: 'isNull' }] } },
        { key: 'oldestVisit', title: '最久一次走访日期', titleEn: 'Oldest last visit', group: '需关注', groupEn: 'Needs attention', measure: { kind: 'min', field: 'lastVisitAt' } },
      ],
      manualFields: [{ key: 'issues', title: '走访发现的问题及处理', titleEn: 'Problems found on visits and what was done', type: 'text', scope: 'report', required: false, maxLength: 1000 }],
      totals: true,
      notes: '“本月已走访”指最近一次走访在本月内；“超30天未走访”含从未走访。点击数字可查看对应老人名单及最近走访日期。',
      notesEn: '"Visited this month": the last visit fell in this month; "not visited for 30+ days" includes those never visited. Click a figure to list the people and their last visit.',
    },
  },
  {
    code: 'low_income_monthly',
    en: { title: 'Monthly minimum living allowance and extreme poverty report', legalBasis: 'Interim Measures for Social Assistance; dynamic management of the minimum living allowance', purpose: "Recipients, households, amounts and this month's changes of the minimum living allowance per grid, and people in extreme-poverty support" },
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
        { key: 'households', title: '低保户', titleEn: 'Households', group: '低保', groupEn: 'Minimum living allowance', unit: '户', measure: { kind: 'countDistinct', field: 'householdId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
        { key: 'persons', title: '低保对象', titleEn: 'Recipients', group: '低保', groupEn: 'Minimum living allowance', unit: '人', measure: { kind: 'countDistinct', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
        { key: 'amount', title: '月保障金额', titleEn: 'Monthly allowance', group: '低保', groupEn: 'Minimum living allowance', unit: '元', measure: { kind: 'sum', field: 'attr.monthlyAmount', where: [{ field: 'activeAtEnd', op: 'isTrue' }], decimals: 0 } },
        { key: 'avgAmount', title: '人均保障金额', titleEn: 'Average per person', group: '低保', groupEn: 'Minimum living allowance', unit: '元', measure: { kind: 'avg', field: 'attr.monthlyAmount', where: [{ field: 'activeAtEnd', op: 'isTrue' }], decimals: 0 } },
        { key: 'added', title: '本月新增', titleEn: 'Joined this month', group: '本月变动', groupEn: 'This month', unit: '人', measure: { kind: 'count', where: [{ field: 'startedInPeriod', op: 'isTrue' }] } },
        { key: 'ended', title: '本月退出', titleEn: 'Left this month', group: '本月变动', groupEn: 'This month', unit: '人', measure: { kind: 'count', where: [{ field: 'endedInPeriod', op: 'isTrue' }] } },
        { key: 'extreme', title: '特困供养人员', titleEn: 'Extreme poverty support', unit: '人', measure: { kind: 'countDistinct', from: 'x', field: 'residentId', where: [{ field: 'activeAtEnd', op: 'isTrue' }] } },
      ],
      manualFields: [],
      totals: true,
      notes: '低保、特困标签由民政部门在平台维护，社区无需手工统计。',
      notesEn: 'Minimum allowance and extreme-poverty labels are kept by civil affairs on the platform; communities count nothing by hand.',
    },
  },
  {
    code: 'grid_worker_assessment',
    en: { title: 'Grid worker assessment sheet', legalBasis: "Assessment rules for grid-based service management; the grid worker's list of duties", purpose: "Grid workers' visits and data upkeep from the platform's work records, replacing the sheet copied by hand from the comprehensive-governance platform" },
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
        { key: 'visits', title: '走访次数', titleEn: 'Visits', group: '走访', groupEn: 'Visits', unit: '次', measure: { kind: 'count' } },
        { key: 'careVisits', title: '其中关爱探访', titleEn: 'Of which care visits', group: '走访', groupEn: 'Visits', unit: '次', measure: { kind: 'count', where: [{ field: 'kind', op: 'eq', value: 'care' }] } },
        { key: 'people', title: '走访人数', titleEn: 'People visited', group: '走访', groupEn: 'Visits', unit: '人', measure: { kind: 'countDistinct', field: 'residentId' } },
        { key: 'confirming', title: '核实记录的走访', titleEn: 'Visits confirming records', group: '走访', groupEn: 'Visits', unit: '次', measure: { kind: 'count', where: [{ field: 'confirmed', op: 'isTrue' }] } },
        { key: 'alone', title: '独居老人', titleEn: 'Elderly living alone', group: '独居老人探访', groupEn: 'Elderly living alone', unit: '人', measure: { kind: 'count', from: 'e' } },
        { key: 'alone30', title: '30天内已探访', titleEn: 'Visited within 30 days', group: '独居老人探访', groupEn: 'Elderly living alone', unit: '人', measure: { kind: 'count', from: 'e', where: [{ field: 'lastVisitAt', op: 'withinDays', value: 30 }] } },
        { key: 'aloneRate', title: '探访率', titleEn: 'Visit rate', group: '独居老人探访', groupEn: 'Elderly living alone', unit: '%', measure: { kind: 'ratio', numerator: 'alone30', denominator: 'alone', scale: 100, decimals: 1 } },
        { key: 'reviews', title: '应维护数据项', titleEn: 'Items due for review', group: '数据维护', groupEn: 'Data upkeep', unit: '项', measure: { kind: 'count', from: 'rv' } },
        { key: 'fresh', title: '按期维护', titleEn: 'Reviewed on time', group: '数据维护', groupEn: 'Data upkeep', unit: '项', measure: { kind: 'count', from: 'rv', where: [{ field: 'fresh', op: 'isTrue' }] } },
        { key: 'freshRate', title: '按期维护率', titleEn: 'On-time rate', group: '数据维护', groupEn: 'Data upkeep', unit: '%', measure: { kind: 'ratio', numerator: 'fresh', denominator: 'reviews', scale: 100, decimals: 1 } },
        { key: 'stale', title: '逾期未维护', titleEn: 'Overdue', group: '数据维护', groupEn: 'Data upkeep', unit: '项', measure: { kind: 'count', from: 'rv', where: [{ field: 'fresh', op: 'isFalse' }] } },
      ],
      sums: [{ total: 'reviews', parts: ['fresh', 'stale'] }],
      manualFields: [{ key: 'otherWork', title: '其他工作情况', titleEn: 'Other work', type: 'text', scope: 'row', required: false, maxLength: 200, hint: '各网格本月其他工作（可不填）', hintEn: 'Other work of each grid this month (optional)' }],
      totals: true,
      notes: '走访与数据维护情况由平台工作记录自动生成。事件办理、预警响应两项待相应功能上线后由平台自动统计，不再手工填写。',
      notesEn: "Visits and data upkeep come from the platform's work records. Events handled and alerts answered will be counted by the platform once those features exist, not typed by hand.",
    },
  },
];
