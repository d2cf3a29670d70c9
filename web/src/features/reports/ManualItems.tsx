// The items no base data holds, typed above the report where they cannot be missed: one input per
// report-scope item, and for an item asked per row (per grid) one input per row, each named by its
// row. Required items are marked, optional ones say so; the server refuses a report with a required
// item empty (REPORT_MANUAL_REQUIRED) and its message lands on that input.
import { DatePicker, Form, Input, InputNumber, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { UserText } from '../../components/UserText';
import { useI18n } from '../../i18n';
import type { ManualField, ReportResult } from './api';
import { manualHint, manualTitle, rowHeading, unitText } from './texts';

export type ManualValue = string | number | null;

export function ManualInput({ field, value, onChange, testId, status, compact }: { field: ManualField; value: ManualValue | undefined; onChange(v: ManualValue): void; testId: string; status?: 'error'; compact?: boolean }) {
  const { lang } = useI18n();
  const common = { 'data-testid': testId, status } as const;
  if (field.type === 'integer' || field.type === 'number')
    return <InputNumber {...common} style={{ width: 200 }} value={typeof value === 'number' ? value : null} min={field.min} max={field.max} precision={field.type === 'integer' ? 0 : undefined} suffix={unitText(lang, field.unit)} onChange={(v) => onChange(v ?? null)} />;
  if (field.type === 'choice') return <Select {...common} style={{ width: 240 }} allowClear value={(value as string) ?? undefined} options={(field.options ?? []).map((o) => ({ value: o, label: <UserText>{o}</UserText> }))} onChange={(v) => onChange(v ?? null)} />;
  if (field.type === 'date') return <DatePicker {...common} value={value ? dayjs(String(value)) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />;
  if (compact) return <Input {...common} maxLength={field.maxLength ?? 500} showCount value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value || null)} />;
  return <Input.TextArea {...common} autoSize={{ minRows: 1, maxRows: 6 }} maxLength={field.maxLength ?? 500} showCount value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value || null)} />;
}

/** Whether a typed value counts as given (blank text does not). */
export const isGiven = (v: ManualValue | undefined) => v !== null && v !== undefined && !(typeof v === 'string' && !v.trim());

export function ManualItems({
  result, report, rows, errors, onReport, onRow,
}: {
  result: ReportResult;
  report: Record<string, ManualValue>;
  rows: Record<string, Record<string, ManualValue>>;
  errors: Record<string, string>;
  onReport(key: string, v: ManualValue): void;
  onRow(rowKey: string, key: string, v: ManualValue): void;
}) {
  const { t, lang } = useI18n();
  const reportFields = result.manualFields;
  const rowFields = result.columns.filter((c) => c.kind === 'manual' && c.manual).map((c) => c.manual!);
  const detail = result.rows.filter((r) => r.level === 'detail');
  const label = (f: ManualField) => (
    <span>
      {manualTitle(lang, f)} {f.required ? <Tag color="red">{t('必填', 'required')}</Tag> : <Tag>{t('可不填', 'optional')}</Tag>}
    </span>
  );
  return (
    <Form layout="vertical" data-testid="manual-items">
      {reportFields.map((f) => (
        <Form.Item key={f.key} label={label(f)} required={f.required} extra={manualHint(lang, f)} validateStatus={errors[`manual.report.${f.key}`] ? 'error' : undefined} help={errors[`manual.report.${f.key}`]}>
          <ManualInput field={f} value={report[f.key]} onChange={(v) => onReport(f.key, v)} testId={`manual-report-${f.key}`} status={errors[`manual.report.${f.key}`] ? 'error' : undefined} />
        </Form.Item>
      ))}
      {rowFields.map((f) => (
        <Form.Item key={f.key} label={label(f)} required={f.required} extra={manualHint(lang, f)}>
          <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8, fontSize: 12 }}>
            {t('每行（{n} 行）各填一项', 'One entry for each of the {n} rows', { n: detail.length })}
          </Typography.Text>
          <div className="qc-manual-rows">
            {detail.map((r) => {
              const err = errors[`manual.rows.${r.key}.${f.key}`];
              return (
                <div key={r.key} style={{ display: 'contents' }}>
                  <span>{r.headings.map((h, i) => <span key={i}>{i ? ' · ' : ''}{rowHeading(lang, result, r.level, h, i)}</span>)}</span>
                  <div>
                    <ManualInput field={f} value={rows[r.key]?.[f.key]} onChange={(v) => onRow(r.key, f.key, v)} testId={`manual-row-${r.key}-${f.key}`} status={err ? 'error' : undefined} compact />
                    {err ? <Typography.Text type="danger" style={{ fontSize: 12 }}>{err}</Typography.Text> : null}
                  </div>
                </div>
              );
            })}
          </div>
        </Form.Item>
      ))}
    </Form>
  );
}
