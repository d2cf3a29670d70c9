// 帮办代办: requests taken on behalf of elderly and vulnerable residents, tracked step by step to
// done (with the result) and counted per community. A certificate needed for a request is issued
// from here, and the request records it.
import { PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Flex, Form, Input, Modal, Pagination, Select, Space, Statistic, Switch, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { type ApiError } from '../../api/client';
import { call, type BodyOf } from '../../api/typed';

type NewAssisted = BodyOf<'/api/assisted'>;
const statusCodes = ['open', 'in_progress', 'done', 'cancelled'] as const;
const isStatus = (s: string): s is (typeof statusCodes)[number] => (statusCodes as readonly string[]).includes(s);
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { RecordSelect } from '../../components/RecordSelect';
import { toApiError, useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { useCertMeta } from './common';
import type { AssistedRequest } from './types';
import { UserText } from '../../components/UserText';

const PAGE = 20;
const statusColor: Record<string, string> = { open: 'blue', in_progress: 'gold', done: 'green', cancelled: 'default' };

function useVulnerabilityName() {
  const { t, lang } = useI18n();
  const labels = useLabelKinds();
  return (code: string) => (code.startsWith('age_') ? t('{n} 岁以上', 'aged {n}+', { n: code.slice(4) }) : ((labels ?? []).find((l) => l.code === code)?.[lang === 'en' ? 'nameEn' : 'nameZh'] ?? code));
}

function NewRequest({ open, onClose, onSaved }: { open: boolean; onClose(): void; onSaved(r: AssistedRequest): void }) {
  const { t, pick } = useI18n();
  const meta = useCertMeta();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [needReason, setNeedReason] = useState(false);
  const [busy, setBusy] = useState(false);
  const save = async (v: { residentId: number; category: NewAssisted['category']; channel: NewAssisted['channel']; description: string; helpReason?: string; dueOn?: dayjs.Dayjs }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call.post('/api/assisted', { body: { ...v, helpReason: v.helpReason || null, dueOn: v.dueOn ? v.dueOn.format('YYYY-MM-DD') : null } });
      onSaved(r);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'ASSISTED_NOT_ELIGIBLE') setNeedReason(true);
      if (!applyFieldErrors(form, err)) setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy, ...{ 'data-testid': 'assisted-save' } }} title={t('受理帮办代办', 'Take an assisted-service request')} destroyOnHidden width={620}>
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void save(v)} initialValues={{ category: 'medical_insurance', channel: 'visit' }}>
        <Form.Item name="residentId" label={t('居民', 'Resident')} rules={[{ required: true }]} extra={t('60 岁以上老人或独居、残疾、低保等重点人群', 'Residents aged 60+, or living alone, disabled, on low income …')}>
          <RecordSelect kind="resident" testId="assisted-resident" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="category" label={t('事项', 'Matter')} rules={[{ required: true }]} style={{ minWidth: 200, flex: 1 }}>
            <Select options={Object.entries(meta?.assisted.categories ?? {}).map(([value, v]) => ({ value, label: pick(v) }))} />
          </Form.Item>
          <Form.Item name="channel" label={t('来源', 'How it came in')} rules={[{ required: true }]} style={{ minWidth: 160, flex: 1 }}>
            <Select options={Object.entries(meta?.assisted.channels ?? {}).map(([value, v]) => ({ value, label: pick(v) }))} />
          </Form.Item>
          <Form.Item name="dueOn" label={t('办结期限（默认 7 天）', 'Due (default 7 days)')}>
            <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
        </Flex>
        <Form.Item name="description" label={t('需要办理什么', 'What is needed')} rules={[{ required: true, min: 2 }]}>
          <Input.TextArea rows={3} maxLength={1000} data-testid="assisted-description" />
        </Form.Item>
        {needReason ? (
          <Form.Item name="helpReason" label={t('帮办原因', 'Why help is needed')} rules={[{ required: true }]}>
            <Input maxLength={300} placeholder={t('例如：骨折康复期，行动不便', 'e.g. recovering from a fracture')} />
          </Form.Item>
        ) : null}
        <ErrorAlert error={error} />
      </Form>
    </Modal>
  );
}

function Detail({ id, onChanged }: { id: number; onChanged(): void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const vname = useVulnerabilityName();
  const { data: r, error, reload } = useApi((signal) => call.get('/api/assisted/{id}', { path: { id }, signal }), [id]);
  const [form] = Form.useForm<{ note?: string; status?: BodyOf<'/api/assisted/{id}/steps'>['status']; result?: string }>();
  const status = Form.useWatch('status', form);
  const [busy, setBusy] = useState(false);
  const [stepError, setStepError] = useState<ApiError | null>(null);
  if (error) return <ErrorAlert error={error} onRetry={reload} />;
  if (!r) return null;
  const closed = r.status === 'done' || r.status === 'cancelled';
  const step = async (v: { note?: string; status?: BodyOf<'/api/assisted/{id}/steps'>['status']; result?: string }) => {
    setBusy(true);
    setStepError(null);
    try {
      await call.post('/api/assisted/{id}/steps', { path: { id: r.id }, body: { version: r.version, note: v.note || null, status: v.status || undefined, result: v.result || null } });
      form.resetFields();
      message.success(t('已记录', 'Recorded'));
      reload();
      onChanged();
    } catch (e) {
      const err = toApiError(e);
      if (!applyFieldErrors(form, err)) setStepError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('居民', 'Resident')}><Link to={`/residents/${r.residentId}`}>{r.subjectName}</Link> {r.vulnerability.map((v) => <Tag key={v}>{vname(v)}</Tag>)}</Descriptions.Item>
        <Descriptions.Item label={t('事项', 'Matter')}>{r.categoryName}</Descriptions.Item>
        <Descriptions.Item label={t('需要办理', 'Needed')}>{r.description}</Descriptions.Item>
        {r.helpReason ? <Descriptions.Item label={t('帮办原因', 'Why help')}>{r.helpReason}</Descriptions.Item> : null}
        <Descriptions.Item label={t('状态', 'Status')}><Tag color={statusColor[r.status]}>{r.statusName}</Tag>{r.overdue ? <Tag color="red">{t('已超期', 'overdue')}</Tag> : null}</Descriptions.Item>
        <Descriptions.Item label={t('办结期限', 'Due')}>{r.dueOn}</Descriptions.Item>
        <Descriptions.Item label={t('受理人', 'Taken by')}>{r.takenByName} · {dayjs(r.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
        {r.result ? <Descriptions.Item label={t('办理结果', 'Result')}>{r.result}</Descriptions.Item> : null}
        {r.certificateId ? <Descriptions.Item label={t('出具的证明', 'Certificate')}><Link to={`/certificates?q=${encodeURIComponent(r.subjectName)}`}>{t('证明 #{id}', 'certificate #{id}', { id: r.certificateId })}</Link></Descriptions.Item> : null}
      </Descriptions>
      {!closed && r.category === 'certificate' && can('certificates:issue') ? (
        <Link to={`/certificates/issue?assisted=${r.id}&resident=${r.residentId}`}>
          <Button icon={<SafetyCertificateOutlined />} style={{ marginTop: 12 }}>{t('为此事项出具证明', 'Issue a certificate for it')}</Button>
        </Link>
      ) : null}
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('办理过程', 'Steps')}</Typography.Title>
      <Timeline items={r.steps.map((s) => ({ color: s.status === 'done' ? 'green' : s.status === 'cancelled' ? 'gray' : 'blue', content: <div><strong>{dayjs(s.at).format('MM-DD HH:mm')}</strong> {s.byName}{s.statusName ? <> · <Tag>{s.statusName}</Tag></> : null}{s.note ? <div>{s.note}</div> : null}</div> }))} />
      {!closed && can('assisted:write') ? (
        <Card size="small" title={t('记录进展', 'Record a step')}>
          <Form form={form} layout="vertical" onFinish={(v) => void step(v)}>
            <Form.Item name="status" label={t('改为', 'Change to')}>
              <Select allowClear placeholder={t('不改变状态，只记一笔', 'Keep the status, just a note')} options={[...(r.status === 'open' ? [{ value: 'in_progress', label: t('办理中', 'In progress') }] : []), { value: 'done', label: t('已办结', 'Done') }, { value: 'cancelled', label: t('已取消', 'Cancelled') }]} data-testid="assisted-step-status" />
            </Form.Item>
            {status === 'done' ? (
              <Form.Item name="result" label={t('办理结果', 'Result')} rules={[{ required: true }]}>
                <Input.TextArea rows={2} maxLength={1000} data-testid="assisted-step-result" />
              </Form.Item>
            ) : null}
            <Form.Item name="note" label={t('说明', 'Note')} rules={status === 'cancelled' || !status ? [{ required: true }] : []}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
            <ErrorAlert error={stepError} style={{ marginBottom: 8 }} />
            <Button type="primary" htmlType="submit" loading={busy} data-testid="assisted-step-save">{t('保存', 'Save')}</Button>
          </Form>
        </Card>
      ) : null}
    </>
  );
}

function StatsView() {
  const { t } = useI18n();
  const { place } = usePlace();
  const { data, error, loading } = useApi((signal) => call.get('/api/assisted/stats', { query: { nodeId: place?.id }, signal }), [place?.id]);
  const tot = data?.totals;
  return (
    <>
      <ErrorAlert error={error} />
      {tot ? (
        <Flex gap={32} wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('受理', 'Taken')} value={tot.total} />
          <Statistic title={t('已办结', 'Done')} value={tot.done} />
          <Statistic title={t('按期办结率', 'Done on time')} value={tot.done ? Math.round((tot.doneOnTime / tot.done) * 1000) / 10 : 0} suffix="%" />
          <Statistic title={t('办理中', 'In progress')} value={tot.open + tot.inProgress} />
          <Statistic title={t('已超期', 'Overdue')} value={tot.overdue} valueStyle={tot.overdue ? { color: '#cf1322' } : undefined} />
        </Flex>
      ) : null}
      <Table
        size="small"
        rowKey="communityNodeId"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        columns={[
          { title: t('社区（村）', 'Community'), dataIndex: 'communityName', render: (v: string) => <UserText>{v}</UserText> },
          { title: t('受理', 'Taken'), dataIndex: 'total', align: 'right' },
          { title: t('待办理', 'Open'), dataIndex: 'open', align: 'right' },
          { title: t('办理中', 'In progress'), dataIndex: 'inProgress', align: 'right' },
          { title: t('已办结', 'Done'), dataIndex: 'done', align: 'right' },
          { title: t('按期办结', 'On time'), dataIndex: 'doneOnTime', align: 'right' },
          { title: t('超期', 'Overdue'), dataIndex: 'overdue', align: 'right', render: (n: number) => (n ? <Typography.Text type="danger">{n}</Typography.Text> : 0) },
          { title: t('平均办结天数', 'Avg days'), dataIndex: 'avgDays', align: 'right', render: (d: number | null) => (d === null ? '—' : d) },
        ]}
      />
    </>
  );
}

export default function AssistedPage() {
  const { t, pick } = useI18n();
  const { can } = useAuth();
  const mobile = useMobile();
  const { place } = usePlace();
  const meta = useCertMeta();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const f = { status: params.getAll('status').filter(isStatus), overdue: params.get('overdue') === '1', q: params.get('q') ?? '', page: Number(params.get('page') ?? 1) || 1 };
  const set = (patch: Record<string, string | string[] | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      next.delete(k);
      if (Array.isArray(v)) v.forEach((x) => next.append(k, x));
      else if (v) next.set(k, v);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  const list = useApi((signal) => call.get('/api/assisted', { query: { nodeId: place?.id, status: f.status.length ? f.status : undefined, overdue: f.overdue || undefined, q: f.q || undefined, limit: PAGE, offset: (f.page - 1) * PAGE }, signal }), [place?.id, params.toString()]);
  const table = (
    <>
      <Flex gap={8} wrap align="center" className="qc-filters">
        <Input.Search defaultValue={f.q} placeholder={t('姓名或内容', 'Name or text')} allowClear onSearch={(v) => set({ q: v.trim() || undefined })} style={{ width: 220 }} />
        <Select mode="multiple" allowClear placeholder={t('状态', 'Status')} value={f.status} onChange={(v) => set({ status: v })} style={{ minWidth: 200 }} options={Object.entries(meta?.assisted.statuses ?? {}).map(([value, v]) => ({ value, label: pick(v) }))} />
        <Space><Switch size="small" checked={f.overdue} onChange={(v) => set({ overdue: v ? '1' : undefined })} />{t('只看超期', 'Overdue only')}</Space>
      </Flex>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <Table
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 820 }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('居民', 'Resident'), dataIndex: 'subjectName', render: (v: string) => <UserText>{v}</UserText> },
          { title: t('事项', 'Matter'), dataIndex: 'categoryName', width: 140 },
          { title: t('需要办理', 'Needed'), dataIndex: 'description', ellipsis: { showTitle: false }, render: (v: string) => <UserText title={v}>{v}</UserText> },
          { title: t('状态', 'Status'), dataIndex: 'statusName', width: 100, render: (s: string, r) => <Tag color={statusColor[r.status]}>{s}</Tag> },
          { title: t('期限', 'Due'), dataIndex: 'dueOn', width: 120, render: (d: string, r) => (r.overdue ? <Typography.Text type="danger">{d} {t('超期', 'late')}</Typography.Text> : d) },
          { title: t('受理人', 'Taken by'), dataIndex: 'takenByName', width: 160, ellipsis: { showTitle: false }, render: (v: string) => <UserText>{v}</UserText> },
        ]}
      />
      <Flex justify="flex-end" style={{ marginTop: 12 }}>
        <Pagination current={f.page} pageSize={PAGE} total={list.data?.total ?? 0} showSizeChanger={false} onChange={(p) => set({ page: String(p) })} />
      </Flex>
    </>
  );
  return (
    <>
      <PageHeader
        title={t('帮办代办', 'Assisted service')}
        subtitle={t('替老年人和困难、残疾等重点人群代办事项，跟踪到办结，按社区统计。', 'Matters handled for elderly and vulnerable residents, tracked to done and counted per community.')}
        extra={can('assisted:write') ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="assisted-new">{t('受理', 'Take a request')}</Button> : undefined}
      />
      <Card size="small">
        <Tabs items={[{ key: 'list', label: t('事项', 'Requests'), children: table }, { key: 'stats', label: t('按社区统计', 'Per community'), children: <StatsView /> }]} />
      </Card>
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={t('帮办代办事项', 'Assisted-service request')} size={mobile ? '90%' : 560} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
        {open !== null ? <Detail id={open} onChanged={list.reload} /> : null}
      </Drawer>
      <NewRequest open={creating} onClose={() => setCreating(false)} onSaved={(r) => { setCreating(false); message.success(t('已受理，期限 {d}', 'Taken; due {d}', { d: r.dueOn })); list.reload(); setOpen(r.id); }} />
    </>
  );
}
