// The reports API's shapes (see /api/docs, tag "reports"), taken from the contract generated from
// the server's schemas (src/modules/reports/schemas.ts), and small helpers shared by the pages.
import type { BodyOf, ResponseOf } from '../../api/typed';

export type Template = ResponseOf<'/api/reports/templates/{id}'>;
export type TemplateStatus = Template['status'];
export type TemplateInput = BodyOf<'/api/reports/templates'>;
export type TemplateCheck = ResponseOf<'/api/reports/templates/check', 'post'>;
export type Coverage = TemplateCheck['coverage'];
export type Overlap = TemplateCheck['overlaps'][number];
/** The filing number (备案号) approval gave a template. */
export type Filing = NonNullable<Template['filing']>;
/** A template's own texts in English, when the platform wrote them (built-in templates). */
export type TemplateEnglish = NonNullable<Template['en']>;

export type Definition = Template['definition'];
export type ColumnDef = Definition['columns'][number];
export type Measure = ColumnDef['measure'];
export type Filter = Definition['sources'][number]['filters'][number];
export type FilterOp = Extract<Filter, { op: unknown }>['op'];
export type Grouping = Definition['rows'][number];
export type ManualField = Definition['manualFields'][number];

export type Catalogue = ResponseOf<'/api/reports/sources'>;
export type SourceField = Catalogue['sources'][number]['fields'][number];

export type Due = ResponseOf<'/api/reports/due/{id}'>;
export type Preview = ResponseOf<'/api/reports/due/{id}/preview', 'post'>;
export type Submission = ResponseOf<'/api/reports/submissions/{id}'>;
export type SubmissionSummary = ResponseOf<'/api/reports/submissions'>['items'][number];
export type SubmissionVersion = ResponseOf<'/api/reports/submissions/{id}/versions'>[number];
export type FormInfo = ResponseOf<'/api/reports/templates/{id}/form'>;
export type FormMapping = FormInfo['mapping'];
export type DrillAnswer = ResponseOf<'/api/reports/due/{id}/drill'>;
export type Consolidated = ResponseOf<'/api/reports/consolidated'>;
export type Burden = ResponseOf<'/api/reports/burden'>;

/** A computed table: a preview's, or a submission's as its viewer may see it (small counts hidden). */
export type ReportResult = Preview['result'] & Partial<Pick<Submission['result'], 'suppressed' | 'complementary' | 'suppressionThreshold' | 'withheldColumns'>>;
export type ResultColumn = ReportResult['columns'][number];
export type ResultRow = ReportResult['rows'][number];
export type CellValue = ResultRow['values'][string];

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

/** A status named in a link (?status=…) that the template list knows. */
export function isTemplateStatus(s: string): s is TemplateStatus {
  return Object.hasOwn(statusNames, s);
}
