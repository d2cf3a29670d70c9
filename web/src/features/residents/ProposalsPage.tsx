// 标签提议: labels a department keeps (低保, 退役军人, 残疾人 …) that a community proposed, from a
// register import or the resident card. A community follows its proposals and their outcome
// (and may withdraw one still waiting); the department that keeps the label works through its
// queue and confirms each (the label is then written as the department) or rejects it with a
// reason the community reads.
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Empty, Flex, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';

type LabelProposal = ResponseOf<'/api/label-proposals'>['items'][number];
// The server leaves the resident open (it sends only the fields the caller may read): these are the ones shown.
type Proposed = { id: number; name?: string; sex?: string; age?: number; idNumber?: string };
const residentOf = (p: LabelProposal) => p.resident as Proposed;
type Status = 'pending' | 'confirmed' | 'rejected' | 'withdrawn' | 'all';
const statusColor: Record<string, string> = { pending: 'gold', confirmed: 'green', rejected: 'red', withdrawn: 'default' };
const PAGE = 20;

export default function ProposalsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { code } = useFields();
  const department = can('registry:supplement') && !can('registry:read');
  const [status, setStatus] = useState<Status>('pending');
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<{ p: LabelProposal; how: 'confirm' | 'reject' } | null>(null);
  const { message } = App.useApp();
  const list = useApi(
    (signal) => call.get('/api/label-proposals', { query: { status: status === 'all' ? undefined : status, limit: PAGE, offset: (page - 1) * PAGE }, signal }),
    [status, page],
  );
  const counts = useApi((signal) => call.get('/api/label-proposals/counts', { signal }), [list.data]);
  const withdraw = async (p: LabelProposal) => {
    try {
      await call.post('/api/label-proposals/{id}/withdraw', { path: { id: p.id }, body: {} });
      message.success(t('已撤回', 'Withdrawn'));
      list.reload();
    } catch (err) {
      message.error((err as ApiError).message);
    }
  };
  const sex = (s: unknown) => (typeof s === 'string' ? code('sex', s) : '');

  return (
    <div data-testid="proposals-page">
      <PageHeader
        title={department ? t('待确认标签', 'Labels to confirm') : t('标签提议', 'Label proposals')}
        subtitle={
          department
            ? t('社区在花名册或居民详情中提出的、由本部门维护的标签。确认后标签即写入居民档案（以本部门名义，留有历史）；驳回请写明理由，社区可以看到。', 'Labels your department keeps, proposed by communities from their registers or resident cards. Confirming writes the label to the record (as your department, with history); a rejection needs a reason the community sees.')
            : t('由部门维护的标签（低保、退役军人、残疾人等）社区不能直接写入，导入或在居民详情中提出后由相应部门确认。', 'Labels kept by departments (minimum allowance, veterans, disability …) cannot be written by the community: imports and resident cards propose them, and the department decides.')
        }
      />
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Flex style={{ padding: 12 }} gap={12} wrap align="center">
          <Segmented<Status>
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            data-testid="proposal-status"
            options={(['pending', 'confirmed', 'rejected', 'withdrawn', 'all'] as Status[]).map((s) => ({
              value: s,
              label: `${{ pending: t('待确认', 'Waiting'), confirmed: t('已确认', 'Confirmed'), rejected: t('已驳回', 'Rejected'), withdrawn: t('已撤回', 'Withdrawn'), all: t('全部', 'All') }[s]}${s !== 'all' && counts.data?.[s] ? `（${counts.data[s]}）` : ''}`,
            }))}
          />
        </Flex>
        <ErrorAlert error={list.error} onRetry={list.reload} />
        <Table<LabelProposal>
          size="small"
          rowKey="id"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          data-testid="proposal-table"
          pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
          locale={{ emptyText: <Empty description={t('没有提议', 'No proposals')} /> }}
          columns={[
            {
              key: 'who',
              title: t('居民', 'Resident'),
              render: (_, p) => (
                <Space orientation="vertical" size={0}>
                  {department ? <Typography.Text strong>{residentOf(p).name ?? `#${p.resident.id}`}</Typography.Text> : <Link to={`/residents/${p.resident.id}`}>{residentOf(p).name ?? `#${p.resident.id}`}</Link>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[sex(p.resident.sex), p.resident.age !== undefined ? t('{n} 岁', '{n}', { n: residentOf(p).age as number }) : '', residentOf(p).idNumber ?? ''].filter(Boolean).join(' · ')}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.place}</Typography.Text>
                </Space>
              ),
            },
            { key: 'label', title: t('标签', 'Label'), render: (_, p) => <Space orientation="vertical" size={2}><Tag color="orange">{p.label.name}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('由{o}维护', 'kept by {o}', { o: p.ownerName })}</Typography.Text></Space> },
            {
              key: 'why',
              title: t('依据', 'Evidence'),
              render: (_, p) => (
                <Space orientation="vertical" size={0} style={{ maxWidth: 320 }}>
                  {p.source === 'import' ? (
                    <Typography.Text>{t('花名册“{f}”第 {r} 行，{c}：{x}', 'Register "{f}", row {r}, {c}: {x}', { f: p.evidence.fileName ?? '', r: p.evidence.rowNo ?? '', c: p.evidence.column ?? '', x: p.evidence.text ?? '' })}</Typography.Text>
                  ) : (
                    <Typography.Text>{p.note}</Typography.Text>
                  )}
                  {p.warnings.map((w) => (
                    <Typography.Text key={w} type="warning" style={{ fontSize: 12 }}>
                      {w}
                    </Typography.Text>
                  ))}
                </Space>
              ),
            },
            { key: 'by', title: t('提议人', 'Proposed by'), render: (_, p) => <Space orientation="vertical" size={0}><span>{p.proposedBy}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{dayjs(p.proposedAt).format('YYYY-MM-DD HH:mm')}</Typography.Text></Space> },
            {
              key: 'status',
              title: t('结果', 'Outcome'),
              render: (_, p) => (
                <Space orientation="vertical" size={0} style={{ maxWidth: 260 }}>
                  <Tag color={statusColor[p.status]} data-testid={`proposal-status-${p.id}`}>{p.statusName}</Tag>
                  {p.decidedBy ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${p.decidedBy} · ${p.decidedAt ? dayjs(p.decidedAt).format('YYYY-MM-DD') : ''}`}</Typography.Text> : null}
                  {p.decisionReason ? <Typography.Text style={{ fontSize: 12 }}>{p.decisionReason}</Typography.Text> : null}
                </Space>
              ),
            },
            {
              key: 'actions',
              title: '',
              render: (_, p) =>
                p.status !== 'pending' ? null : department ? (
                  <Space>
                    <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => setDeciding({ p, how: 'confirm' })} data-testid={`proposal-confirm-${p.id}`}>
                      {t('确认', 'Confirm')}
                    </Button>
                    <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDeciding({ p, how: 'reject' })} data-testid={`proposal-reject-${p.id}`}>
                      {t('驳回', 'Reject')}
                    </Button>
                  </Space>
                ) : can('registry:write') ? (
                  <Popconfirm title={t('撤回这条提议？', 'Withdraw this proposal?')} onConfirm={() => withdraw(p)}>
                    <Button size="small">{t('撤回', 'Withdraw')}</Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      {deciding ? (
        <DecideModal
          proposal={deciding.p}
          how={deciding.how}
          onClose={() => setDeciding(null)}
          onDone={(warnings) => {
            setDeciding(null);
            message.success(deciding.how === 'confirm' ? t('已确认，标签已写入', 'Confirmed; the label is on the record') : t('已驳回', 'Rejected'));
            for (const w of warnings) message.warning(w);
            list.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function DecideModal({ proposal, how, onClose, onDone }: { proposal: LabelProposal; how: 'confirm' | 'reject'; onClose(): void; onDone(warnings: string[]): void }) {
  const { t, lang } = useI18n();
  const kinds = useLabelKinds();
  const kind = (kinds ?? []).find((k) => k.code === proposal.label.code);
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { reason?: string; since?: Dayjs; attributes?: Record<string, unknown> }) => {
    setBusy(true);
    setError(null);
    try {
      if (how === 'confirm') {
        const attributes: Record<string, string | number> = Object.fromEntries(Object.entries(v.attributes ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '').map(([k, x]) => [k, dayjs.isDayjs(x) ? (x as Dayjs).format('YYYY-MM-DD') : (x as string | number)]));
        const r = await call.post('/api/label-proposals/{id}/confirm', { path: { id: proposal.id }, body: { reason: v.reason?.trim() || undefined, since: v.since?.format('YYYY-MM-DD'), attributes: Object.keys(attributes).length ? attributes : undefined } });
        onDone(r.warnings);
      } else {
        await call.post('/api/label-proposals/{id}/reject', { path: { id: proposal.id }, body: { reason: (v.reason ?? '').trim() } });
        onDone([]);
      }
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const who = residentOf(proposal).name ?? `#${proposal.resident.id}`;
  return (
    <Modal
      open
      title={how === 'confirm' ? t('确认：{who} · {l}', 'Confirm: {who} · {l}', { who, l: proposal.label.name }) : t('驳回：{who} · {l}', 'Reject: {who} · {l}', { who, l: proposal.label.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={how === 'confirm' ? t('确认并写入', 'Confirm and write') : t('驳回', 'Reject')}
      okButtonProps={{ danger: how === 'reject', ...({ 'data-testid': 'proposal-decide-ok' } as Record<`data-${string}`, string>) }}
      confirmLoading={busy}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      {proposal.warnings.length ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={proposal.warnings.join(lang === 'en' ? '; ' : '；')} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ since: proposal.since ? dayjs(proposal.since) : dayjs() }} preserve={false}>
        {how === 'confirm' ? (
          <>
            <Form.Item name="since" label={t('起始日期', 'Since')} rules={[{ required: true }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            {Object.entries(kind?.attributeSchema ?? {}).map(([k, def]) => (
              <Form.Item key={k} name={['attributes', k]} label={lang === 'en' ? def.en : def.zh}>
                {def.codes ? (
                  <Select allowClear options={Object.entries(def.codes).map(([v, n]) => ({ value: v, label: n }))} />
                ) : def.type === 'number' ? (
                  <InputNumber style={{ width: '100%' }} />
                ) : def.type === 'date' ? (
                  <DatePicker style={{ width: '100%' }} />
                ) : (
                  <Input />
                )}
              </Form.Item>
            ))}
            <Form.Item name="reason" label={t('核实情况（可选）', 'What you checked (optional)')}>
              <Input maxLength={500} />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="reason" label={t('驳回理由（社区可见）', 'Why (the community sees it)')} rules={[{ required: true, whitespace: true, min: 2, message: t('请写明理由', 'Give a reason') }]}>
            <Input.TextArea rows={3} maxLength={500} placeholder={t('如：未查到低保审批记录', 'e.g. no allowance decision on file')} data-testid="proposal-reject-reason" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
