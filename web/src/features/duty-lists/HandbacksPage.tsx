// 事项退回: the township's requests to hand items back; the department answers those sent to
// it, the reviewer decides. A request is made from the lists page (申请退回上级部门).
import { Button, Card, Descriptions, Drawer, Flex, Input, Radio, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { userText, UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { handbackReason, handbackStatus, listName, type Handback } from './texts';

export default function HandbacksPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('all');
  const [open, setOpen] = useState<number | null>(null);
  const data = useApi((signal) => call.get('/api/duty-handbacks', { query: status === 'all' ? {} : { status: status as 'pending_review' }, signal }), [status]);
  return (
    <>
      <PageHeader title={t('事项退回', 'Handing items back')} subtitle={t('街道（乡镇）对无力承接或长期未实际履行的事项申请退回上级部门；部门答复，减负办决定', 'A township asks to hand back what it cannot carry or never performs; the department answers, the reviewer decides')}
        extra={<Link to="/duty-lists"><Button>{t('到清单中发起', 'Start from the lists')}</Button></Link>} />
      <Segmented value={status} onChange={(v) => setStatus(String(v))} options={[{ value: 'all', label: t('全部', 'All') }, ...Object.entries(handbackStatus).map(([value, l]) => ({ value, label: t(l[0], l[1]) }))]} style={{ marginBottom: 12 }} />
      <ErrorAlert error={data.error} onRetry={data.reload} />
      <Table<Handback> rowKey="id" size="small" loading={data.loading} dataSource={data.data?.items ?? []} onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })} data-testid="duty-handbacks"
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          { title: t('街道（乡镇）', 'Township'), dataIndex: ['township', 'name'], render: (v: string) => userText(v) },
          { title: t('事项', 'Item'), dataIndex: ['item', 'name'], render: (v: string) => userText(v) },
          { title: t('原因', 'Reason'), dataIndex: 'reasonKind', render: (k: string) => t(...handbackReason[k]!) },
          { title: t('退回给', 'Back to'), dataIndex: ['department', 'name'], render: (v: string) => userText(v) },
          { title: t('状态', 'Status'), dataIndex: 'status', render: (s: string) => <Tag color={handbackStatus[s]![2]}>{t(handbackStatus[s]![0], handbackStatus[s]![1])}</Tag> },
        ]} />
      {open ? <HandbackDrawer id={open} onClose={() => setOpen(null)} onChanged={data.reload} /> : null}
    </>
  );
}

function HandbackDrawer({ id, onClose, onChanged }: { id: number; onClose(): void; onChanged(): void }) {
  const { t } = useI18n();
  const { can, me } = useAuth();
  const d = useApi((signal) => call.get('/api/duty-handbacks/{id}', { path: { id }, signal }), [id]);
  const [agree, setAgree] = useState(true);
  const [text, setText] = useState('');
  const [decision, setDecision] = useState<'return' | 'keep'>('return');
  const [error, setError] = useState<ApiError | null>(null);
  const h = d.data;
  const act = async (fn: () => Promise<Handback>) => {
    setError(null);
    try {
      d.setData(await fn());
      setText('');
      onChanged();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  const mine = !!h && me?.user.departmentId === h.department.id;
  return (
    <Drawer open onClose={onClose} width={Math.min(680, window.innerWidth)} title={h ? <UserText>{h.item.name}</UserText> : t('退回申请', 'Hand-back request')}>
      <ErrorAlert error={d.error ?? error} />
      {h ? (
        <>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('状态', 'Status')}><Tag color={handbackStatus[h.status]![2]}>{t(handbackStatus[h.status]![0], handbackStatus[h.status]![1])}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('街道（乡镇）', 'Township')}>{userText(h.township.name)}{h.requestedBy ? <> · {userText(h.requestedBy.name)}</> : null}</Descriptions.Item>
            <Descriptions.Item label={t('原在清单', 'From the list')}>{t(...listName[h.fromList])}</Descriptions.Item>
            <Descriptions.Item label={t('原因', 'Reason')}>{t(...handbackReason[h.reasonKind]!)}：<UserText>{h.reasonText}</UserText></Descriptions.Item>
            <Descriptions.Item label={t('佐证', 'Evidence')}><UserText style={{ whiteSpace: 'pre-wrap' }}>{h.evidence}</UserText></Descriptions.Item>
            {h.attachments.length ? (
              <Descriptions.Item label={t('佐证材料', 'Files')}>
                <Flex vertical>{h.attachments.map((a) => <a key={a.id} href={`/api/duty-handbacks/${h.id}/evidence/${a.id}`} target="_blank" rel="noreferrer"><UserText>{a.fileName}</UserText> ({Math.ceil(a.size / 1024)} KB)</a>)}</Flex>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('退回给', 'Back to')}>{userText(h.department.name)}</Descriptions.Item>
            {h.departmentComment ? <Descriptions.Item label={t('部门意见', 'Department’s answer')}>{h.departmentAgrees ? t('同意', 'Agrees') : t('不同意', 'Disagrees')}：<UserText>{h.departmentComment}</UserText></Descriptions.Item> : null}
            {h.decisionReason ? <Descriptions.Item label={t('审核决定', 'Decision')}><UserText>{h.decisionReason}</UserText>{h.versionNo ? t('（第 {v} 版清单）', ' (version {v})', { v: h.versionNo }) : null}</Descriptions.Item> : null}
          </Descriptions>
          {h.status === 'pending_department' && can('duty:apply') && mine ? (
            <Card size="small" title={t('部门答复', 'The department’s answer')} style={{ marginTop: 12 }}>
              <Flex vertical gap={8}>
                <Radio.Group value={agree} onChange={(e) => setAgree(e.target.value)} options={[{ value: true, label: t('同意收回', 'Agree to take it back') }, { value: false, label: t('不同意', 'Disagree') }]} />
                <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('答复意见（必填）', 'Your view (required)')} />
                <Button type="primary" disabled={text.trim().length < 2} onClick={() => void act(() => call.post('/api/duty-handbacks/{id}/answer', { path: { id }, body: { agrees: agree, comment: text } }))} data-testid="duty-answer">{t('提交答复', 'Send')}</Button>
              </Flex>
            </Card>
          ) : null}
          {h.status === 'pending_review' && can('duty:review') ? (
            <Card size="small" title={t('审核决定', 'Decision')} style={{ marginTop: 12 }}>
              <Flex vertical gap={8}>
                <Radio.Group value={decision} onChange={(e) => setDecision(e.target.value)} options={[{ value: 'return', label: t('同意退回（移入上级部门收回事项，生成新版本）', 'Hand back (moves to the taken-back list as a new version)') }, { value: 'keep', label: t('保留在清单', 'Keep it on the list') }]} />
                <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('审核意见（必填）', 'Reason (required)')} />
                <Button type="primary" disabled={text.trim().length < 2} onClick={() => void act(() => call.post('/api/duty-handbacks/{id}/decide', { path: { id }, body: { decision, reason: text } }))} data-testid="duty-handback-decide">{t('确定', 'Decide')}</Button>
              </Flex>
            </Card>
          ) : null}
          {h.status === 'pending_department' && !mine ? <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>{t('等待{d}答复。', 'Waiting for {d} to answer.', { d: h.department.name })}</Typography.Paragraph> : null}
        </>
      ) : null}
    </Drawer>
  );
}
