// 标签与维护周期: label kinds are data an administrator adds (重点人群 …), each with its owner,
// review period and plausibility rules (who it usually fits: 独居老人 60 and over, 留守儿童 under
// 16; a write that breaks one is kept with a warning); field groups have owners and review periods too (定期维护), and due dates follow
// when a period changes.
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { FieldPolicy, LabelKind, LabelRules } from '../../api/types';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { invalidateReference } from '../../hooks/useReference';
import { useI18n } from '../../i18n';

function useOwners() {
  const { t, lang } = useI18n();
  const { catalogue } = useFields();
  const depts = Object.entries(catalogue?.codeTables.department ?? {});
  const options = [{ value: 'community', label: t('社区', 'Community') }, ...depts.map(([k, v]) => ({ value: k, label: lang === 'en' ? v.en : v.zh }))];
  const name = (o: string) => options.find((x) => x.value === o)?.label ?? o;
  return { options, name };
}

/** A label kind's rules in words: "60 岁及以上", "不满 16 周岁 · 女性". */
function useRulesText() {
  const { t } = useI18n();
  return (r: LabelRules | undefined) => {
    if (!r) return '';
    const has = (v: number | null | undefined): v is number => v !== undefined && v !== null;
    const parts: string[] = [];
    if (has(r.ageMin) && has(r.ageMax)) parts.push(t('{a}–{b} 岁', 'aged {a} to {b}', { a: r.ageMin, b: r.ageMax }));
    else if (has(r.ageMin)) parts.push(t('{a} 岁及以上', 'aged {a} and over', { a: r.ageMin }));
    else if (has(r.ageMax)) parts.push(t('不满 {a} 周岁', 'under {a}', { a: r.ageMax + 1 }));
    if (r.sex) parts.push(r.sex === '1' ? t('男性', 'men') : t('女性', 'women'));
    return parts.join(' · ');
  };
}

export default function LabelsPage() {
  const { t, tt, lang, list } = useI18n();
  const { label } = useFields();
  const owners = useOwners();
  const rulesText = useRulesText();
  const labels = useApi((signal) => api.get<LabelKind[]>('/labels', undefined, signal), []);
  const policies = useApi((signal) => api.get<FieldPolicy[]>('/field-policies', undefined, signal), []);
  const [editing, setEditing] = useState<LabelKind | 'new' | null>(null);
  const [editingPolicy, setEditingPolicy] = useState<FieldPolicy | null>(null);
  const changed = () => {
    invalidateReference('labels');
    invalidateReference('policies');
    labels.reload();
    policies.reload();
  };
  return (
    <div>
      <PageHeader title={t('标签与维护周期', 'Labels and review periods')} subtitle={t('标签种类、维护方和维护周期都是数据，可随时调整', 'Label kinds, owners and review periods are data you can change')} />
      <Card
        size="small"
        title={t('标签种类（重点人群等）', 'Label kinds (groups of residents)')}
        style={{ marginBottom: 16 }}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="label-kind-new">
            {t('新增标签', 'New label')}
          </Button>
        }
      >
        <ErrorAlert error={labels.error} onRetry={labels.reload} />
        <Table<LabelKind>
          size="small"
          rowKey="code"
          loading={labels.loading}
          dataSource={labels.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="label-kinds"
          columns={[
            { key: 'name', title: tt('name'), render: (_, k) => (lang === 'en' ? k.nameEn : k.nameZh) },
            { key: 'code', title: tt('code'), dataIndex: 'code' },
            { key: 'applies', title: t('适用于', 'Applies to'), render: (_, k) => (k.appliesTo === 'household' ? tt('kind_household') : tt('kind_resident')) },
            { key: 'owner', title: t('维护方', 'Kept by'), render: (_, k) => owners.name(k.owner) },
            { key: 'days', title: t('维护周期', 'Review every'), render: (_, k) => t('{d} 天', '{d} days', { d: k.reviewDays }) },
            { key: 'rules', title: t('通常适用于', 'Usually fits'), render: (_, k) => <span data-testid={`label-rules-${k.code}`}>{rulesText(k.rules) || '—'}</span> },
            { key: 'active', title: tt('status'), render: (_, k) => (k.active ? <Tag color="green">{t('使用中', 'in use')}</Tag> : <Tag>{t('已停用', 'retired')}</Tag>) },
            { key: 'actions', title: '', render: (_, k) => <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(k)} data-testid={`label-edit-${k.code}`} /> },
          ]}
        />
      </Card>
      <Card size="small" title={t('字段维护方与维护周期（定期维护）', 'Field owners and review periods')}>
        <Typography.Paragraph type="secondary">{t('超过周期未核实的记录会出现在网格员的待维护清单中；修改周期后到期日随之调整。', 'Records not checked within the period appear on the grid worker’s to-do list; due dates follow a changed period.')}</Typography.Paragraph>
        <ErrorAlert error={policies.error} onRetry={policies.reload} />
        <Table<FieldPolicy>
          size="small"
          rowKey="id"
          loading={policies.loading}
          dataSource={policies.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="field-policies"
          columns={[
            { key: 'name', title: t('字段组', 'Field group'), render: (_, p) => (lang === 'en' ? p.nameEn : p.nameZh) },
            { key: 'kind', title: t('记录类型', 'Records'), render: (_, p) => tt(`kind_${p.recordKind}`) },
            { key: 'fields', title: t('字段', 'Fields'), render: (_, p) => list(p.fields.map((f) => label(p.recordKind, f))) },
            { key: 'label', title: t('仅限标签', 'Only for label'), render: (_, p) => (p.labelCode ? <Tag color="orange">{labels.data?.find((l) => l.code === p.labelCode)?.[lang === 'en' ? 'nameEn' : 'nameZh'] ?? p.labelCode}</Tag> : '—') },
            { key: 'owner', title: t('维护方', 'Kept by'), render: (_, p) => owners.name(p.owner) },
            { key: 'days', title: t('维护周期', 'Review every'), render: (_, p) => t('{d} 天', '{d} days', { d: p.reviewDays }) },
            { key: 'actions', title: '', render: (_, p) => <Button size="small" icon={<EditOutlined />} onClick={() => setEditingPolicy(p)} data-testid={`policy-edit-${p.id}`} /> },
          ]}
        />
      </Card>
      {editing ? <LabelKindModal kind={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onDone={() => { setEditing(null); changed(); }} /> : null}
      {editingPolicy ? <PolicyModal policy={editingPolicy} onClose={() => setEditingPolicy(null)} onDone={() => { setEditingPolicy(null); changed(); }} /> : null}
    </div>
  );
}

function LabelKindModal({ kind, onClose, onDone }: { kind: LabelKind | null; onClose(): void; onDone(): void }) {
  const { t, tt } = useI18n();
  const { message } = App.useApp();
  const owners = useOwners();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { code?: string; nameZh: string; nameEn: string; owner: string; reviewDays: number; appliesTo?: string; active?: boolean; ageMin?: number | null; ageMax?: number | null; sex?: '1' | '2' | '' }) => {
    setBusy(true);
    setError(null);
    const rules: LabelRules = { ageMin: v.ageMin ?? null, ageMax: v.ageMax ?? null, sex: v.sex || null };
    try {
      if (kind) await api.patch(`/labels/${kind.code}`, { nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), owner: v.owner, reviewDays: v.reviewDays, active: v.active, rules });
      else await api.post('/labels', { code: v.code!.trim(), nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), owner: v.owner, reviewDays: v.reviewDays, appliesTo: v.appliesTo, rules });
      message.success(tt('save'));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={kind ? t('修改标签', 'Edit label') : t('新增标签', 'New label')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={kind ? { ...kind, ageMin: kind.rules?.ageMin ?? null, ageMax: kind.rules?.ageMax ?? null, sex: kind.rules?.sex ?? '' } : { owner: 'community', reviewDays: 90, appliesTo: 'resident', sex: '' }}
        preserve={false}
      >
        {kind ? null : (
          <Form.Item name="code" label={tt('code')} extra={t('小写字母开头，字母、数字、下划线，创建后不可修改', 'Starts with a lower-case letter; letters, digits, underscores; fixed once created')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,31}$/, message: t('格式不正确', 'Wrong format') }]}>
            <Input placeholder="e.g. pregnant" />
          </Form.Item>
        )}
        <Form.Item name="nameZh" label={t('中文名称', 'Chinese name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label={t('英文名称', 'English name')} rules={[{ required: true, whitespace: true, max: 80 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="owner" label={t('维护方', 'Kept by')} rules={[{ required: true }]}>
          <Select options={owners.options} />
        </Form.Item>
        <Form.Item name="reviewDays" label={t('维护周期（天）', 'Review every (days)')} rules={[{ required: true }]}>
          <InputNumber min={1} max={3650} />
        </Form.Item>
        <Form.Item
          label={t('通常适用于（合理性检查）', 'Usually fits (plausibility check)')}
          extra={t('导入或添加标签时，年龄或性别不符的会提示核实（标签仍会写入）。如留守儿童：最大年龄 15（不满 16 周岁）。', 'Imports and label writes warn when the age or sex does not fit (the label is still written). E.g. left-behind child: highest age 15 (under 16).')}
        >
          <Flex gap={8} wrap>
            <Form.Item name="ageMin" noStyle>
              <InputNumber min={0} max={150} placeholder={t('最小年龄', 'lowest age')} style={{ width: 130 }} data-testid="label-rule-age-min" />
            </Form.Item>
            <span>–</span>
            <Form.Item name="ageMax" noStyle>
              <InputNumber min={0} max={150} placeholder={t('最大年龄', 'highest age')} style={{ width: 130 }} data-testid="label-rule-age-max" />
            </Form.Item>
            <Form.Item name="sex" noStyle>
              <Select style={{ width: 120 }} options={[{ value: '', label: t('性别不限', 'any sex') }, { value: '1', label: t('男性', 'men') }, { value: '2', label: t('女性', 'women') }]} data-testid="label-rule-sex" />
            </Form.Item>
          </Flex>
        </Form.Item>
        {kind ? (
          <Form.Item name="active" label={t('使用中', 'In use')} valuePropName="checked">
            <Switch />
          </Form.Item>
        ) : (
          <Form.Item name="appliesTo" label={t('适用于', 'Applies to')}>
            <Select options={[{ value: 'resident', label: tt('kind_resident') }, { value: 'household', label: tt('kind_household') }]} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function PolicyModal({ policy, onClose, onDone }: { policy: FieldPolicy; onClose(): void; onDone(): void }) {
  const { t, lang } = useI18n();
  const owners = useOwners();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { reviewDays: number; owner: string }) => {
    setBusy(true);
    try {
      await api.patch(`/field-policies/${policy.id}`, v);
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={lang === 'en' ? policy.nameEn : policy.nameZh} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ reviewDays: policy.reviewDays, owner: policy.owner }} preserve={false}>
        <Form.Item name="owner" label={t('维护方', 'Kept by')}>
          <Select options={owners.options} />
        </Form.Item>
        <Form.Item name="reviewDays" label={t('维护周期（天）', 'Review every (days)')} extra={t('已有记录的到期日会按新周期重新计算', 'Due dates of existing records are recomputed')} rules={[{ required: true }]}>
          <InputNumber min={1} max={3650} data-testid="policy-days" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
