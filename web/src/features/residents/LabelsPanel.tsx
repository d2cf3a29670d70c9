// A resident's labels (重点人群): current and ended ones with dates; give a label or end one.
// Only a label's owner may change it (a community keeps 独居老人, 民政 keeps 低保): others see it
// read-only with the owner named, and the community proposes it to the owner instead (标签提议),
// following the outcome here.
import { FlagOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Empty, Flex, Form, Input, InputNumber, Modal, Select, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import type { LabelKind } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors } from '../../components/errors';
import { useFields } from '../../components/fields';
import { useApi } from '../../hooks/useApi';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';

type CardLabel = ResponseOf<'/api/residents/{id}'>['labels'][number];
type Grant = ResponseOf<'/api/grants/mine'>[number];
type LabelProposal = ResponseOf<'/api/label-proposals'>['items'][number];

export function LabelsPanel({ residentId, labels, grants, onChanged }: { residentId: number; labels: CardLabel[]; grants?: Grant[]; onChanged(): void }) {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { code } = useFields();
  const { message } = App.useApp();
  const kinds = useLabelKinds();
  const [adding, setAdding] = useState(false);
  const [proposing, setProposing] = useState(false);
  const [ending, setEnding] = useState<CardLabel | null>(null);
  const proposals = useApi((signal) => (can('registry:read') ? call.get('/api/label-proposals', { query: { residentId, limit: 20, offset: 0 }, signal }) : Promise.resolve({ items: [] as LabelProposal[], total: 0 })), [residentId, labels]);
  const kindOf = useMemo(() => new Map((kinds ?? []).map((k) => [k.code, k])), [kinds]);
  const name = (c: string) => {
    const k = kindOf.get(c);
    return k ? (lang === 'en' ? k.nameEn : k.nameZh) : c;
  };
  const ownerName = (owner: string) => (owner === 'community' ? t('社区', 'the community') : code('department', owner));
  const mayWrite = (k: LabelKind | undefined) => {
    if (!k) return false;
    if (k.owner === 'community') return can('registry:write');
    return can('registry:supplement') && (grants ?? []).some((g) => g.recordKind === 'resident' && g.writeFields.includes(`label:${k.code}`));
  };
  const writable = (kinds ?? []).filter((k) => k.active && k.appliesTo === 'resident' && mayWrite(k));
  const activeCodes = new Set(labels.filter((l) => l.active).map((l) => l.code));
  const pendingCodes = new Set((proposals.data?.items ?? []).filter((p) => p.status === 'pending').map((p) => p.label.code));
  // Labels a department keeps, which the community may propose (not already on the record or waiting).
  const proposable = can('registry:write') ? (kinds ?? []).filter((k) => k.active && k.appliesTo === 'resident' && k.owner !== 'community' && !activeCodes.has(k.code) && !pendingCodes.has(k.code)) : [];

  return (
    <div>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('标签由其维护方负责：社区维护的标签社区可改，部门维护的标签由部门补充。', 'Each label is kept by its owner: the community, or a department.')}</Typography.Text>
        <Flex gap={8}>
          {proposable.length ? (
            <Button icon={<FlagOutlined />} onClick={() => setProposing(true)} data-testid="label-propose">
              {t('提议部门标签', 'Propose to a department')}
            </Button>
          ) : null}
          {writable.length ? (
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="label-add">
              {t('添加标签', 'Add a label')}
            </Button>
          ) : null}
        </Flex>
      </Flex>
      <Table
        size="small"
        rowKey={(l) => `${l.code}-${l.since}`}
        dataSource={labels}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('暂无标签', 'No labels')} /> }}
        columns={[
          { key: 'name', title: t('标签', 'Label'), render: (_, l) => <Tag color={l.active ? 'orange' : 'default'}>{l.name ?? name(l.code)}</Tag> },
          { key: 'since', title: t('起始日期', 'Since'), dataIndex: 'since' },
          { key: 'until', title: t('结束日期', 'Until'), render: (_, l) => l.until ?? '—' },
          {
            key: 'attributes',
            title: t('详情', 'Details'),
            render: (_, l) => {
              const schema = kindOf.get(l.code)?.attributeSchema ?? {};
              // The server leaves a label's attributes open (each kind has its own): names to strings or numbers.
              const entries = Object.entries((l.attributes ?? {}) as Record<string, string | number>);
              if (!entries.length) return '—';
              return entries.map(([k, v]) => {
                const def = schema[k];
                const shown = def?.codes?.[String(v)] ?? String(v);
                return (
                  <div key={k}>
                    <Typography.Text type="secondary">{def ? (lang === 'en' ? def.en : def.zh) : k}：</Typography.Text>
                    {shown}
                  </div>
                );
              });
            },
          },
          { key: 'owner', title: t('维护方', 'Kept by'), render: (_, l) => ownerName(kindOf.get(l.code)?.owner ?? 'community') },
          {
            key: 'actions',
            title: '',
            render: (_, l) =>
              l.active && mayWrite(kindOf.get(l.code)) ? (
                <Button size="small" onClick={() => setEnding(l)} data-testid={`label-end-${l.code}`}>
                  {t('结束', 'End')}
                </Button>
              ) : l.active ? (
                <Tooltip title={t('由{o}维护', 'Kept by {o}', { o: ownerName(kindOf.get(l.code)?.owner ?? '') })}>
                  <Typography.Text type="secondary">{t('只读', 'read-only')}</Typography.Text>
                </Tooltip>
              ) : null,
          },
        ]}
      />
      {proposals.data?.items.length ? (
        <div style={{ marginTop: 12 }} data-testid="label-proposals">
          <Typography.Text type="secondary">{t('提交部门确认的标签：', 'Proposed to departments:')}</Typography.Text>
          {proposals.data.items.map((p) => (
            <div key={p.id} style={{ marginTop: 4 }}>
              <Tag color={p.status === 'pending' ? 'gold' : p.status === 'confirmed' ? 'green' : p.status === 'rejected' ? 'red' : 'default'}>{p.statusName}</Tag>
              {p.label.name}
              <Typography.Text type="secondary">
                {' · '}
                {p.status === 'pending' ? t('待{o}确认', 'waiting for {o}', { o: p.ownerName }) : `${p.decidedBy ?? p.ownerName}${p.decisionReason ? `：${p.decisionReason}` : ''}`}
                {' · '}
                {p.source === 'import' ? t('来自“{f}”第 {r} 行', 'from "{f}" row {r}', { f: p.evidence.fileName ?? '', r: p.evidence.rowNo ?? '' }) : (p.note ?? '')}
              </Typography.Text>
            </div>
          ))}
        </div>
      ) : null}
      {proposing ? (
        <ProposeModal
          residentId={residentId}
          kinds={proposable}
          onClose={() => setProposing(false)}
          onDone={() => {
            setProposing(false);
            message.success(t('已提交部门确认', 'Proposed to the department'));
            proposals.reload();
          }}
        />
      ) : null}
      {adding ? (
        <AddLabelModal
          residentId={residentId}
          kinds={writable.filter((k) => !activeCodes.has(k.code))}
          onClose={() => setAdding(false)}
          onDone={(warnings) => {
            setAdding(false);
            message.success(t('标签已添加', 'Label added'));
            // The label kind's plausibility rules (独居老人 60+ …): kept, but someone should check.
            for (const w of warnings) message.warning(w, 8);
            onChanged();
          }}
        />
      ) : null}
      {ending ? (
        <EndLabelModal
          residentId={residentId}
          label={ending}
          labelName={ending.name ?? name(ending.code)}
          onClose={() => setEnding(null)}
          onDone={() => {
            setEnding(null);
            message.success(t('标签已结束', 'Label ended'));
            onChanged();
          }}
        />
      ) : null}
    </div>
  );
}

function ProposeModal({ residentId, kinds, onClose, onDone }: { residentId: number; kinds: LabelKind[]; onClose(): void; onDone(): void }) {
  const { t, lang } = useI18n();
  const { code } = useFields();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { code: string; note: string; since?: Dayjs }) => {
    setBusy(true);
    setError(null);
    try {
      await call.post('/api/label-proposals', { body: { residentId, code: v.code, note: v.note.trim(), since: v.since?.format('YYYY-MM-DD') } });
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('提议部门标签', 'Propose a label to its department')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('提交部门确认', 'Propose')} okButtonProps={{ ...({ 'data-testid': 'label-propose-ok' } as Record<`data-${string}`, string>) }} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('这些标签由部门维护，社区不能直接添加：提交后由相应部门核实确认，结果在此处和“标签提议”中可见。', 'Departments keep these labels: the department checks and decides; the outcome shows here and under Label proposals.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="code" label={t('标签', 'Label')} rules={[{ required: true, message: t('请选择标签', 'Choose a label') }]}>
          <Select options={kinds.map((k) => ({ value: k.code, label: `${lang === 'en' ? k.nameEn : k.nameZh}（${code('department', k.owner)}）` }))} data-testid="label-propose-kind" />
        </Form.Item>
        <Form.Item name="note" label={t('社区掌握的情况', 'What the community knows')} rules={[{ required: true, whitespace: true, min: 2, message: t('请说明依据', 'Say how you know') }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={t('如：走访时本人出示了残疾人证', 'e.g. showed a disability card during a visit')} data-testid="label-propose-note" />
        </Form.Item>
        <Form.Item name="since" label={t('起始日期（可选）', 'Since (optional)')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AddLabelModal({ residentId, kinds, onClose, onDone }: { residentId: number; kinds: LabelKind[]; onClose(): void; onDone(warnings: string[]): void }) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = Form.useWatch('code', form) as string | undefined;
  const kind = kinds.find((k) => k.code === chosen);

  const submit = async (v: { code: string; since: Dayjs; until?: Dayjs; reason?: string; attributes?: Record<string, unknown> }) => {
    setBusy(true);
    setError(null);
    try {
      const attributes: Record<string, string | number> = Object.fromEntries(Object.entries(v.attributes ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '').map(([k, x]) => [k, dayjs.isDayjs(x) ? (x as Dayjs).format('YYYY-MM-DD') : (x as string | number)]));
      const r = await call.put('/api/residents/{id}/labels/{code}', { path: { id: residentId, code: v.code }, body: { since: v.since.format('YYYY-MM-DD'), until: v.until ? v.until.format('YYYY-MM-DD') : undefined, attributes: Object.keys(attributes).length ? attributes : undefined, reason: v.reason?.trim() || undefined } });
      onDone(r.warnings ?? []);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title={t('添加标签', 'Add a label')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('添加', 'Add')} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      {!kinds.length ? <Alert type="info" showIcon title={t('您可维护的标签都已添加', 'Every label you keep is already on this record')} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ since: dayjs() }} preserve={false}>
        <Form.Item name="code" label={t('标签', 'Label')} rules={[{ required: true, message: t('请选择标签', 'Choose a label') }]}>
          <Select options={kinds.map((k) => ({ value: k.code, label: lang === 'en' ? k.nameEn : k.nameZh }))} data-testid="label-kind" />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="since" label={t('起始日期', 'Since')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="until" label={t('结束日期（可空）', 'Until (optional)')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
        {kind
          ? Object.entries(kind.attributeSchema ?? {}).map(([k, def]) => (
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
            ))
          : null}
        <Form.Item name="reason" label={t('依据或说明', 'Basis or note')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EndLabelModal({ residentId, label, labelName, onClose, onDone }: { residentId: number; label: CardLabel; labelName: string; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { until: Dayjs; reason: string }) => {
    setBusy(true);
    try {
      await call.del('/api/residents/{id}/labels/{code}', { path: { id: residentId, code: label.code }, query: { until: v.until.format('YYYY-MM-DD'), reason: v.reason.trim() } });
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('结束标签：{l}', 'End the label: {l}', { l: labelName })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('结束', 'End')} okButtonProps={{ danger: true }} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('结束后标签仍保留在历史中。', 'The label stays in the history.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ until: dayjs() }} preserve={false}>
        <Form.Item name="until" label={t('结束日期', 'End date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(label.since), 'day')} />
        </Form.Item>
        <Form.Item name="reason" label={t('原因', 'Reason')} rules={[{ required: true, whitespace: true, message: t('请填写原因', 'Give a reason') }]}>
          <Input maxLength={500} placeholder={t('如：已与子女同住', 'e.g. now lives with their children')} data-testid="label-end-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
