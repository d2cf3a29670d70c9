// Shapes of the reports API (see /api/docs, tag "reports") and small helpers shared by the pages.
export type CellValue = number | string | null;

export interface ResultColumn {
  key: string;
  title: string;
  titleEn?: string;
  group?: string;
  unit?: string;
  kind: string;
  computed: boolean;
  drillable: boolean;
  manual?: ManualField;
}

export interface ResultRow {
  key: string;
  keys: string[];
  headings: string[];
  level: 'detail' | 'subtotal' | 'total';
  values: Record<string, CellValue>;
  n: Record<string, number>;
}

export interface ManualField {
  key: string;
  title: string;
  titleEn?: string;
  type: 'integer' | 'number' | 'text' | 'date' | 'choice';
  scope: 'report' | 'row';
  unit?: string;
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
  hint?: string;
}

export interface ReportResult {
  template: { id: number; code: string; version: number; title: string; department: string; legalBasis: string };
  unit: { id: number; name: string; level: string; code: string; trail: string[] };
  period: { key: string; start: string; end: string; labelZh: string; labelEn: string };
  referenceDate: string;
  dims: { by: string; title: string }[];
  columns: ResultColumn[];
  rows: ResultRow[];
  manualFields: ManualField[];
  notes?: string;
  computedAt: string;
  computeMs: number;
  suppressed?: string[];
  /** Hidden only because they would give a small figure away: shown as "*". */
  complementary?: string[];
  suppressionThreshold?: number;
  /** Columns left out for this viewer (labels its grants do not cover). */
  withheldColumns?: { key: string; title: string }[];
}

export interface Coverage {
  computed: number;
  manual: number;
  total: number;
  zh: string;
  en: string;
}

export interface Due {
  id: number;
  templateId: number;
  templateCode: string;
  title: string;
  department: string;
  cadence: string;
  unit: { id: number; name: string };
  period: string;
  periodLabel: string;
  periodStart: string;
  periodEnd: string;
  deadline: string;
  status: 'pending' | 'overdue' | 'submitted' | 'cancelled';
  late: boolean;
  daysLeft: number;
  submissionId: number | null;
  submittedAt: string | null;
  reminders: number;
  coverage: Coverage | null;
}

export interface ManualValues {
  report: Record<string, string | number | null>;
  rows: Record<string, Record<string, string | number | null>>;
}

export interface Submission {
  id: number;
  dueId: number;
  templateId: number;
  templateCode: string;
  version: number;
  status: string;
  period: string;
  referenceDate: string;
  reason: string | null;
  submittedBy: string;
  submittedAt: string;
  unit: { id: number; name: string };
  result: ReportResult;
  manual: ManualValues;
  protected: boolean;
  digest: string;
}

export interface SubmissionSummary {
  id: number;
  dueId: number;
  templateId: number;
  templateCode: string;
  unitNodeId: number;
  unitName: string;
  title: string;
  period: string;
  periodLabel: string;
  version: number;
  status: string;
  submittedAt: string;
  submittedByName: string;
  reason: string | null;
}

export interface Overlap {
  code: string;
  title: string;
  department: string;
  columns: { key: string; title: string; theirTitle: string }[];
  share: number;
  zh: string;
  en: string;
}

export interface Template {
  id: number;
  code: string;
  version: number;
  status: 'draft' | 'submitted' | 'approved' | 'rejected' | 'retired' | 'superseded' | 'merged';
  title: string;
  departmentId: number | null;
  departmentName: string;
  departmentCode: string | null;
  legalBasis: string;
  purpose: string;
  cadence: 'monthly' | 'quarterly' | 'yearly' | 'once';
  deadlineDays: number;
  onceStart: string | null;
  onceEnd: string | null;
  submitLevel: 'community' | 'street';
  targetNodeId: number;
  targetPath: string;
  entitledDepartments: string[];
  definition: Definition;
  handMinutesBefore: number;
  coverage: Coverage | null;
  overlaps: Overlap[] | null;
  builtin: boolean;
  createdByName: string | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewedByName: string | null;
  reviewNote: string | null;
  mergedIntoCode: string | null;
  retiredAt: string | null;
  retiredReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type Filter = { field: string; op: string; value?: unknown } | { label: string; has?: boolean };
export type Grouping = { by: 'tree'; level: string } | { by: 'field'; field: string } | { by: 'period'; unit: string; field?: string } | { by: 'ageBand'; bands: number[] };
export type Measure =
  | { kind: 'count'; from?: string; where?: Filter[] }
  | { kind: 'countDistinct' | 'sum' | 'avg' | 'min' | 'max'; from?: string; field: string; where?: Filter[]; decimals?: number }
  | { kind: 'ratio'; numerator: string; denominator: string | number; scale?: number; decimals?: number }
  | { kind: 'share'; of: string; scale?: number; decimals?: number };

export interface ColumnDef {
  key: string;
  title: string;
  titleEn?: string;
  group?: string;
  unit?: string;
  measure: Measure;
}

export interface Definition {
  sources: { key: string; source: string; filters: Filter[] }[];
  rows: Grouping[];
  columns: ColumnDef[];
  manualFields: ManualField[];
  totals: boolean;
  notes?: string;
}

export interface TemplateInput {
  code?: string;
  title: string;
  legalBasis: string;
  purpose: string;
  cadence: Template['cadence'];
  deadlineDays: number;
  onceStart?: string | null;
  onceEnd?: string | null;
  submitLevel: Template['submitLevel'];
  targetNodeId?: number;
  entitledDepartments?: string[];
  handMinutesBefore: number;
  definition: Definition;
}

export interface TemplateCheck {
  ok: boolean;
  problems: { field: string; zh: string; en: string }[];
  coverage: Coverage;
  overlaps: Overlap[];
  cells: number;
  maxCells: number;
  missingGrants: { kind: string; field: string; zh: string; en: string; why: string }[];
  burden: { minutesBefore: number; minutesAfter: number; fillsPerMonth: number };
}

export interface SourceField {
  key: string;
  zh: string;
  en: string;
  type: 'code' | 'integer' | 'number' | 'date' | 'timestamp' | 'boolean' | 'reference';
  codes: Record<string, { zh: string; en: string }> | null;
  groupable: boolean;
  numeric: boolean;
  grant: { kind: string; field: string } | null;
}

export interface Catalogue {
  sources: { key: string; zh: string; en: string; personal: boolean; periodField: string | null; fields: SourceField[] }[];
  labels: { code: string; zh: string; en: string; owner: string }[];
  operators: string[];
  measures: string[];
  treeLevels: string[];
  maxCells: number;
}

export interface DrillAnswer {
  column: { key: string; title: string; basedOn: string | null };
  rowKey: string;
  value: CellValue;
  total: number;
  items: { id: number | string; kind: string; title: string; fields: Record<string, unknown>; maskedFields?: string[] }[];
  drill: string;
  note: { zh: string; en: string } | null;
  limit: number;
  offset: number;
}

export const cadenceNames: Record<string, [string, string]> = { monthly: ['月报', 'monthly'], quarterly: ['季报', 'quarterly'], yearly: ['年报', 'yearly'], once: ['一次性', 'one-off'] };
export const statusNames: Record<string, [string, string, string]> = {
  draft: ['草稿', 'Draft', 'default'],
  submitted: ['待审核', 'Awaiting review', 'processing'],
  approved: ['已批准', 'Approved', 'success'],
  rejected: ['已退回', 'Rejected', 'error'],
  retired: ['已停用', 'Retired', 'default'],
  superseded: ['旧版本', 'Superseded', 'default'],
  merged: ['已合并', 'Merged', 'warning'],
};
export const dueStatusNames: Record<string, [string, string, string]> = {
  pending: ['待报', 'Due', 'processing'],
  overdue: ['逾期', 'Overdue', 'error'],
  submitted: ['已报送', 'Submitted', 'success'],
  cancelled: ['已取消', 'Cancelled', 'default'],
};

/** A download link for an export (the session cookie authenticates it). */
export function exportUrl(kind: 'due' | 'submission', id: number, format: 'xlsx' | 'pdf' | 'csv' | 'json', layout?: 'form' | 'standard'): string {
  const base = kind === 'due' ? `/api/reports/due/${id}/export` : `/api/reports/submissions/${id}/export`;
  return `${base}?format=${format}${layout ? `&layout=${layout}` : ''}`;
}
