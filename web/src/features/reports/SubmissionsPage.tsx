// 报表查阅: the submitted reports a department, a street or the reviewer may read, without asking
// anyone again; filter by report and period, open one, or see every unit side by side.
import { TableOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import type { SubmissionSummary } from './api';
import { UserText } from '../../components/UserText';
import { templateTitle } from './texts';

export default function SubmissionsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [code, setCode] = useState<string | undefined>();
  const [period, setPeriod] = useState('');
  const [page, setPage] = useState(1);
  const templates = useApi((signal) => call.get('/api/reports/templates', { query: { status: ['approved', 'retired'] }, signal }), []);
  const list = useApi(
    (signal) => call.get('/api/reports/submissions', { query: { templateCode: code, period: period.trim() || undefined, limit: 50, offset: (page - 1) * 50 }, signal }),
    [code, period, page],
  );
  const items = list.data?.items ?? [];
  const canConsolidate = code && (period.trim() || items[0]?.period);
  return (
    <div>
      <PageHeader title={t('报表查阅', 'Submitted reports')} subtitle={t('各单位一次报送，有权部门直接查阅，不再重复要数', 'Each unit reports once; every entitled department reads it here')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={12} wrap>
          <Select
            allowClear
            style={{ minWidth: 280 }}
            placeholder={t('全部报表', 'All reports')}
            value={code}
            onChange={(v) => {
              setCode(v);
              setPage(1);
            }}
            options={[...new Map((templates.data ?? []).map((x) => [x.code, x])).values()].map((x) => ({ value: x.code, label: templateTitle(lang, x) }))}
            data-testid="filter-template"
          />
          <Input style={{ width: 160 }} allowClear placeholder={t('报告期，如 2025-10', 'Period, e.g. 2025-10')} value={period} onChange={(e) => setPeriod(e.target.value)} />
          <Button icon={<TableOutlined />} disabled={!canConsolidate} onClick={() => navigate(`/reports/consolidated?templateCode=${code}&period=${period.trim() || items[0]!.period}`)}>
            {t('各单位汇总', 'All units side by side')}
          </Button>
        </Flex>
      </Card>
      <ErrorAlert error={list.error} onRetry={list.reload} style={{ marginBottom: 12 }} />
      <Table<SubmissionSummary>
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={items}
        data-testid="submissions-table"
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        onRow={(r) => ({ onClick: () => navigate(`/reports/submissions/${r.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { key: 'title', title: t('报表', 'Report'), render: (_, r) => templateTitle(lang, r) },
          { key: 'unit', title: t('报送单位', 'Unit'), render: (_, r) => <UserText>{r.unitName}</UserText> },
          { key: 'period', title: t('报告期', 'Period'), render: (_, r) => (lang === 'en' ? r.period : r.periodLabel) },
          { key: 'version', title: t('版本', 'Version'), render: (_, r) => (r.version > 1 ? t('第 {v} 版（已更正）', 'v{v} (corrected)', { v: r.version }) : r.version) },
          { key: 'by', title: t('报送人', 'By'), render: (_, r) => <UserText>{r.submittedByName}</UserText> },
          { key: 'at', title: t('报送时间', 'Submitted'), render: (_, r) => new Date(r.submittedAt).toLocaleString(lang === 'en' ? 'en-CA' : 'zh-CN') },
        ]}
      />
    </div>
  );
}
