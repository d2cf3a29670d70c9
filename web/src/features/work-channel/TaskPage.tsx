// One sent task: its text, the duty item it cites, and each unit's receipt (delivered, read, done
// with the result, reminders), the overdue ones marked.
import { PaperClipOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Flex, Input, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { dutyListNames, LinkButton } from './common';

type Receipt = ResponseOf<'/api/channel/tasks/{id}'>['receipts'][number];
const when = (s: string | null) => (s ? s.slice(0, 16).replace('T', ' ') : '—');

export default function TaskPage() {
  const { t } = useI18n();
  const id = Number(useParams().id);
  const [filter, setFilter] = useState<'all' | 'unread' | 'open' | 'done'>('all');
  const d = useApi((signal) => call.get('/api/channel/tasks/{id}', { path: { id }, signal }), [id]);
  const { modal, message } = App.useApp();
  const withdraw = async () => {
    let reason = '';
    const ok = await new Promise<boolean>((resolve) => modal.confirm({ title: t('撤回任务？未办结的单位将收到撤回原因', 'Withdraw the task? Units that have not finished get the reason'), content: <Input.TextArea rows={3} maxLength={500} onChange={(e) => (reason = e.target.value)} placeholder={t('撤回原因', 'Why')} />, onOk: () => resolve(true), onCancel: () => resolve(false) }));
    if (!ok) return;
    try {
      d.setData(await call.post('/api/channel/tasks/{id}/withdraw', { path: { id }, body: { reason } }));
    } catch (err) {
      message.error(toApiError(err).message);
    }
  };
  if (d.error) return <ErrorPage error={d.error} onRetry={d.reload} />;
  const task = d.data?.task;
  const rows = (d.data?.receipts ?? []).filter((r) => (filter === 'unread' ? !r.readAt : filter === 'open' ? !r.doneAt : filter === 'done' ? !!r.doneAt : true));
  const kind = task ? (dutyListNames[task.dutyItem.listKind as keyof typeof dutyListNames] ?? null) : null;
  return (
    <div data-testid="task-page">
      <PageHeader
        title={task ? <UserText>{task.title}</UserText> : t('任务', 'Task')}
        tags={task?.status === 'cancelled' ? <Tag color="default">{t('已撤回', 'Withdrawn')}</Tag> : null}
        extra={task?.status === 'open' ? <Button danger onClick={withdraw} data-testid="task-withdraw">{t('撤回', 'Withdraw')}</Button> : null}
        subtitle={task ? t('{s} 发出，{u} 个单位，截止 {d}（{n} 个工作日）', 'Sent {s} to {u} units, due {d} ({n} working days)', { s: task.sentOn, u: task.progress.units, d: task.deadline, n: task.workingDays }) : null} />
      {task ? (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Descriptions size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('职责事项', 'Duty item')}><UserText>{task.dutyItem.name}</UserText> {kind ? <Tag>{t(kind[0], kind[1])}</Tag> : null}</Descriptions.Item>
            <Descriptions.Item label={t('发送人', 'Sender')}><UserText>{task.senderName}</UserText> · <UserText>{task.senderUnit}</UserText></Descriptions.Item>
            <Descriptions.Item label={t('进度', 'Progress')}>{t('已读 {r} · 办结 {d} · 逾期 {o} / 共 {u}', 'read {r} · done {d} · overdue {o} / {u}', { r: task.progress.read, d: task.progress.done, o: task.progress.overdue, u: task.progress.units })}</Descriptions.Item>
          </Descriptions>
          {task.body ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}><UserText>{task.body}</UserText></Typography.Paragraph> : null}
          <Flex gap={12} wrap>
            {task.link ? <LinkButton link={task.link} /> : null}
            {task.attachments.map((a) => <a key={a.id} href={`/api/channel/attachments/${a.id}`} download><PaperClipOutlined /> <UserText>{a.fileName}</UserText></a>)}
          </Flex>
        </Card>
      ) : null}
      <Card size="small" title={t('各单位回执', 'Receipts by unit')} extra={<Segmented size="small" value={filter} onChange={(v) => setFilter(v as typeof filter)} options={[{ value: 'all', label: t('全部', 'All') }, { value: 'unread', label: t('未读', 'Unread') }, { value: 'open', label: t('未办结', 'Open') }, { value: 'done', label: t('已办结', 'Done') }]} />}>
        <Table<Receipt>
          rowKey="inboxId"
          size="small"
          loading={d.loading}
          dataSource={rows}
          pagination={{ pageSize: 50, showSizeChanger: false }}
          scroll={{ x: 800 }}
          columns={[
            { title: t('单位', 'Unit'), render: (_, r) => <UserText>{r.unit.name}</UserText> },
            { title: t('送达', 'Delivered'), width: 140, render: (_, r) => when(r.deliveredAt) },
            { title: t('已读', 'Read'), width: 140, render: (_, r) => when(r.readAt) },
            { title: t('办结', 'Done'), width: 140, render: (_, r) => (r.doneAt ? when(r.doneAt) : r.overdue ? <Tag color="red">{t('逾期', 'Overdue')}</Tag> : '—') },
            { title: t('办理结果', 'Result'), render: (_, r) => (r.result ? <><UserText>{r.result}</UserText>{r.doneBy ? <Typography.Text type="secondary"> · <UserText>{r.doneBy}</UserText></Typography.Text> : null}</> : '—') },
            { title: t('催办', 'Reminders'), width: 80, dataIndex: 'reminders' },
          ]}
        />
      </Card>
    </div>
  );
}
