// A computed report as a table shaped like the paper form: the row headings on the left, merged
// group headings over their columns, units in the headings, a bold total. Every figure with
// records behind it is a link that opens the records (drill-down); small protected figures show
// "<5". Row-scope hand-entered items are edited in place when the report is being filled.
import { Input, InputNumber, Select, Table, Tooltip, Typography, DatePicker } from 'antd';
import type { ColumnsType, ColumnType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import type { ManualField, ReportResult, ResultColumn, ResultRow } from './api';

export interface ReportTableProps {
  result: ReportResult;
  /** Opens the records behind a figure. */
  onDrill?: (row: ResultRow, column: ResultColumn) => void;
  /** Row-scope manual values being filled, and their setter (absent: read-only). */
  manualRows?: Record<string, Record<string, string | number | null>>;
  onManualChange?: (rowKey: string, key: string, value: string | number | null) => void;
  manualErrors?: Record<string, string>;
}

function heading(c: ResultColumn, lang: 'zh' | 'en'): string {
  const t = lang === 'en' && c.titleEn ? c.titleEn : c.title;
  return c.unit ? `${t}（${c.unit}）` : t;
}

function ManualCell({ field, value, onChange, error }: { field: ManualField; value: string | number | null | undefined; onChange: (v: string | number | null) => void; error?: string }) {
  const status: 'error' | undefined = error ? 'error' : undefined;
  const common = { size: 'small' as const, status, style: { width: '100%', minWidth: 80 } };
  const input =
    field.type === 'integer' || field.type === 'number' ? (
      <InputNumber {...common} value={typeof value === 'number' ? value : null} min={field.min} max={field.max} precision={field.type === 'integer' ? 0 : undefined} onChange={(v) => onChange(v ?? null)} />
    ) : field.type === 'choice' ? (
      <Select {...common} allowClear value={(value as string) ?? undefined} options={(field.options ?? []).map((o) => ({ value: o, label: o }))} onChange={(v) => onChange(v ?? null)} />
    ) : field.type === 'date' ? (
      <DatePicker {...common} value={value ? dayjs(String(value)) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />
    ) : (
      <Input {...common} value={(value as string) ?? ''} maxLength={field.maxLength ?? 500} onChange={(e) => onChange(e.target.value || null)} />
    );
  return error ? <Tooltip title={error} open>{input}</Tooltip> : input;
}

export function ReportTable({ result, onDrill, manualRows, onManualChange, manualErrors }: ReportTableProps) {
  const { t, lang } = useI18n();
  const hidden = useMemo(() => new Set(result.suppressed ?? []), [result.suppressed]);
  const columns = useMemo<ColumnsType<ResultRow>>(() => {
    const dims = result.dims.length ? result.dims : [{ by: 'unit', title: t('单位', 'Unit') }];
    const out: ColumnsType<ResultRow> = dims.map((d, i) => ({
      key: `dim${i}`,
      title: d.title,
      fixed: 'left',
      width: 150,
      render: (_: unknown, row: ResultRow) => {
        const h = result.dims.length ? row.headings[i] : (row.headings[0] ?? result.unit.name);
        return row.level === 'detail' ? h : <strong>{h}</strong>;
      },
    }));
    const cell = (c: ResultColumn): ColumnType<ResultRow> => ({
      key: c.key,
      title: heading(c, lang),
      align: c.kind === 'manual' ? 'center' : 'right',
      width: c.kind === 'manual' ? 160 : Math.max(72, Math.min(120, heading(c, lang).length * 14)),
      onHeaderCell: () => ({ 'data-testid': `col-${c.key}` }) as React.HTMLAttributes<HTMLElement>,
      render: (_: unknown, row: ResultRow) => {
        if (c.kind === 'manual' && c.manual) {
          if (manualRows && onManualChange && row.level === 'detail') {
            return <ManualCell field={c.manual} value={manualRows[row.key]?.[c.key]} onChange={(v) => onManualChange(row.key, c.key, v)} error={manualErrors?.[`manual.rows.${row.key}.${c.key}`]} />;
          }
          const v = row.values[c.key];
          return v === null || v === undefined ? '' : String(v);
        }
        if (hidden.has(`${row.key}::${c.key}`)) {
          const complementary = result.complementary?.includes(`${row.key}::${c.key}`);
          return (
            <Tooltip
              title={
                complementary
                  ? t('用这个数字可以推算出受保护的小数字，为保护个人信息一并不予显示', 'Would give a protected small figure away by subtraction: hidden too')
                  : t('该数字小于 {n}，为保护个人信息不予显示', 'Under {n}: hidden to protect individuals', { n: result.suppressionThreshold ?? '' })
              }
            >
              <Typography.Text type="secondary" data-testid={`cell-${row.key}-${c.key}`}>{complementary ? '*' : `<${result.suppressionThreshold}`}</Typography.Text>
            </Tooltip>
          );
        }
        const v = row.values[c.key];
        const text = v === null || v === undefined ? (c.kind === 'ratio' || c.kind === 'share' || c.kind === 'avg' ? '—' : '') : typeof v === 'number' ? v.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 }) : v;
        const body = row.level === 'detail' ? text : <strong>{text}</strong>;
        if (onDrill && c.drillable && typeof v === 'number' && v !== 0 && c.kind !== 'ratio' && c.kind !== 'share') {
          return (
            <a onClick={() => onDrill(row, c)} data-testid={`cell-${row.key}-${c.key}`} title={t('查看明细', 'Show the records')}>
              {body}
            </a>
          );
        }
        return <span data-testid={`cell-${row.key}-${c.key}`}>{body}</span>;
      },
    });
    // Consecutive columns with the same group heading sit under one merged heading.
    let i = 0;
    const cols = result.columns;
    while (i < cols.length) {
      const c = cols[i]!;
      if (!c.group) {
        out.push(cell(c));
        i += 1;
        continue;
      }
      const children: ColumnType<ResultRow>[] = [];
      let j = i;
      while (j < cols.length && cols[j]!.group === c.group) children.push(cell(cols[j++]!));
      out.push({ key: `g-${i}`, title: c.group, children });
      i = j;
    }
    return out;
  }, [result, lang, t, hidden, onDrill, manualRows, onManualChange, manualErrors]);

  return (
    <Table<ResultRow>
      className="qc-report-table"
      size="small"
      bordered
      rowKey="key"
      columns={columns}
      dataSource={result.rows}
      pagination={result.rows.length > 200 ? { pageSize: 100, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      rowClassName={(r) => (r.level === 'total' ? 'qc-row-total' : r.level === 'subtotal' ? 'qc-row-subtotal' : '')}
      data-testid="report-table"
    />
  );
}
