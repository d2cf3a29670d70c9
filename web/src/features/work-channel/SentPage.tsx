// 已发任务: what the caller's unit sent down, newest first, each with its progress (read, done,
// overdue) across the units that received it.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Progress, Table, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

type Task = ResponseOf<'/api/channel/tasks'>['items'][number];

export default function SentPage() {
  const { t } = useI18n();
  const nav = useNavigate();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const page = useApi((signal) => call.get('/api/channel/tasks', { query: { q: q || undefined, limit: 20, offset }, signal }), [q, offset]);
  return (
    <div data-testid="sent-page">
      <PageHeader
        title={t('工作通道 · 已发任务', 'Work channel · Sent')}
        subtitle={t('每项任务须引用已准入的职责事项；这里看各单位的阅读和办结进度', 'Every task cites an admitted duty item; follow each unit’s reading and completion here')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => nav('/channel/tasks/new')} data-testid="new-task">{t('派发任务', 'Send a task')}</Button>}
      />
      <Card size="small">
        <Input.Search allowClear placeholder={t('按标题搜索', 'Search titles')} onSearch={(v) => { setQ(v); setOffset(0); }} style={{ maxWidth: 320, marginBottom: 12 }} />
        <ErrorAlert error={page.error} onRetry={page.reload} />
        <Table<Task>
          rowKey="id"
          size="small"
          loading={page.loading}
          dataSource={page.data?.items ?? []}
          onRow={(r) => ({ onClick: () => nav(`/channel/tasks/${r.id}`), style: { cursor: 'pointer' } })}
          pagination={{ current: offset / 20 + 1, pageSize: 20, total: page.data?.total ?? 0, onChange: (p) => setOffset((p - 1) * 20), showSizeChanger: false }}
          scroll={{ x: 800 }}
          columns={[
            { title: t('标题', 'Title'), dataIndex: 'title', render: (v: string, r) => <><Tag>{r.kind === 'notice' ? t('通知', 'Notice') : t('任务', 'Task')}</Tag><UserText>{v}</UserText></> },
            { title: t('职责事项', 'Duty item'), render: (_, r) => <UserText>{r.dutyItem.name}</UserText> },
            { title: t('截止', 'Deadline'), dataIndex: 'deadline', width: 110 },
            { title: t('已读', 'Read'), width: 140, render: (_, r) => <Progress size="small" percent={Math.round((r.progress.read / Math.max(1, r.progress.units)) * 100)} format={() => `${r.progress.read}/${r.progress.units}`} /> },
            { title: t('办结', 'Done'), width: 140, render: (_, r) => <Progress size="small" status={r.progress.overdue ? 'exception' : undefined} percent={Math.round((r.progress.done / Math.max(1, r.progress.units)) * 100)} format={() => `${r.progress.done}/${r.progress.units}`} /> },
            { title: t('逾期', 'Overdue'), width: 70, render: (_, r) => (r.progress.overdue ? <Tag color="red">{r.progress.overdue}</Tag> : '—') },
          ]}
        />
      </Card>
    </div>
  );
}
