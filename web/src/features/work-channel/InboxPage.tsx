// 收件箱: one list of everything asked of the unit, whoever asked (tasks and notices from every
// sender, reports due, base data due for review), open first, nearest deadline first. Made for a
// phone: tap an item, read it (the read receipt), answer from the base data where a link says
// so, and mark it done with what was done.
import { BellOutlined, PaperClipOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Input, Segmented, Skeleton, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { DeadlineTag, FromText, ItemName, ItemTitle, LinkButton, SourceTag, type InboxItem } from './common';

type Detail = ResponseOf<'/api/channel/inbox/{id}'>;
type Source = InboxItem['source'] | 'all';
const PAGE = 30;

export default function InboxPage() {
  const { t } = useI18n();
  const mobile = useMobile();
  const [state, setState] = useState<'open' | 'done'>('open');
  const [source, setSource] = useState<Source>('all');
  const [mine, setMine] = useState(false);
  const [items, setItems] = useState<InboxItem[]>([]);
  const [openId, setOpenId] = useState<number | null>(null);
  const query = { state, source: source === 'all' ? undefined : source, mine: mine || undefined, limit: PAGE };
  const page = useApi((signal) => call.get('/api/channel/inbox', { query: { ...query, offset: 0 }, signal }), [state, source, mine]);
  const [more, setMore] = useState(false);

  useEffect(() => setItems(page.data?.items ?? []), [page.data]);

  const loadMore = async () => {
    setMore(true);
    try {
      const r = await call.get('/api/channel/inbox', { query: { ...query, offset: items.length } });
      setItems((old) => [...old, ...r.items]);
    } finally {
      setMore(false);
    }
  };
  const counts = page.data?.counts;

  return (
    <div data-testid="inbox-page">
      <PageHeader title={t('工作收件箱', 'Work inbox')} subtitle={t('上级派发的任务和通知、待报报表、待维护数据，都在这一个列表里', 'Tasks and notices from above, reports due and base data to review: all in this one list')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={24} wrap>
          <Statistic title={t('待办', 'Open')} value={counts?.open ?? '—'} />
          <Statistic title={t('已逾期', 'Overdue')} value={counts?.overdue ?? '—'} styles={{ content: { color: (counts?.overdue ?? 0) > 0 ? '#cf1322' : undefined } }} />
          <Statistic title={t('已办结', 'Done')} value={counts?.done ?? '—'} />
        </Flex>
      </Card>
      <Flex gap={8} wrap style={{ marginBottom: 12 }} align="center">
        <Segmented value={state} onChange={(v) => setState(v as 'open' | 'done')} options={[{ value: 'open', label: t('待办', 'Open') }, { value: 'done', label: t('已办', 'Done') }]} data-testid="inbox-state" />
        <Segmented
          block={mobile}
          value={source}
          onChange={(v) => setSource(v as Source)}
          options={[{ value: 'all', label: t('全部', 'All') }, { value: 'task', label: t('任务', 'Tasks') }, { value: 'notice', label: t('通知', 'Notices') }, { value: 'report', label: t('报表', 'Reports') }, { value: 'registry', label: t('数据', 'Data') }]}
          data-testid="inbox-source"
        />
        <Segmented value={mine ? 'mine' : 'below'} onChange={(v) => setMine(v === 'mine')} options={[{ value: 'below', label: t('含下级', 'With units below') }, { value: 'mine', label: t('只看本单位', 'My unit only') }]} data-testid="inbox-mine" />
      </Flex>
      <ErrorAlert error={page.error} onRetry={page.reload} style={{ marginBottom: 12 }} />
      {page.loading && !items.length ? <Skeleton active /> : null}
      {!page.loading && !items.length && !page.error ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={state === 'open' ? t('没有待办事项', 'Nothing to do') : t('还没有办结的事项', 'Nothing done yet')} /> : null}
      <Flex vertical gap={8} data-testid="inbox-list">
        {items.map((i) => (
          <div key={i.id} className="qc-todo-item" role="button" onClick={() => setOpenId(i.id)} data-testid={`inbox-item-${i.id}`} style={{ minHeight: 56 }}>
            <div className="qc-todo-main">
              <div className="qc-todo-title">
                {!i.readAt && !i.doneAt ? <span style={{ color: '#1677ff' }}>● </span> : null}
                <ItemTitle item={i} />
              </div>
              <div className="qc-todo-sub">
                <FromText item={i} /> · <ItemName item={i} /> · <UserText>{i.unit.name}</UserText>
                {i.reminders ? <> · <BellOutlined /> {t('催办 {n} 次', 'reminded {n}×', { n: i.reminders })}</> : null}
              </div>
            </div>
            <div className="qc-todo-badge">
              <Flex vertical gap={4} align="flex-end">
                <SourceTag source={i.source} />
                <DeadlineTag item={i} />
              </Flex>
            </div>
          </div>
        ))}
      </Flex>
      {page.data && items.length < page.data.total ? (
        <Button block loading={more} onClick={loadMore} style={{ marginTop: 12 }}>
          {t('加载更多（共 {n} 项）', 'Load more ({n} in all)', { n: page.data.total })}
        </Button>
      ) : null}
      <ItemDrawer id={openId} onClose={() => setOpenId(null)} onChanged={(d) => { setItems((old) => old.map((x) => (x.id === d.item.id ? d.item : x))); page.reload(); }} />
    </div>
  );
}

function ItemDrawer({ id, onClose, onChanged }: { id: number | null; onClose(): void; onChanged(d: Detail): void }) {
  const { t } = useI18n();
  const mobile = useMobile();
  const { message } = App.useApp();
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const detail = useApi(id ? (signal) => call.get('/api/channel/inbox/{id}', { path: { id }, signal }) : null, [id]);
  const d = detail.data;

  // Opening an item is reading it: the sender sees the read receipt.
  useEffect(() => {
    setResult('');
    if (!d || d.item.readAt || d.item.doneAt) return;
    call.post('/api/channel/inbox/{id}/read', { path: { id: d.item.id } }).then((r) => { detail.setData(r); onChanged(r); }, () => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d?.item.id]);

  const done = async () => {
    if (!d) return;
    setBusy(true);
    try {
      const r = await call.post('/api/channel/inbox/{id}/done', { path: { id: d.item.id }, body: { result } });
      detail.setData(r);
      onChanged(r);
      message.success(t('已办结', 'Marked done'));
      onClose();
    } catch (err) {
      message.error(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={id !== null} onClose={onClose} placement={mobile ? 'bottom' : 'right'} size={mobile ? 'large' : 'default'} styles={{ wrapper: mobile ? { height: '88vh' } : { width: 520 } }} title={d ? <ItemTitle item={d.item} /> : t('事项', 'Item')} data-testid="inbox-drawer">
      <ErrorAlert error={detail.error} onRetry={detail.reload} />
      {detail.loading && !d ? <Skeleton active /> : null}
      {d ? (
        <Flex vertical gap={12}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('来自', 'From')}><FromText item={d.item} /></Descriptions.Item>
            <Descriptions.Item label={t('依据事项', 'Item')}><ItemName item={d.item} /></Descriptions.Item>
            <Descriptions.Item label={t('接收单位', 'Unit')}><UserText>{d.item.unit.name}</UserText></Descriptions.Item>
            {d.item.deadline ? <Descriptions.Item label={t('截止', 'Deadline')}>{d.item.deadline} <DeadlineTag item={d.item} /></Descriptions.Item> : null}
            {d.reminders.length ? <Descriptions.Item label={t('催办', 'Reminders')}>{d.reminders.map((r) => r.at.slice(0, 16).replace('T', ' ')).join(t('；', '; '))}</Descriptions.Item> : null}
          </Descriptions>
          {d.task?.status === 'cancelled' ? <Typography.Text type="warning">{t('发送单位已撤回此任务', 'The sender withdrew this task')}</Typography.Text> : null}
          {d.task?.body ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}><UserText>{d.task.body}</UserText></Typography.Paragraph> : null}
          {d.task?.attachments.length ? (
            <Flex vertical gap={4}>
              {d.task.attachments.map((a) => (
                <a key={a.id} href={`/api/channel/attachments/${a.id}`} download data-testid={`attachment-${a.id}`}>
                  <PaperClipOutlined /> <UserText>{a.fileName}</UserText> ({Math.max(1, Math.round(a.size / 1024))} KB)
                </a>
              ))}
            </Flex>
          ) : null}
          {d.item.link ? <LinkButton link={d.item.link} block={mobile} /> : null}
          {d.item.doneAt ? (
            <Typography.Text type="success">{t('已办结', 'Done')} {d.item.doneAt.slice(0, 16).replace('T', ' ')}{d.item.result ? <>{t('：', ': ')}<UserText>{d.item.result}</UserText></> : null}</Typography.Text>
          ) : d.item.source === 'notice' ? null : (
            <>
              <Input.TextArea rows={3} value={result} onChange={(e) => setResult(e.target.value)} placeholder={d.item.source === 'task' ? t('办理结果（必填）', 'What was done (required)') : t('说明（可不填）', 'Note (optional)')} maxLength={4000} data-testid="inbox-result" />
              <Button type="primary" size="large" block loading={busy} disabled={d.item.source === 'task' && !result.trim()} onClick={done} data-testid="inbox-done">
                {t('办结', 'Mark done')}
              </Button>
            </>
          )}
        </Flex>
      ) : null}
    </Drawer>
  );
}
