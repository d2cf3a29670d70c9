// 证明事项清单: the certificates communities may issue, each with its basis, purpose, process,
// materials, conditions, issuers, validity and template, and every version it has had. Admins add
// and edit kinds; each save is a new version (certificates keep the version they were issued under),
// and a kind is withdrawn by saving it inactive.
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Flex, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { toApiError, useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import type { ApiError } from '../../api/client';
import { call, type BodyOf } from '../../api/typed';
import { useCertMeta } from './common';
import { RevokeCategories } from './RevokeCategories';
import type { CertificateKind, Precondition } from './types';
import { bi, biList } from '../../components/UserText';

type PreconditionBody = BodyOf<'/api/certificates/kinds'>['preconditions'][number];
type PreconditionInput = { type: string; months?: number; years?: number; labels?: string[]; statuses?: string[]; relations?: string[]; referTo?: string };
const statusCodes = ['registered', 'resident', 'floating', 'overseas', 'unregistered'] as const;
const relationCodes = ['spouse', 'child', 'parent', 'sibling'] as const;
const oneOf = <T extends string>(codes: readonly T[]) => (v: string): v is T => (codes as readonly string[]).includes(v);
interface KindForm {
  code?: string;
  title: string;
  basis: string;
  purpose: string;
  process: string;
  materials: string[];
  preconditions: PreconditionInput[];
  needsRelated: boolean;
  issuerRoles: string[];
  validityDays: number;
  template: string;
  active: boolean;
  changeNote?: string;
}

/** A condition as the server takes it: only the fields of its type (the form requires each type's value). */
function cleanPrecondition(p: PreconditionInput): PreconditionBody {
  const referTo = p.referTo ? { referTo: p.referTo } : {};
  switch (p.type) {
    case 'resident_months':
      return { type: p.type, months: p.months ?? 0, ...referTo };
    case 'age_min':
      return { type: p.type, years: p.years ?? 0, ...referTo };
    case 'labels_any':
      return { type: p.type, labels: p.labels ?? [], ...referTo };
    case 'residence_status':
      return { type: p.type, statuses: (p.statuses ?? []).filter(oneOf(statusCodes)), ...referTo };
    case 'related_in_household':
      return { type: p.type, ...(p.relations?.length ? { relations: p.relations.filter(oneOf(relationCodes)) } : {}), ...referTo };
    case 'lives_alone':
      return { type: p.type, ...referTo };
    default:
      throw new Error(`unknown condition type ${p.type}`);
  }
}

function KindEditor({ kind, open, onClose, onSaved }: { kind: CertificateKind | null; open: boolean; onClose(): void; onSaved(): void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const meta = useCertMeta();
  const labelKinds = useLabelKinds();
  const handbook = useApi(open ? (signal) => call.get('/api/certificates/handbook', { signal }) : null, [open]);
  const [form] = Form.useForm<KindForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const types = [
    { value: 'resident_months', label: t('居住满 N 个月', 'Lived here N months') },
    { value: 'age_min', label: t('年满 N 周岁', 'Aged N or over') },
    { value: 'labels_any', label: t('属于某类人群（标签）', 'Holds one of these labels') },
    { value: 'lives_alone', label: t('户内仅本人', 'Alone in the household') },
    { value: 'residence_status', label: t('人口类型', 'Population category') },
    { value: 'related_in_household', label: t('另一人同户且关系可证明', 'Second person in the household, relation stated') },
  ];
  const initial: KindForm = kind
    ? { title: kind.title, basis: kind.basis, purpose: kind.purpose, process: kind.process, materials: kind.materials, preconditions: kind.preconditions.map(({ text: _t, ...p }: Precondition) => p), needsRelated: kind.needsRelated, issuerRoles: kind.issuerRoles, validityDays: kind.validityDays, template: kind.template, active: kind.active }
    : { title: '', basis: '', purpose: '', process: '居民持身份证件到社区党群服务中心窗口申请，符合条件的当场出具。', materials: ['本人居民身份证'], preconditions: [], needsRelated: false, issuerRoles: ['community_worker'], validityDays: 90, template: '兹证明{name}，{idType}号码：{idNumber}，\n此证明仅用于{purpose}。', active: true };

  const save = async (v: KindForm) => {
    setBusy(true);
    setError(null);
    const body = { ...v, materials: v.materials ?? [], preconditions: (v.preconditions ?? []).map(cleanPrecondition), changeNote: v.changeNote || null };
    try {
      const { code, ...fields } = body;
      if (kind) await call.put('/api/certificates/kinds/{code}', { path: { code: kind.code }, body: { ...fields, version: kind.version } });
      else await call.post('/api/certificates/kinds', { body: { ...fields, code: code ?? '' } });
      message.success(kind ? t('已保存为第 {v} 版', 'Saved as version {v}', { v: kind.version + 1 }) : t('已加入目录', 'Added to the catalogue'));
      onSaved();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(form, err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const insert = (key: string) => {
    const cur = form.getFieldValue('template') ?? '';
    form.setFieldValue('template', `${cur}{${key}}`);
  };

  return (
    <Modal open={open} onCancel={onClose} title={kind ? t('编辑：{t}（将保存为第 {v} 版）', 'Edit: {t} (saves version {v})', { t: kind.title, v: kind.version + 1 }) : t('新增证明种类', 'New certificate kind')} width={820} onOk={() => form.submit()} okButtonProps={{ loading: busy }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void save(v)} preserve={false}>
        <Flex gap={12} wrap>
          {!kind ? (
            <Form.Item name="code" label={t('代码', 'Code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('小写字母开头，字母数字下划线', 'lower-case letters, digits, underscores') }]} style={{ width: 200 }}>
              <Input placeholder="volunteer" />
            </Form.Item>
          ) : null}
          <Form.Item name="title" label={t('证明名称', 'Title')} rules={[{ required: true }]} style={{ flex: 1, minWidth: 200 }}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="validityDays" label={t('有效期（天）', 'Valid (days)')} rules={[{ required: true }]}>
            <InputNumber min={1} max={3650} />
          </Form.Item>
        </Flex>
        <Form.Item name="basis" label={t('设定依据（法律法规或保留清单）', 'Legal or policy basis')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="purpose" label={t('办理用途', 'Used for')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="process" label={t('办理流程', 'Process')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="materials" label={t('所需材料（回车添加）', 'Materials (Enter to add)')}>
          <Select mode="tags" open={false} />
        </Form.Item>
        <Typography.Text strong>{t('出具条件', 'Conditions')}</Typography.Text>
        <Form.List name="preconditions">
          {(fields, { add, remove }) => (
            <div style={{ margin: '8px 0 16px' }}>
              {fields.map((f) => (
                <Flex key={f.key} gap={8} wrap align="baseline">
                  <Form.Item name={[f.name, 'type']} rules={[{ required: true }]} style={{ width: 230 }}>
                    <Select options={types} />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const type = form.getFieldValue(['preconditions', f.name, 'type']);
                      if (type === 'resident_months') return <Form.Item name={[f.name, 'months']} rules={[{ required: true }]}><InputNumber min={1} max={600} suffix={t('个月', 'months')} /></Form.Item>;
                      if (type === 'age_min') return <Form.Item name={[f.name, 'years']} rules={[{ required: true }]}><InputNumber min={1} max={120} suffix={t('周岁', 'years')} /></Form.Item>;
                      if (type === 'labels_any') return <Form.Item name={[f.name, 'labels']} rules={[{ required: true }]} style={{ minWidth: 260 }}><Select mode="multiple" options={(labelKinds ?? []).map((l) => ({ value: l.code, label: lang === 'en' ? l.nameEn : l.nameZh }))} /></Form.Item>;
                      if (type === 'residence_status') return <Form.Item name={[f.name, 'statuses']} rules={[{ required: true }]} style={{ minWidth: 260 }}><Select mode="multiple" options={[['registered', '户籍人口'], ['resident', '常住人口（非户籍）'], ['floating', '流动人口'], ['overseas', '境外人员'], ['unregistered', '未落户人员']].map(([value, label]) => ({ value, label }))} /></Form.Item>;
                      if (type === 'related_in_household') return <Form.Item name={[f.name, 'relations']} style={{ minWidth: 220 }}><Select mode="multiple" allowClear placeholder={t('任何可证明的关系', 'any stated relation')} options={[['spouse', t('配偶', 'spouse')], ['child', t('子女', 'child')], ['parent', t('父母', 'parent')], ['sibling', t('兄弟姐妹', 'sibling')]].map(([value, label]) => ({ value, label }))} /></Form.Item>;
                      return null;
                    }}
                  </Form.Item>
                  <Form.Item name={[f.name, 'referTo']} style={{ width: 200 }}>
                    <Select allowClear placeholder={t('不符合时指引到…', 'If not met, refer to…')} options={(handbook.data ?? []).map((e) => ({ value: e.code, label: e.title }))} />
                  </Form.Item>
                  <Button type="link" danger onClick={() => remove(f.name)}>{t('删除', 'Remove')}</Button>
                </Flex>
              ))}
              <Button onClick={() => add({ type: 'resident_months', months: 6 })} icon={<PlusOutlined />} size="small">{t('添加条件', 'Add a condition')}</Button>
            </div>
          )}
        </Form.List>
        <Flex gap={24} wrap>
          <Form.Item name="needsRelated" label={t('需要选择另一人（如亲属关系）', 'Needs a second person')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="issuerRoles" label={t('出具人员', 'Issued by')} rules={[{ required: true }]} style={{ minWidth: 200 }}>
            <Select mode="multiple" options={[{ value: 'community_worker', label: t('社区工作者', 'Community workers') }]} />
          </Form.Item>
          <Form.Item name="active" label={t('可出具', 'In use')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Flex>
        <Form.Item name="template" label={t('证明正文模板', 'Body template')} rules={[{ required: true }]} extra={
          <Flex gap={4} wrap style={{ marginTop: 6 }}>
            {(meta?.placeholders ?? []).map((p) => (
              <Tag key={p.key} style={{ cursor: 'pointer' }} color={p.source === 'resident' ? 'blue' : p.source === 'related' ? 'purple' : p.source === 'label' ? 'orange' : 'default'} onClick={() => insert(p.key)}>
                {lang === 'en' ? p.en : p.zh}
              </Tag>
            ))}
          </Flex>
        }>
          <Input.TextArea rows={5} maxLength={1500} />
        </Form.Item>
        {kind ? (
          <Form.Item name="changeNote" label={t('修改说明', 'What changed')}>
            <Input maxLength={500} />
          </Form.Item>
        ) : null}
        <ErrorAlert error={error} />
      </Form>
    </Modal>
  );
}

function KindDetail({ code, onEdit }: { code: string; onEdit(k: CertificateKind): void }) {
  const { t, lang, list } = useI18n();
  const { can } = useAuth();
  const { data, error, reload } = useApi((signal) => call.get('/api/certificates/kinds/{code}', { path: { code }, signal }), [code]);
  if (error) return <ErrorAlert error={error} onRetry={reload} />;
  if (!data) return null;
  const k = data.current;
  return (
    <>
      {can('certificates:catalog') ? <Button icon={<EditOutlined />} onClick={() => onEdit(k)} style={{ marginBottom: 12 }}>{t('编辑', 'Edit')}</Button> : null}
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('当前版本', 'Version')}>v{k.version} {k.active ? <Tag color="green">{t('可出具', 'in use')}</Tag> : <Tag>{t('已停止出具', 'withdrawn')}</Tag>}</Descriptions.Item>
        <Descriptions.Item label={t('设定依据', 'Basis')}>{k.basis}</Descriptions.Item>
        <Descriptions.Item label={t('用途', 'Used for')}>{k.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('出具条件', 'Conditions')}>{k.preconditions.length ? list(k.preconditions.map((p) => p.text)) : t('无', 'none')}</Descriptions.Item>
        <Descriptions.Item label={t('所需基础数据', 'Base data needed')}>{list(k.needs)}</Descriptions.Item>
        <Descriptions.Item label={t('所需材料', 'Materials')}>{biList(lang, k.materials, k.en?.materials)}</Descriptions.Item>
        <Descriptions.Item label={t('出具人员', 'Issued by')}>{k.issuers}</Descriptions.Item>
        <Descriptions.Item label={t('有效期', 'Validity')}>{t('{d} 天', '{d} days', { d: k.validityDays })}</Descriptions.Item>
        <Descriptions.Item label={t('模板', 'Template')}><span style={{ whiteSpace: 'pre-wrap' }}>{k.template}</span></Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('版本记录', 'Versions')}</Typography.Title>
      <Timeline
        items={data.versions.map((v) => ({
          color: v.version === k.version ? 'green' : 'gray',
          content: (
            <div>
              <strong>v{v.version}</strong> · {dayjs(v.changedAt).format('YYYY-MM-DD HH:mm')} · {v.changedBy}
              {v.changeNote ? <div>{v.changeNote}</div> : null}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('有效期 {d} 天；条件：{c}', 'valid {d} days; conditions: {c}', { d: v.validityDays, c: v.preconditions.map((p) => p.text).join('；') || '—' })}{v.active ? '' : t('；停止出具', '; withdrawn')}</Typography.Text>
            </div>
          ),
        }))}
      />
    </>
  );
}

export default function CataloguePage() {
  const { t, lang, list } = useI18n();
  const { can } = useAuth();
  const mobile = useMobile();
  const admin = can('certificates:catalog');
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/certificates/kinds', { query: { includeInactive: admin || undefined }, signal }), [admin]);
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<CertificateKind | null | undefined>(undefined);
  return (
    <>
      <PageHeader
        title={t('证明事项清单', 'Certificate catalogue')}
        subtitle={t('社区（村）可以出具的证明：设定依据、用途、条件、材料、模板，每次修改都保留版本。', 'What communities may issue: basis, purpose, conditions, materials and template; every edit keeps a version.')}
        extra={admin ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>{t('新增', 'Add')}</Button> : <a href="/handbook" target="_blank" rel="noreferrer">{t('公开的办事指南', 'Public guide')}</a>}
      />
      <Card size="small">
        <ErrorAlert error={error} onRetry={reload} />
        <Table
          size="small"
          rowKey="code"
          loading={loading}
          dataSource={data ?? []}
          pagination={false}
          onRow={(r) => ({ onClick: () => setOpen(r.code), style: { cursor: 'pointer' } })}
          scroll={{ x: 760 }}
          columns={[
            { title: t('证明', 'Kind'), dataIndex: 'title', render: (v: string, r) => <Space>{bi(lang, v, r.en?.title)}{r.active ? null : <Tag>{t('已停止', 'withdrawn')}</Tag>}</Space> },
            { title: t('出具条件', 'Conditions'), render: (_: unknown, r) => (r.preconditions.length ? list(r.preconditions.map((p) => p.text)) : '—') },
            { title: t('有效期', 'Valid'), dataIndex: 'validityDays', width: 90, render: (d: number) => t('{d} 天', '{d} d', { d }) },
            { title: t('版本', 'Version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
          ]}
        />
      </Card>
      {admin ? <RevokeCategories /> : null}
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={data?.find((k) => k.code === open)?.title} size={mobile ? '90%' : 600} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
        {open ? <KindDetail key={`${open}-${data?.find((k) => k.code === open)?.version}`} code={open} onEdit={(k) => setEditing(k)} /> : null}
      </Drawer>
      <KindEditor kind={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); reload(); }} />
    </>
  );
}
