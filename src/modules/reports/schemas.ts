// The reports contract (报表备案, 一键报表): every shape the report routes take and give. The
// services take and return these types, the routes validate and serialise with them, and the
// web's client is generated from the OpenAPI document they produce. The template definition
// (definition.ts) is part of it and is re-exported here.
//
// Responses are serialised by their schema: a field left out here is not sent. Results frozen in
// a submission are old JSON, so fields added to a result later are optional.
import { Type, type Static } from '@sinclair/typebox';
import { DateString, Nullable, StrictObject, StringEnum } from '../../platform/schemas.js';
import { ManualField, TemplateDefinition } from './definition.js';

export { TemplateDefinition, ManualField };

export const Lang = Type.Optional(StringEnum(['zh', 'en'] as const, { description: 'Language of messages and headings' }));
export const LangQuery = StrictObject({ lang: Lang });

// ---- the fixed lists ------------------------------------------------------------------------

export const templateStatuses = ['draft', 'submitted', 'approved', 'rejected', 'retired', 'superseded', 'merged'] as const;
export type TemplateStatus = (typeof templateStatuses)[number];
export const cadences = ['monthly', 'quarterly', 'yearly', 'once'] as const;
export type Cadence = (typeof cadences)[number];
export const submitLevels = ['community', 'street'] as const;
export type SubmitLevel = (typeof submitLevels)[number];
export const dueStatuses = ['pending', 'overdue', 'submitted', 'cancelled'] as const;
export type DueStatus = (typeof dueStatuses)[number];
export const cleanupActions = ['removed', 'merged', 'automated'] as const;
export type CleanupAction = (typeof cleanupActions)[number];

// ---- shared blocks ---------------------------------------------------------------------------

export const CellValue = Type.Union([Type.Number(), Type.String(), Type.Null()]);
export type CellValue = Static<typeof CellValue>;

export const FilingOut = Type.Object(
  { year: Type.Integer(), seq: Type.Integer(), zh: Type.String({ description: '减负备〔2026〕3号' }), en: Type.String({ description: 'Filing No. 2026/3' }) },
  { description: 'The filing number (备案号) approval gave; printed on every copy' },
);
export type FilingOut = Static<typeof FilingOut>;

export const TemplateEnglish = Type.Object(
  { title: Type.Optional(Type.String()), departmentName: Type.Optional(Type.String()), legalBasis: Type.Optional(Type.String()), purpose: Type.Optional(Type.String()) },
  { description: 'English names of the template’s own texts (built-in templates), served beside the Chinese ones' },
);
export type TemplateEnglish = Static<typeof TemplateEnglish>;
const EnglishOrNull = Type.Union([TemplateEnglish, Type.Null()], { description: 'The template’s own texts in English (built-in templates); null for a department’s own' });

export const Coverage = Type.Object(
  { computed: Type.Integer(), manual: Type.Integer(), total: Type.Integer(), zh: Type.String(), en: Type.String() },
  { description: 'How many items base data answers ("18 of 20 computed")' },
);
export type Coverage = Static<typeof Coverage>;

export const Overlap = Type.Object(
  {
    code: Type.String(), title: Type.String(), department: Type.String(),
    columns: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), theirTitle: Type.String() })),
    share: Type.Number({ description: 'Share of this template’s computed columns the other one already answers' }),
    zh: Type.String(), en: Type.String(),
  },
  { description: 'An approved template answering some of the same items, with the items named' },
);
export type Overlap = Static<typeof Overlap>;

export const Problem = Type.Object({ field: Type.String(), zh: Type.String(), en: Type.String() });
export type Problem = Static<typeof Problem>;

export const Unit = Type.Object({ id: Type.Integer(), name: Type.String() });

// ---- the source catalogue ----------------------------------------------------------------

export const SourceFieldOut = Type.Object({
  key: Type.String(), zh: Type.String(), en: Type.String(),
  type: StringEnum(['code', 'integer', 'number', 'date', 'timestamp', 'boolean', 'reference'] as const),
  codes: Nullable(Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() }))),
  groupable: Type.Boolean(), numeric: Type.Boolean(),
  grant: Nullable(Type.Object({ kind: Type.String(), field: Type.String() }, { description: 'What a department needs in its grants to name this field' })),
});
export const CatalogueOut = Type.Object(
  {
    sources: Type.Array(Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String(), personal: Type.Boolean(), periodField: Nullable(Type.String()), fields: Type.Array(SourceFieldOut) })),
    labels: Type.Array(Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String(), owner: Type.String() })),
    operators: Type.Array(Type.String()),
    measures: Type.Array(Type.String()),
    treeLevels: Type.Array(Type.String()),
    maxCells: Type.Integer(),
  },
  { description: 'What a template may read: sources and their fields, label kinds, filter operators, measures and the cell limit' },
);
export type CatalogueOut = Static<typeof CatalogueOut>;

// ---- templates ---------------------------------------------------------------------------

export const TemplateInput = StrictObject({
  code: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{2,39}$', description: 'Report code shared by its versions (generated when omitted)' })),
  title: Type.String({ minLength: 2, maxLength: 80 }),
  legalBasis: Type.String({ minLength: 2, maxLength: 500, description: '制表依据: the law, regulation or document requiring it' }),
  purpose: Type.String({ minLength: 2, maxLength: 500 }),
  cadence: StringEnum(cadences),
  deadlineDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Due this many days after the period ends' }),
  onceStart: Type.Optional(Nullable(DateString)),
  onceEnd: Type.Optional(Nullable(DateString)),
  submitLevel: StringEnum(submitLevels),
  targetNodeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Send to units under this node (default: the whole jurisdiction)' })),
  entitledDepartments: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20, description: 'Other department codes served by the same submission' })),
  handMinutesBefore: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Minutes a community spent on the old form per filling' }),
  definition: TemplateDefinition,
});
export type TemplateInput = Static<typeof TemplateInput>;

export const TemplateListQuery = StrictObject({
  status: Type.Optional(Type.Array(StringEnum(templateStatuses), { maxItems: 7 })),
  code: Type.Optional(Type.String({ maxLength: 40 })),
  mine: Type.Optional(Type.Boolean()),
  lang: Lang,
});
export type TemplateListQuery = Static<typeof TemplateListQuery>;

export const TemplateOut = Type.Object(
  {
    id: Type.Integer(), code: Type.String(), version: Type.Integer(), status: StringEnum(templateStatuses), title: Type.String(),
    departmentId: Nullable(Type.Integer()), departmentName: Type.String(), departmentCode: Nullable(Type.String()),
    legalBasis: Type.String(), purpose: Type.String(), cadence: StringEnum(cadences), deadlineDays: Type.Integer(),
    onceStart: Nullable(Type.String()), onceEnd: Nullable(Type.String()), submitLevel: StringEnum(submitLevels), targetNodeId: Type.Integer(), targetPath: Type.String(),
    entitledDepartments: Type.Array(Type.String()), definition: TemplateDefinition, handMinutesBefore: Type.Integer(),
    coverage: Nullable(Coverage), overlaps: Nullable(Type.Array(Overlap)), builtin: Type.Boolean(),
    createdByName: Nullable(Type.String()), submittedAt: Nullable(Type.String()), reviewedAt: Nullable(Type.String()),
    reviewedByName: Nullable(Type.String()), reviewNote: Nullable(Type.String()), mergedIntoCode: Nullable(Type.String()),
    retiredAt: Nullable(Type.String()), retiredReason: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
    filing: Nullable(FilingOut), en: EnglishOrNull,
  },
  { description: 'A report template version' },
);
export type TemplateOut = Static<typeof TemplateOut>;

export const MissingGrant = Type.Object(
  { kind: Type.String(), field: Type.String(), zh: Type.String(), en: Type.String(), why: StringEnum(['field', 'labels'] as const) },
  { description: 'A field (or label) the department is not granted' },
);
export type MissingGrant = Static<typeof MissingGrant>;

export const TemplateCheck = Type.Object(
  {
    ok: Type.Boolean(), problems: Type.Array(Problem), coverage: Coverage, overlaps: Type.Array(Overlap),
    cells: Type.Integer(), maxCells: Type.Integer(), missingGrants: Type.Array(MissingGrant),
    burden: Type.Object({ minutesBefore: Type.Number(), minutesAfter: Type.Number(), fillsPerMonth: Type.Number() }),
  },
  { description: 'What the platform says about a template: problems, coverage ("18 of 20 computed"), overlaps, cells, missing grants' },
);
export type TemplateCheck = Static<typeof TemplateCheck>;

export const SubmitTemplateOut = Type.Object({ template: TemplateOut, check: TemplateCheck });
export type SubmitTemplateOut = Static<typeof SubmitTemplateOut>;

export const ReviewIn = StrictObject({
  decision: StringEnum(['approve', 'reject', 'merge'] as const),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
  mergeInto: Type.Optional(Type.String({ maxLength: 40 })),
});
export type ReviewIn = Static<typeof ReviewIn>;
export const ReviewOut = Type.Object({ template: TemplateOut, issued: Type.Integer({ description: 'Due reports created' }) });
export type ReviewOut = Static<typeof ReviewOut>;

export const RetireIn = StrictObject({ reason: Type.String({ minLength: 2, maxLength: 500 }) });
export const RetireOut = Type.Object({ template: TemplateOut, cancelled: Type.Integer() });
export type RetireOut = Static<typeof RetireOut>;

export const IssueIn = StrictObject({ period: Type.Optional(Type.String({ maxLength: 24, description: '2025-10, 2025-Q4, 2025' })) });
export const IssueOut = Type.Object({ issued: Type.Integer(), period: Type.String() });
export type IssueOut = Static<typeof IssueOut>;

export const SqlOut = Type.Object({ sql: Type.String(), params: Type.Array(Type.Unknown()), unit: Type.String(), period: Type.String() });
export type SqlOut = Static<typeof SqlOut>;

// ---- official forms ----------------------------------------------------------------------

const ColumnLetter = Type.String({ pattern: '^[A-Z]{1,3}$' });

export const FormCell = Type.Union([
  StrictObject({ kind: Type.Literal('value'), row: Type.String({ maxLength: 200, description: '"*" for the total row, or a row key' }), column: Type.String({ maxLength: 32 }) }),
  StrictObject({ kind: Type.Literal('manual'), key: Type.String({ maxLength: 32 }) }),
  StrictObject({ kind: Type.Union([Type.Literal('unit'), Type.Literal('period'), Type.Literal('submittedBy'), Type.Literal('submittedAt'), Type.Literal('referenceDate')]) }),
]);
/** Where each figure goes on a department's own Excel form (表样): single cells, and a block of rows filled downwards. */
export const FormMapping = StrictObject({
  cells: Type.Record(Type.String(), FormCell, { description: 'Cell address -> what goes there' }),
  rows: Type.Optional(
    StrictObject({
      startRow: Type.Integer({ minimum: 1, maximum: 100_000 }),
      headingColumn: ColumnLetter,
      columns: Type.Record(Type.String(), Type.String({ maxLength: 32 }), { description: 'Column letter -> column key (or manual row item)' }),
      includeTotal: Type.Boolean(),
    }),
  ),
});
export type FormMapping = Static<typeof FormMapping>;

export const FormUploadIn = Type.Object({ file: Type.Optional(Type.String({ format: 'binary' })) });
export const FormCells = Type.Array(Type.Object({ address: Type.String(), text: Type.String() }), { description: 'Non-empty cells of the first sheet' });
export const FormUploaded = Type.Object(
  { fileName: Type.String(), sheetName: Type.String(), rowCount: Type.Integer(), columnCount: Type.Integer(), cells: FormCells, mapping: FormMapping },
  { description: 'The uploaded form: its non-empty cells for mapping, and the (empty) mapping' },
);
export type FormUploaded = Static<typeof FormUploaded>;
export const FormOut = Type.Object(
  {
    fileName: Type.String(), sheetName: Type.String(), rowCount: Type.Integer(), columnCount: Type.Integer(), cells: FormCells, mapping: FormMapping,
    ownVersion: Type.Boolean({ description: 'False when the form was uploaded for an earlier version of the report' }),
  },
  { description: 'The uploaded form: its cells and the current mapping' },
);
export type FormOut = Static<typeof FormOut>;

// ---- computed results --------------------------------------------------------------------

export const ResultColumn = Type.Object({
  key: Type.String(),
  title: Type.String(),
  titleEn: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
  groupEn: Type.Optional(Type.String()),
  unit: Type.Optional(Type.String()),
  kind: Type.String({ description: 'count, countDistinct, sum, avg, min, max, ratio, share, or manual (a row-scope hand-entered item)' }),
  computed: Type.Boolean({ description: 'Computed from base data (false: entered by hand)' }),
  drillable: Type.Boolean({ description: 'The figure has records behind it' }),
  manual: Type.Optional(ManualField),
});
export type ResultColumn = Static<typeof ResultColumn>;

export const RowLevel = StringEnum(['detail', 'subtotal', 'total'] as const);
export const ResultRow = Type.Object({
  key: Type.String({ description: 'Row keys joined with "|" ("*" = aggregated over that dimension)' }),
  keys: Type.Array(Type.String()),
  headings: Type.Array(Type.String()),
  level: RowLevel,
  values: Type.Record(Type.String(), CellValue),
  n: Type.Record(Type.String(), Type.Number(), { description: 'Records behind each figure, for the small-count rule' }),
});
export type ResultRow = Static<typeof ResultRow>;

export const Period = Type.Object({
  key: Type.String(), start: Type.String(), end: Type.String(),
  labelZh: Type.String({ description: '2025年10月, 2025年第4季度, 2025年度 …' }), labelEn: Type.String(),
});
export type Period = Static<typeof Period>;

export const ResultTemplate = Type.Object(
  {
    id: Type.Integer(), code: Type.String({ description: 'Internal (links, not print)' }), version: Type.Integer(), title: Type.String(), department: Type.String(), legalBasis: Type.String(),
    filing: Type.Optional(Nullable(FilingOut)), en: Type.Optional(EnglishOrNull),
  },
  { description: 'What a computed report says of its template; official copies carry the filing number' },
);
export type ResultTemplate = Static<typeof ResultTemplate>;

export const WithheldColumn = Type.Object({ key: Type.String(), title: Type.String(), titleEn: Type.Optional(Type.String()) });

const resultFields = {
  template: ResultTemplate,
  unit: Type.Object({ id: Type.Integer(), name: Type.String(), level: Type.String(), code: Type.String(), trail: Type.Array(Type.String()) }),
  period: Period,
  referenceDate: Type.String(),
  dims: Type.Array(Type.Object({ by: Type.String(), title: Type.String(), titleEn: Type.Optional(Type.String()) }), { description: 'Row headings’ titles' }),
  columns: Type.Array(ResultColumn),
  rows: Type.Array(ResultRow),
  manualFields: Type.Array(ManualField, { description: 'Hand-entered items of the whole report' }),
  notes: Type.Optional(Type.String()),
  notesEn: Type.Optional(Type.String()),
  computedAt: Type.String(),
  computeMs: Type.Number(),
};

/** The computed table of one unit and period. */
export const ReportResult = Type.Object(resultFields, { description: 'The computed table: template, unit, period, reference date, dims, columns, rows (key, headings, level, values), manual items' });
export type ReportResult = Static<typeof ReportResult>;

/** A result as a viewer above the unit sees it: small counts suppressed, withheld columns left out. */
export const ProtectedResult = Type.Object(
  {
    ...resultFields,
    suppressed: Type.Array(Type.String(), { description: 'Every cell hidden for privacy, as "<rowKey>::<columnKey>"' }),
    complementary: Type.Array(Type.String(), { description: 'Of those, the cells hidden only because they would give a small one away (shown as "*")' }),
    suppressionThreshold: Type.Integer(),
    withheldColumns: Type.Optional(Type.Array(WithheldColumn, { description: 'Columns left out for this viewer: they count labels its grants do not cover' })),
  },
  { description: 'The computed table as this viewer may see it: small counts suppressed, columns of labels its grants do not cover left out' },
);
export type ProtectedResult = Static<typeof ProtectedResult>;

// ---- due reports and submissions -----------------------------------------------------------

export const DueListQuery = StrictObject({
  status: Type.Optional(Type.Array(StringEnum(dueStatuses), { maxItems: 4 })),
  templateCode: Type.Optional(Type.String({ maxLength: 40 })),
  period: Type.Optional(Type.String({ maxLength: 24 })),
  nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  lang: Lang,
});
export type DueListQuery = Static<typeof DueListQuery>;

export const DueOut = Type.Object(
  {
    id: Type.Integer(), templateId: Type.Integer(), templateCode: Type.String(), title: Type.String(), department: Type.String(), cadence: Type.String(),
    unit: Unit, period: Type.String(), periodLabel: Type.String(), periodStart: Type.String(), periodEnd: Type.String(), deadline: Type.String(),
    status: StringEnum(dueStatuses), late: Type.Boolean({ description: 'Submitted after the deadline' }), daysLeft: Type.Integer(),
    submissionId: Nullable(Type.Integer()), submittedAt: Nullable(Type.String()),
    reminders: Type.Integer(), coverage: Nullable(Coverage), en: EnglishOrNull, filing: Nullable(FilingOut),
  },
  { description: 'A report due from one unit for one period' },
);
export type DueOut = Static<typeof DueOut>;
export const DueList = Type.Object({ items: Type.Array(DueOut), total: Type.Integer() });
export type DueList = Static<typeof DueList>;

export const PreviewOut = Type.Object({ due: DueOut, result: ReportResult, digest: Type.String({ description: 'Fingerprint of the figures; the submission may name it' }) });
export type PreviewOut = Static<typeof PreviewOut>;

const ManualValue = Type.Union([Type.String(), Type.Number(), Type.Null()]);
export const ManualValues = Type.Object(
  { report: Type.Record(Type.String(), ManualValue), rows: Type.Record(Type.String(), Type.Record(Type.String(), ManualValue)) },
  { description: 'Hand-entered values: of the report, and of each row' },
);
export type ManualValues = Static<typeof ManualValues>;

const ManualInValue = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Null()]);
export const ManualIn = StrictObject({
  report: Type.Optional(Type.Record(Type.String(), ManualInValue)),
  rows: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), ManualInValue))),
});
export type ManualIn = Static<typeof ManualIn>;

export const SubmitIn = StrictObject({
  manual: Type.Optional(ManualIn),
  previewDigest: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The preview’s digest: refused (409) if the figures changed since' })),
});
export type SubmitIn = Static<typeof SubmitIn>;

export const CorrectionIn = StrictObject({ manual: Type.Optional(ManualIn), reason: Type.String({ minLength: 2, maxLength: 500 }) });
export type CorrectionIn = Static<typeof CorrectionIn>;

export const SubmissionOut = Type.Object(
  {
    id: Type.Integer(), dueId: Type.Integer(), templateId: Type.Integer(), templateCode: Type.String(), version: Type.Integer(), status: Type.String(), period: Type.String(), referenceDate: Type.String(),
    reason: Nullable(Type.String()), submittedBy: Type.String(), submittedAt: Type.String(), unit: Unit,
    result: ProtectedResult, manual: ManualValues, protected: Type.Boolean({ description: 'Small counts are suppressed for this viewer' }), digest: Type.String(),
  },
  { description: 'A submitted report, frozen as computed when submitted' },
);
export type SubmissionOut = Static<typeof SubmissionOut>;

export const SubmitOut = Type.Object({ submission: SubmissionOut, alreadySubmitted: Type.Boolean() });
export type SubmitOut = Static<typeof SubmitOut>;

export const SubmissionListQuery = StrictObject({
  templateCode: Type.Optional(Type.String({ maxLength: 40 })),
  period: Type.Optional(Type.String({ maxLength: 24 })),
  nodeId: Type.Optional(Type.Integer({ minimum: 1 })),
  includeSuperseded: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  lang: Lang,
});
export type SubmissionListQuery = Static<typeof SubmissionListQuery>;

export const SubmissionSummary = Type.Object(
  {
    id: Type.Integer(), dueId: Type.Integer(), templateId: Type.Integer(), templateCode: Type.String(), unitNodeId: Type.Integer(), unitName: Type.String(),
    title: Type.String(), en: EnglishOrNull, period: Type.String(), periodLabel: Type.String(), version: Type.Integer(), status: Type.String(),
    submittedAt: Type.String(), submittedByName: Type.String(), reason: Nullable(Type.String()),
  },
  { description: 'A submission in a list' },
);
export type SubmissionSummary = Static<typeof SubmissionSummary>;
export const SubmissionList = Type.Object({ items: Type.Array(SubmissionSummary), total: Type.Integer() });
export type SubmissionList = Static<typeof SubmissionList>;

export const SubmissionVersion = Type.Object(
  { id: Type.Integer(), version: Type.Integer(), status: Type.String(), reason: Nullable(Type.String()), submittedAt: Type.String(), submittedByName: Type.String(), digest: Type.String() },
  { description: 'One version of a report (a correction names its reason)' },
);
export type SubmissionVersion = Static<typeof SubmissionVersion>;

// ---- drill-down --------------------------------------------------------------------------

export const DrillQuery = StrictObject({
  row: Type.String({ maxLength: 200, description: 'Row key ("*" the total; "123" a grid; "123|*" a subtotal)' }),
  column: Type.String({ maxLength: 32 }),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Purpose (required for departments)' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  lang: Lang,
});
export type DrillQuery = Static<typeof DrillQuery>;

export const DrillItem = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.String()]),
    kind: Type.String({ description: 'resident, household, building, house, organisation, facility, visit, review' }),
    title: Type.String(),
    fields: Type.Record(Type.String(), Type.Unknown()),
    maskedFields: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'A record behind the figure, masked as the viewer may see it' },
);
export const DrillOut = Type.Object({
  column: Type.Object({ key: Type.String(), title: Type.String(), basedOn: Nullable(Type.String()) }),
  rowKey: Type.String(),
  value: CellValue,
  total: Type.Integer(),
  items: Type.Array(DrillItem),
  drill: Type.String(),
  note: Nullable(Type.Object({ zh: Type.String(), en: Type.String() })),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type DrillOut = Static<typeof DrillOut>;

// ---- exports and the consolidated view ------------------------------------------------------

export const exportFormats = ['xlsx', 'pdf', 'csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const ExportQuery = StrictObject({
  format: StringEnum(exportFormats, { default: 'xlsx' }),
  layout: Type.Optional(StringEnum(['form', 'standard'] as const, { description: 'xlsx: the department’s uploaded form when there is one (form), or the standard layout' })),
  lang: Lang,
});
export type ExportQuery = Static<typeof ExportQuery>;

export const ConsolidatedQuery = StrictObject({
  templateCode: Type.String({ maxLength: 40 }),
  period: Type.String({ maxLength: 24 }),
  format: Type.Optional(StringEnum(['json', 'xlsx', 'csv'] as const)),
  lang: Lang,
});
export type ConsolidatedQuery = Static<typeof ConsolidatedQuery>;

export const ConsolidatedOut = Type.Object(
  {
    template: Type.Object({ id: Type.Integer(), code: Type.String(), title: Type.String(), version: Type.Integer(), department: Type.String(), en: EnglishOrNull, filing: Nullable(FilingOut) }),
    period: Type.String(),
    periodLabel: Type.String(),
    columns: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), titleEn: Type.Optional(Type.String()), group: Type.Optional(Type.String()), groupEn: Type.Optional(Type.String()), unit: Type.Optional(Type.String()), kind: Type.String() })),
    rows: Type.Array(
      Type.Object({
        dueId: Type.Integer(), unit: Unit, status: StringEnum(dueStatuses), deadline: Type.String(), submissionId: Nullable(Type.Integer()), submittedAt: Nullable(Type.String()),
        values: Type.Record(Type.String(), CellValue), suppressed: Type.Array(Type.String()), complementary: Type.Array(Type.String()),
      }),
    ),
    total: Type.Record(Type.String(), CellValue),
    totalSuppressed: Type.Array(Type.String()),
    totalComplementary: Type.Array(Type.String()),
    withheldColumns: Type.Array(WithheldColumn),
    summary: Type.Object({ units: Type.Integer(), submitted: Type.Integer(), overdue: Type.Integer(), pending: Type.Integer() }),
  },
  { description: 'Every unit’s report side by side: columns, rows (unit, status, values, hidden cells), the grand total and a summary' },
);
export type ConsolidatedOut = Static<typeof ConsolidatedOut>;

// ---- burden and the cleanup register --------------------------------------------------------

export const CleanupIn = StrictObject({
  title: Type.String({ minLength: 2, maxLength: 120 }),
  departmentName: Type.String({ minLength: 1, maxLength: 80 }),
  action: StringEnum(cleanupActions),
  replacedByCode: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  reason: Type.String({ minLength: 2, maxLength: 500 }),
  timesPerYear: Type.Integer({ minimum: 0, maximum: 365 }),
  minutesPerFill: Type.Integer({ minimum: 0, maximum: 10_000 }),
  decidedOn: DateString,
});
export type CleanupIn = Static<typeof CleanupIn>;

export const CleanupOut = Type.Object(
  {
    id: Type.Integer(), title: Type.String(), departmentName: Type.String(), action: StringEnum(cleanupActions), replacedByCode: Nullable(Type.String()), reason: Type.String(),
    timesPerYear: Type.Integer(), minutesPerFill: Type.Integer(), decidedOn: Type.String(), recordedBy: Nullable(Type.Integer()), createdAt: Type.String(), updatedAt: Type.String(),
  },
  { description: 'A report taken off communities (removed, merged, now generated)' },
);
export type CleanupOut = Static<typeof CleanupOut>;

export const BurdenOut = Type.Object(
  {
    headline: Type.Object({ removedTotal: Type.Integer(), zh: Type.String(), en: Type.String() }),
    approved: Type.Array(
      Type.Object({
        id: Type.Integer(), code: Type.String(), title: Type.String(), department: Type.String(), en: EnglishOrNull, cadence: StringEnum(cadences), builtin: Type.Boolean(),
        entitledDepartments: Type.Array(Type.String()), coverage: Coverage, minutesBeforePerFill: Type.Number(), minutesAfterPerFill: Type.Number(), fillsPerMonth: Type.Number(),
        monthlyBefore: Type.Number(), monthlyAfter: Type.Number(), units: Type.Integer(),
      }),
    ),
    totals: Type.Object({
      approvedCount: Type.Integer(), monthlyMinutesBefore: Type.Number(), monthlyMinutesAfter: Type.Number(), savedMinutesPerCommunityPerMonth: Type.Number(),
      communities: Type.Integer(), savedHoursPerMonthAllCommunities: Type.Number(),
    }),
    removed: Type.Object({
      total: Type.Integer(),
      byAction: Type.Object({ removed: Type.Integer(), merged: Type.Integer(), automated: Type.Integer() }),
      register: Type.Array(CleanupOut),
      mergedTemplates: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), department: Type.String(), into: Nullable(Type.String()), at: Nullable(Type.String()), note: Nullable(Type.String()) })),
      retiredTemplates: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), department: Type.String(), at: Nullable(Type.String()), reason: Nullable(Type.String()) })),
    }),
    filings: Type.Object({ draft: Type.Integer(), submitted: Type.Integer(), approved: Type.Integer(), rejected: Type.Integer(), merged: Type.Integer(), retired: Type.Integer() }),
    timeliness: Type.Object({ total: Type.Integer(), submitted: Type.Integer(), on_time: Type.Integer(), overdue: Type.Integer(), pending: Type.Integer() }),
  },
  { description: 'The burden page: approved templates and their minutes of hand entry before and after, reports removed or merged, filings and timeliness' },
);
export type BurdenOut = Static<typeof BurdenOut>;
