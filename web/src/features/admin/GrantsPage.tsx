// 部门授权: an administrator grants a department named fields of a record kind (optionally only for
// residents carrying given labels), over a subtree, for a stated purpose and a period. The
// department then reads exactly those fields and writes those it owns; a revoke takes effect at once.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, DatePicker, Form, Input, Modal, Row, Select, Switch, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { Grant, RecordKind } from '../../api/types';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useDepartments, useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { pendingOf } from '../../components/approvals';
import { GrantFields, useNodeNames } from '../../components/GrantFields';
import { UserText } from '../../components/UserText';

const kinds: RecordKind[] = ['resident', 'household', 'building', 'house', 'organisation', 'facility'];

export default function GrantsPage() {
  const { t, tt } = useI18n();
  const { modal, message } = App.useApp();
  const departments = useDepartments();
  const [dept, setDept] = useState<number | undefined>(undefined);
  const [withRevoked, setWithRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const { data, error, loading, reload } = useApi((signal) => api.get<Grant[]>('/admin/grants', { departmentId: dept, includeRevoked: withRevoked || undefined }, signal), [dept, withRevoked]);
  const names = useNodeNames((data ?? []).map((g) => g.nodeId));
  const deptName = useMemo(() => new Map((departments ?? []).map((d) => [d.id, d.name])), [departments]);
  const revoke = (g: Grant) =>
    modal.confirm({
      title: t('撤销这项授权？', 'Revoke this grant?'),
      content: t('撤销立即生效：该部门将无法再读取或补充这些字段。', 'Takes effect at once: the department can no longer read or supplement these fields.'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await api.del(`/admin/grants/${g.id}`);
          message.success(t('已撤销', 'Revoked'));
          reload();
        } catch (err) {
          message.error((err as ApiError).message);
        }
      },
    });
  return (
    <div>
      <PageHeader
        title={t('部门授权', 'Department grants')}
        subtitle={t('部门按授权读取、补充基础数据；每次读取都记入审计日志', 'Departments read and supplement base data by grant; every read is logged')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="grant-new">
            {t('新建授权', 'New grant')}
          </Button>
        }
      />
      <Row gutter={12} align="middle" style={{ marginBottom: 12 }}>
        <Col xs={24} md={8}>
          <Select allowClear value={dept} onChange={setDept} placeholder={t('全部部门', 'All departments')} style={{ width: '100%' }} options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))} />
        </Col>
        <Col>
          <Switch checked={withRevoked} onChange={setWithRevoked} /> <Typography.Text>{t('含已撤销', 'Include revoked')}</Typography.Text>
        </Col>
      </Row>
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<Grant>
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        scroll={{ x: 1300 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="grants-admin-table"
        columns={[
          { key: 'dept', title: t('部门', 'Department'), render: (_, g) => <UserText>{deptName.get(g.departmentId) ?? g.departmentId}</UserText> },
          { key: 'kind', title: t('记录类型', 'Records'), render: (_, g) => tt(`kind_${g.recordKind}`) },
          { key: 'fields', title: t('字段', 'Fields'), width: 440, render: (_, g) => <GrantFields grant={g} /> },
          { key: 'node', title: t('范围', 'Area'), render: (_, g) => <UserText>{names.get(g.nodeId) ?? '…'}</UserText> },
          { key: 'purpose', title: t('用途', 'Purpose'), width: 220, render: (_, g) => <UserText>{g.purpose}</UserText> },
          { key: 'valid', title: t('有效期', 'Valid'), render: (_, g) => `${g.validFrom} ~ ${g.validTo ?? t('长期', 'open-ended')}` },
          { key: 'state', title: tt('status'), render: (_, g) => (g.revokedAt ? <Tag>{t('已撤销', 'revoked')}</Tag> : <Tag color="green">{t('有效', 'active')}</Tag>) },
          { key: 'actions', title: '', render: (_, g) => (g.revokedAt ? null : <Button size="small" danger onClick={() => revoke(g)}>{t('撤销', 'Revoke')}</Button>) },
        ]}
      />
      {creating ? <CreateGrantModal onClose={() => setCreating(false)} onDone={() => { setCreating(false); reload(); }} /> : null}
    </div>
  );
}

function CreateGrantModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t, tt, lang, pick } = useI18n();
  const { message } = App.useApp();
  const departments = useDepartments();
  const labelKinds = useLabelKinds();
  const { fields } = useFields();
  const [form] = Form.useForm();
  const kind = (Form.useWatch('recordKind', form) as RecordKind | undefined) ?? 'resident';
  const deptId = Form.useWatch('departmentId', form) as number | undefined;
  const readFields = (Form.useWatch('readFields', form) as string[] | undefined) ?? [];
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const dept = departments?.find((d) => d.id === deptId);
  const labels = (labelKinds ?? []).filter((l) => l.appliesTo === 'resident' && l.active);
  const fieldOptions = [
    ...fields(kind).map((f) => ({ value: f.key, label: pick(f), f })),
    ...(kind === 'resident' ? labels.map((l) => ({ value: `label:${l.code}`, label: lang === 'en' ? `label “${l.nameEn}”` : `标签「${l.nameZh}」`, f: null })) : []),
  ];
  const writeOptions = fieldOptions.filter((o) => (o.f ? !o.f.system && o.f.secret !== 'idNumber' && o.value !== 'name' : labels.find((l) => `label:${l.code}` === o.value)?.owner === dept?.code));
  const secretOptions = fields(kind).filter((f) => f.secret && readFields.includes(f.key)).map((f) => ({ value: f.key, label: pick(f) }));

  const submit = async (v: { departmentId: number; recordKind: RecordKind; readFields: string[]; writeFields?: string[]; unmaskedFields?: string[]; labels?: string[]; nodeId: number; purpose: string; validFrom?: Dayjs; validTo?: Dayjs }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post('/admin/grants', {
        departmentId: v.departmentId, recordKind: v.recordKind, readFields: v.readFields, writeFields: v.writeFields?.length ? v.writeFields : undefined,
        unmaskedFields: v.unmaskedFields?.length ? v.unmaskedFields : undefined, labels: v.labels?.length ? v.labels : undefined, nodeId: v.nodeId, purpose: v.purpose.trim(),
        validFrom: v.validFrom?.format('YYYY-MM-DD'), validTo: v.validTo?.format('YYYY-MM-DD'),
      });
      const pending = pendingOf(res);
      // A grant that unmasks ID numbers or phones waits for a security officer.
      if (pending) message.info(t('含不遮蔽字段，已提交安全管理员审批（#{id}），批准后生效', 'It unmasks fields: sent to a security officer for approval (#{id}); in force once approved', { id: pending.id }));
      else message.success(t('授权已生效', 'Grant in force'));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={760} title={t('新建部门授权', 'New department grant')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ recordKind: 'resident' }} preserve={false}>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="departmentId" label={t('部门', 'Department')} rules={[{ required: true }]}>
              <Select options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="recordKind" label={t('记录类型', 'Records')} rules={[{ required: true }]}>
              <Select options={kinds.map((k) => ({ value: k, label: tt(`kind_${k}`) }))} onChange={() => form.setFieldsValue({ readFields: [], writeFields: [], unmaskedFields: [] })} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="readFields" label={t('可读字段', 'Fields it may read')} rules={[{ required: true, type: 'array', min: 1, message: t('至少选择一个字段', 'Choose at least one field') }]}>
              <Select mode="multiple" options={fieldOptions.map(({ value, label }) => ({ value, label }))} maxTagCount="responsive" optionFilterProp="label" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="writeFields" label={t('可补充（写入）字段', 'Fields it may write')} extra={t('只能是该部门维护的字段和标签', 'Only fields and labels the department owns')}>
              <Select mode="multiple" options={writeOptions.map(({ value, label }) => ({ value, label }))} maxTagCount="responsive" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="unmaskedFields" label={t('明文显示字段', 'Shown unmasked')} extra={t('默认遮蔽；仅在确有需要时授予', 'Masked by default; grant only when truly needed')}>
              <Select mode="multiple" options={secretOptions} />
            </Form.Item>
          </Col>
          {kind === 'resident' ? (
            <Col xs={24}>
              <Form.Item name="labels" label={t('仅限以下人群（可空：全部居民）', 'Only residents labelled (empty: every resident)')}>
                <Select mode="multiple" options={labels.map((l) => ({ value: l.code, label: lang === 'en' ? l.nameEn : l.nameZh }))} />
              </Form.Item>
            </Col>
          ) : null}
          <Col xs={24} md={12}>
            <Form.Item name="nodeId" label={t('范围（辖区）', 'Area')} rules={[{ required: true, message: t('请选择', 'Choose one') }]}>
              <NodePicker levels={['city', 'district', 'street', 'community']} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="validFrom" label={t('生效日期', 'From')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="validTo" label={t('截止日期', 'Until')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="purpose" label={t('用途', 'Purpose')} rules={[{ required: true, whitespace: true, min: 4, message: t('请说明用途（至少 4 个字）', 'State the purpose (4 characters at least)') }]}>
              <Input.TextArea rows={2} maxLength={500} placeholder={t('如：低保对象动态管理与年审', 'e.g. managing and reviewing allowance recipients')} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
