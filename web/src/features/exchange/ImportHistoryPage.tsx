// 导入记录: the imports of the caller's area, newest first, with their outcome; a row opens the
// import (its progress while it runs, its report afterwards).
import { CloudUploadOutlined } from '@ant-design/icons';
import { Button, Card, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { kindNames, recordKindsInOrder, runningStates, type ImportView, type RecordKind } from './types';
import { UserText } from '../../components/UserText';

const PAGE = 20;
const statusColor: Record<string, string> = { uploaded: 'default', queued: 'processing', running: 'processing', cancelling: 'warning', done: 'success', cancelled: 'default', failed: 'error' };

export default function ImportHistoryPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [kind, setKind] = useState<RecordKind | undefined>(undefined);
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/imports', { query: { kind, limit: PAGE, offset: (page - 1) * PAGE }, signal }), [page, kind]);

  // Keep running imports moving on screen.
  useEffect(() => {
    if (!data?.items.some((i) => runningStates.has(i.status))) return;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [data, reload]);

  return (
    <div data-testid="import-history">
      <PageHeader
        title={t('导入记录', 'Past imports')}
        subtitle={t('本辖区的每一次导入：谁、何时、什么文件、结果如何。', 'Every import in your area: who, when, which file, and how it went.')}
        extra={
          <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => navigate('/exchange/import')}>
            {t('导入数据', 'Import a sheet')}
          </Button>
        }
      />
      {error ? <ErrorAlert error={error} onRetry={reload} /> : null}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Space style={{ padding: 12 }}>
          <Select allowClear placeholder={t('全部类型', 'All kinds')} value={kind} onChange={(v) => { setKind(v); setPage(1); }} style={{ minWidth: 140 }} options={recordKindsInOrder.map((k) => ({ value: k, label: kindNames[k][lang === 'en' ? 1 : 0] }))} />
        </Space>
        <Table
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={data?.items ?? []}
          scroll={{ x: true }}
          onRow={(r) => ({ onClick: () => navigate(`/exchange/imports/${r.id}`), style: { cursor: 'pointer' } })}
          pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
          columns={[
            { key: 'file', title: t('文件', 'File'), render: (_: unknown, r: ImportView) => <a data-testid={`import-${r.id}`}><UserText>{r.fileName}</UserText></a> },
            { key: 'kind', title: t('类型', 'Kind'), responsive: ['sm' as const], render: (_: unknown, r: ImportView) => kindNames[r.kind][lang === 'en' ? 1 : 0] },
            { key: 'node', title: t('导入到', 'Into'), responsive: ['md' as const], render: (_: unknown, r: ImportView) => <UserText>{r.node.name}</UserText> },
            {
              key: 'status',
              title: t('状态', 'Status'),
              render: (_: unknown, r: ImportView) => (runningStates.has(r.status) ? <Progress percent={Math.floor(r.progress * 100)} size="small" style={{ width: 120 }} /> : <Tag color={statusColor[r.status]}>{r.statusName}</Tag>),
            },
            {
              key: 'counts',
              title: t('新增 / 更新 / 未导入', 'New / updated / refused'),
              render: (_: unknown, r: ImportView) => (
                <span>
                  {r.counts.created} / {r.counts.updated} / <Typography.Text type={r.counts.failed ? 'danger' : undefined}>{r.counts.failed}</Typography.Text>
                </span>
              ),
            },
            { key: 'by', title: t('导入人', 'By'), responsive: ['md' as const], render: (_: unknown, r: ImportView) => <UserText>{r.createdBy}</UserText> },
            { key: 'at', title: t('时间', 'When'), responsive: ['sm' as const], render: (_: unknown, r: ImportView) => new Date(r.createdAt).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN') },
          ]}
        />
      </Card>
    </div>
  );
}
