// A computed report as a table shaped like the paper form: the row headings on the left, merged
// group headings over their columns, units in the headings, a bold total. Every figure with
// records behind it is a link that opens the records (drill-down); small protected figures show
// "<5". Hand-entered items are typed above the table (ManualItems), never in a column off-screen.
import { Table, Tooltip, Typography } from 'antd';
import type { ColumnsType, ColumnType } from 'antd/es/table';
import { useMemo } from 'react';
import { UserText } from '../../components/UserText';
import { useI18n } from '../../i18n';
import type { ReportResult, ResultColumn, ResultRow } from './api';
import { bi, columnHeading, rowHeading } from './texts';

export interface ReportTableProps {
  result: ReportResult;
  /** Opens the records behind a figure. */
  onDrill?: (row: ResultRow, column: ResultColumn) => void;
  /** Row-scope hand-entered values typed so far (shown in their columns; they are typed above the table). */
  manualRows?: Record<string, Record<string, string | number | null>>;
}

/** Height of the table's body before it scrolls under its fixed header. */
const TABLE_HEIGHT = 520;

export function ReportTable({ result, onDrill, manualRows }: ReportTableProps) {
  const { t, lang } = useI18n();
  const hidden = useMemo(() => new Set(result.suppressed ?? []), [result.suppressed]);
  const columns = useMemo<ColumnsType<ResultRow>>(() => {
    const dims = result.dims.length ? result.dims : [{ by: 'unit', title: '单位', titleEn: 'Unit' }];
    const out: ColumnsType<ResultRow> = dims.map((d, i) => ({
      key: `dim${i}`,
      title: bi(lang, d.title, d.titleEn ?? (d.title === '单位' ? 'Unit' : undefined)),
      fixed: 'left',
      width: 150,
      render: (_: unknown, row: ResultRow) => {
        const h = rowHeading(lang, result, row.level, result.dims.length ? row.headings[i] : (row.headings[0] ?? result.unit.name), i);
        return row.level === 'detail' ? h : <strong>{h}</strong>;
      },
    }));
    const cell = (c: ResultColumn): ColumnType<ResultRow> => ({
      key: c.key,
      title: columnHeading(lang, c),
      align: c.kind === 'manual' ? 'left' : 'right',
      width: c.kind === 'manual' ? 200 : Math.max(76, Math.min(130, (lang === 'en' ? (c.titleEn ?? c.title).length * 7 : c.title.length * 14) + 20)),
      onHeaderCell: () => ({ 'data-testid': `col-${c.key}` }) as React.HTMLAttributes<HTMLElement>,
      render: (_: unknown, row: ResultRow) => {
        if (c.kind === 'manual' && c.manual) {
          const v = manualRows && row.level === 'detail' ? manualRows[row.key]?.[c.key] : row.values[c.key];
          return v === null || v === undefined || v === '' ? '' : <UserText>{String(v)}</UserText>;
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
      out.push({ key: `g-${i}`, title: bi(lang, c.group, c.groupEn), children });
      i = j;
    }
    return out;
  }, [result, lang, t, hidden, onDrill, manualRows]);

  // A wide form scrolls inside its own frame, its first column and headings staying in place;
  // the page around it never grows sideways.
  return (
    <div className="qc-report-frame" data-testid="report-frame">
      <Table<ResultRow>
        className="qc-report-table"
        size="small"
        bordered
        rowKey="key"
        columns={columns}
        dataSource={result.rows}
        pagination={result.rows.length > 200 ? { pageSize: 100, showSizeChanger: false } : false}
        scroll={{ x: 'max-content', y: TABLE_HEIGHT }}
        rowClassName={(r) => (r.level === 'total' ? 'qc-row-total' : r.level === 'subtotal' ? 'qc-row-subtotal' : '')}
        data-testid="report-table"
      />
    </div>
  );
}
