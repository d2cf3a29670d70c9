// The declarative report template (报表模板), stored as data. A template names its sources
// (record kinds, with filters), how rows are grouped (tree level, period, coded field, age band),
// its columns (each a measure with a Chinese heading, a unit and an optional merged group
// heading), and the few manual fields no base data can answer. It compiles to one SQL query.
import { Type, type Static } from '@sinclair/typebox';
import { StrictObject, StringEnum } from '../../platform/schemas.js';

const Key = Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,31}$', description: 'Identifier: a lower-case letter, then letters, digits, _' });
const Scalar = Type.Union([Type.String({ maxLength: 100 }), Type.Number(), Type.Boolean()]);

export const filterOps = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull', 'notNull', 'isTrue', 'isFalse', 'inPeriod', 'withinDays', 'notWithinDays'] as const;
export type FilterOp = (typeof filterOps)[number];

export const FieldFilter = StrictObject(
  {
    field: Type.String({ maxLength: 64, description: 'A field of the source (see GET /api/reports/sources)' }),
    op: StringEnum(filterOps),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: 200 })], { description: 'A value, a list (in, notIn, between) or a number of days (withinDays)' })),
  },
  { description: 'A condition on a field' },
);
export const LabelFilter = StrictObject(
  {
    label: Type.String({ maxLength: 32, description: 'A label code (重点人群), tested on the reference date' }),
    has: Type.Optional(Type.Boolean({ description: 'false: people who do NOT carry the label' })),
  },
  { description: 'Carries (or not) a label on the reference date' },
);
export const Filter = Type.Union([FieldFilter, LabelFilter]);
export type Filter = Static<typeof Filter>;
export type FieldFilter = Static<typeof FieldFilter>;
export type LabelFilter = Static<typeof LabelFilter>;

export const treeGroupLevels = ['district', 'street', 'community', 'grid'] as const;
export const periodUnits = ['day', 'month', 'quarter', 'year'] as const;
export const Grouping = Type.Union([
  StrictObject({ by: Type.Literal('tree'), level: StringEnum(treeGroupLevels) }, { description: 'One row per node of a tree level (names from the tree)' }),
  StrictObject({ by: Type.Literal('field'), field: Type.String({ maxLength: 64 }) }, { description: 'One row per code of a coded field (headings from its code table)' }),
  StrictObject({ by: Type.Literal('period'), unit: StringEnum(periodUnits), field: Type.Optional(Type.String({ maxLength: 64 })) }, { description: 'One row per day, month, quarter or year of a date field' }),
  StrictObject({ by: Type.Literal('ageBand'), bands: Type.Array(Type.Integer({ minimum: 1, maximum: 130 }), { minItems: 1, maxItems: 12, description: 'Ascending lower bounds: [18, 60] gives 0-17, 18-59, 60+' }) }),
]);
export type Grouping = Static<typeof Grouping>;

const Where = Type.Optional(Type.Array(Filter, { maxItems: 20, description: 'Only rows meeting every condition count' }));
const From = Type.Optional(Type.String({ maxLength: 16, description: 'The source key (default: the first source)' }));
const Decimals = Type.Optional(Type.Integer({ minimum: 0, maximum: 4 }));
export const measureKinds = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max', 'ratio', 'share'] as const;
export const Measure = Type.Union([
  StrictObject({ kind: Type.Literal('count'), from: From, where: Where }),
  StrictObject({ kind: Type.Literal('countDistinct'), from: From, field: Type.String({ maxLength: 64 }), where: Where }),
  StrictObject({ kind: Type.Union([Type.Literal('sum'), Type.Literal('avg'), Type.Literal('min'), Type.Literal('max')]), from: From, field: Type.String({ maxLength: 64 }), where: Where, decimals: Decimals }),
  StrictObject({
    kind: Type.Literal('ratio'),
    numerator: Type.String({ maxLength: 32, description: 'Column key' }),
    denominator: Type.Union([Type.String({ maxLength: 32 }), Type.Number()], { description: 'Column key, or a fixed number (not 0)' }),
    scale: Type.Optional(Type.Number({ description: '100 for a percentage' })),
    decimals: Decimals,
  }),
  StrictObject({ kind: Type.Literal('share'), of: Type.String({ maxLength: 32, description: 'Column key: this row’s share of the column’s total' }), scale: Type.Optional(Type.Number()), decimals: Decimals }),
]);
export type Measure = Static<typeof Measure>;

export const Column = StrictObject({
  key: Key,
  title: Type.String({ minLength: 1, maxLength: 60, description: 'Chinese heading' }),
  titleEn: Type.Optional(Type.String({ maxLength: 80 })),
  group: Type.Optional(Type.String({ maxLength: 60, description: 'Merged heading over neighbouring columns (e.g. 重点人群)' })),
  groupEn: Type.Optional(Type.String({ maxLength: 80, description: 'The merged heading in English' })),
  unit: Type.Optional(Type.String({ maxLength: 8, description: '人, 户, 个, %, 元 …' })),
  measure: Measure,
});
export type Column = Static<typeof Column>;

export const manualTypes = ['integer', 'number', 'text', 'date', 'choice'] as const;
export const ManualField = StrictObject({
  key: Key,
  title: Type.String({ minLength: 1, maxLength: 60 }),
  titleEn: Type.Optional(Type.String({ maxLength: 80 })),
  type: StringEnum(manualTypes),
  scope: StringEnum(['report', 'row'] as const, { description: 'One value per report, or one per row' }),
  unit: Type.Optional(Type.String({ maxLength: 8 })),
  required: Type.Boolean({ description: 'The report cannot be submitted while this item is empty (REPORT_MANUAL_REQUIRED)' }),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 30 })),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
  hint: Type.Optional(Type.String({ maxLength: 200 })),
  hintEn: Type.Optional(Type.String({ maxLength: 300 })),
});
export type ManualField = Static<typeof ManualField>;

export const SourceUse = StrictObject({
  key: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,15}$' }),
  source: Type.String({ maxLength: 24, description: 'resident, household, building, house, organisation, facility, visit, label, review' }),
  filters: Type.Array(Filter, { maxItems: 20 }),
});
export type SourceUse = Static<typeof SourceUse>;

export const SumDeclaration = StrictObject(
  {
    total: Type.String({ maxLength: 32, description: 'Column key of the total' }),
    parts: Type.Array(Type.String({ maxLength: 32 }), { minItems: 2, maxItems: 30, uniqueItems: true, description: 'Column keys that add up to it' }),
  },
  { description: 'Columns that add up to another on every row (男 + 女 = 实有人口); the parts may fall short of the total when some records have no value. Small-count protection follows declared sums' },
);
export type SumDeclaration = Static<typeof SumDeclaration>;

export const TemplateDefinition = StrictObject({
  sources: Type.Array(SourceUse, { minItems: 1, maxItems: 4 }),
  rows: Type.Array(Grouping, { maxItems: 2, description: 'Row grouping: none (one row), one or two levels' }),
  columns: Type.Array(Column, { minItems: 1, maxItems: 60 }),
  manualFields: Type.Array(ManualField, { maxItems: 20 }),
  totals: Type.Boolean({ description: 'Add a total row (合计)' }),
  sums: Type.Optional(Type.Array(SumDeclaration, { maxItems: 20, description: 'Sums across columns, so that a hidden small figure cannot be worked out by subtraction along them' })),
  notes: Type.Optional(Type.String({ maxLength: 2000, description: '填表说明' })),
  notesEn: Type.Optional(Type.String({ maxLength: 3000, description: 'The notes in English' })),
});
export type TemplateDefinition = Static<typeof TemplateDefinition>;

export function isLabelFilter(f: Filter): f is LabelFilter {
  return 'label' in f;
}

export function measureSourceKey(def: TemplateDefinition, m: Measure): string | null {
  if (m.kind === 'ratio' || m.kind === 'share') return null;
  return m.from ?? def.sources[0]!.key;
}
