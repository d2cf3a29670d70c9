// Every unit's report of one template and period side by side: who has reported, who is late,
// each unit's totals (small counts protected) and a grand total; downloadable as Excel or CSV.
import { DownloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Flex, Statistic, Table } from 'antd';
import type { ColumnsType, ColumnType } from 'antd/es/table';
import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { call } from '../../api/typed';
import { ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { dueStatusNames, type Consolidated } from './api';
import { UserText } from '../../components/UserText';
import { bi, columnHeading, filingText, templateDepartment, templateTitle } from './texts';

type UnitRow = Consolidated['rows'][number];
/** A unit's row, or the grand total (no status). */
type Row = Omit<UnitRow, 'status'> & { status: UnitRow['status'] | ''; key: string; isTotal?: boolean };

export default function ConsolidatedPage() {
  const [params] = useSearchParams();
  const code = params.get('templateCode') ?? '';
  const period = params.get('period') ?? '';
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const data = useApi((signal) => call.get('/api/reports/consolidated', { query: { templateCode: code, period }, signal }), [code, period]);
  const c = data.data;
  const columns = useMemo<ColumnsType<Row>>(() => {
    if (!c) return [];
    const cell = (col: Consolidated['columns'][number]): ColumnType<Row> => ({
      key: col.key,
      title: columnHeading(lang, col),
      align: 'right',
      render: (_, r) => {
        if (r.suppressed?.includes(col.key)) return r.complementary?.includes(col.key) ? '*' : '<5';
        const v = r.values[col.key];
        const s = v === null || v === undefined ? (r.isTotal || r.submissionId ? '—' : '') : String(v);
        return r.isTotal ? <strong>{s}</strong> : s;
      },
    });
    const out: ColumnsType<Row> = [
      { key: 'unit', title: t('报送单位', 'Unit'), fixed: 'left', width: 180, render: (_, r) => (r.isTotal ? <strong>{t('合计', 'Total')}</strong> : r.submissionId ? <a onClick={() => navigate(`/reports/submissions/${r.submissionId}`)}><UserText>{r.unit.name}</UserText></a> : <UserText>{r.unit.name}</UserText>) },
      { key: 'status', title: t('状态', 'Status'), width: 90, render: (_, r) => (r.isTotal ? null : <Badge status={(dueStatusNames[r.status]?.[2] ?? 'default') as 'success'} text={lang === 'en' ? dueStatusNames[r.status]?.[1] : dueStatusNames[r.status]?.[0]} />) },
    ];
    let i = 0;
    while (i < c.columns.length) {
      const col = c.columns[i]!;
      if (!col.group) {
        out.push(cell(col));
        i += 1;
        continue;
      }
      const children: ColumnType<Row>[] = [];
      let j = i;
      while (j < c.columns.length && c.columns[j]!.group === col.group) children.push(cell(c.columns[j++]!));
      out.push({ key: `g${i}`, title: bi(lang, col.group, col.groupEn), children });
      i = j;
    }
    return out;
  }, [c, t, lang, navigate]);
  if (data.error) return <ErrorPage error={data.error} onRetry={data.reload} />;
  const rows: Row[] = c ? [...c.rows.map((r) => ({ ...r, key: String(r.dueId) })), { dueId: 0, unit: { id: 0, name: '' }, status: '', deadline: '', submissionId: null, submittedAt: null, values: c.total, suppressed: c.totalSuppressed ?? [], complementary: c.totalComplementary ?? [], key: 'total', isTotal: true }] : [];
  return (
    <div>
      <PageHeader
        title={c ? <>{templateTitle(lang, c.template)}{t('（汇总）', ' (all units)')}</> : t('汇总', 'All units')}
        subtitle={c ? <>{lang === 'en' ? c.period : c.periodLabel} · {templateDepartment(lang, c.template.department, c.template.en)} · {t('备案号', 'filing number')} {filingText(lang, c.template.filing)}</> : undefined}
        extra={
          <>
            <Button icon={<DownloadOutlined />} href={`/api/reports/consolidated?templateCode=${encodeURIComponent(code)}&period=${encodeURIComponent(period)}&format=xlsx`}>
              Excel
            </Button>
            <Button icon={<DownloadOutlined />} href={`/api/reports/consolidated?templateCode=${encodeURIComponent(code)}&period=${encodeURIComponent(period)}&format=csv`}>
              CSV
            </Button>
          </>
        }
      />
      {c ? (
        <Flex gap={24} wrap style={{ marginBottom: 12 }}>
          <Statistic title={t('应报单位', 'Units')} value={c.summary.units} />
          <Statistic title={t('已报送', 'Submitted')} value={c.summary.submitted} styles={{ content: { color: '#389e0d' } }} />
          <Statistic title={t('未到期未报', 'Not yet due')} value={c.summary.pending} />
          <Statistic title={t('逾期未报', 'Overdue')} value={c.summary.overdue} styles={{ content: { color: c.summary.overdue ? '#cf1322' : undefined } }} />
        </Flex>
      ) : null}
      <Card size="small">
        <Table<Row> size="small" bordered rowKey="key" loading={data.loading} columns={columns} dataSource={rows} pagination={false} scroll={{ x: 'max-content' }} data-testid="consolidated-table" />
      </Card>
    </div>
  );
}
