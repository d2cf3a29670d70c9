// 市级通用事项目录: the common items every township adopts and adjusts; kept by the reviewer
// (减负办) and the staffing office (编办). Retiring an item leaves the townships' copies alone.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Flex, Form, Input, Modal, Radio, Select, Switch, Table, Tabs } from 'antd';
import { useState } from 'react';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { userText, UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { listKinds, listName, type ListKind } from './texts';

type CatItem = ResponseOf<'/api/duty-catalogue'>[number];

export default function CataloguePage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [kind, setKind] = useState<ListKind>('basic');
  const [retired, setRetired] = useState(false);
  const [q, setQ] = useState('');
  const data = useApi((signal) => call.get('/api/duty-catalogue', { query: { listKind: kind, includeRetired: retired, ...(q ? { q } : {}) }, signal }), [kind, retired, q]);
  const [editing, setEditing] = useState<CatItem | 'new' | null>(null);
  const manage = can('duty:catalog');
  return (
    <>
      <PageHeader title={t('市级通用事项目录', 'City catalogue of common items')} subtitle={t('街道（乡镇）采用后按本地实际调整，事项保留与目录的关联', 'Townships adopt these and adjust them; their items keep the link')}
        extra={manage ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('新增目录事项', 'Add an item')}</Button> : null} />
      <Tabs activeKey={kind} onChange={(k) => setKind(k as ListKind)} items={listKinds.map((k) => ({ key: k, label: t(...listName[k]) }))} />
      <Flex gap={12} wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear placeholder={t('按名称查找', 'Find by name')} onSearch={setQ} style={{ maxWidth: 320 }} />
        <Checkbox checked={retired} onChange={(e) => setRetired(e.target.checked)}>{t('含已停用', 'Include retired')}</Checkbox>
      </Flex>
      <ErrorAlert error={data.error} onRetry={data.reload} />
      <Table<CatItem> rowKey="id" size="small" loading={data.loading} dataSource={data.data ?? []} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(r) => (manage ? { onClick: () => setEditing(r), style: { cursor: 'pointer' } } : {})}
        columns={[
          { title: t('序号', 'No.'), dataIndex: 'seq', width: 64 },
          { title: t('事项名称', 'Item'), dataIndex: 'name', render: (v: string) => userText(v) },
          { title: t('事项类别', 'Category'), dataIndex: 'category', render: (v: string | null) => userText(v) },
          { title: t('法律政策依据', 'Basis'), dataIndex: 'basis', ellipsis: { showTitle: false }, render: (v: string | null) => (v ? <UserText title={v}>{v}</UserText> : null) },
          { title: t('对应上级部门', 'Upper department'), dataIndex: 'departmentName', render: (v: string | null) => userText(v) },
          { title: t('已采用街道数', 'Townships holding it'), dataIndex: 'adoptedBy', width: 110 },
          { title: t('状态', 'Status'), dataIndex: 'active', width: 80, render: (v: boolean) => (v ? t('在用', 'active') : t('已停用', 'retired')) },
        ]} />
      {editing ? <CatalogueEditor item={editing === 'new' ? null : editing} kind={kind} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); data.reload(); }} /> : null}
    </>
  );
}

interface CatForm { listKind: ListKind; name: string; category?: string; basis?: string; carrier?: string; departmentId?: number | null; cooperation?: string; communityInvolved?: boolean; active?: boolean }

function CatalogueEditor({ item, kind, onClose, onSaved }: { item: CatItem | null; kind: ListKind; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<CatForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const depts = useApi((signal) => call.get('/api/departments', { signal }), []).data ?? [];
  const save = async (v: CatForm) => {
    const body = { name: v.name, category: v.category || null, basis: v.basis || null, carrier: v.carrier || null, departmentId: v.departmentId ?? null, cooperation: v.cooperation || null, communityInvolved: !!v.communityInvolved };
    try {
      if (item) await call.patch('/api/duty-catalogue/{id}', { path: { id: item.id }, body: { ...body, listKind: v.listKind, active: v.active ?? true } });
      else await call.post('/api/duty-catalogue', { body: { ...body, listKind: v.listKind } });
      message.success(t('已保存', 'Saved'));
      onSaved();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(form, err);
      setError(err);
    }
  };
  return (
    <Modal open title={item ? t('编辑目录事项', 'Edit the catalogue item') : t('新增目录事项', 'Add a catalogue item')} onCancel={onClose} onOk={() => form.submit()} width={680} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}
        initialValues={item ? { ...item, category: item.category ?? '', basis: item.basis ?? '', carrier: item.carrier ?? '', cooperation: item.cooperation ?? '' } : { listKind: kind, communityInvolved: false }}>
        <Form.Item name="listKind" label={t('清单', 'List')}><Radio.Group options={listKinds.map((k) => ({ value: k, label: t(...listName[k]) }))} /></Form.Item>
        <Form.Item name="name" label={t('事项名称', 'Item')} rules={[{ required: true, max: 200 }]}><Input /></Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="category" label={t('事项类别', 'Category')} style={{ flex: 1, minWidth: 180 }}><Input maxLength={60} /></Form.Item>
          <Form.Item name="carrier" label={t('责任主体', 'Carried by')} style={{ flex: 1, minWidth: 180 }}><Input maxLength={200} /></Form.Item>
        </Flex>
        <Form.Item name="departmentId" label={t('对应上级部门', 'Upper department')}><Select allowClear showSearch optionFilterProp="label" options={depts.map((d) => ({ value: d.id, label: d.name }))} /></Form.Item>
        <Form.Item name="basis" label={t('法律政策依据', 'Legal or policy basis')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item name="cooperation" label={t('配合内容', 'What the township does')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Flex gap={24}>
          <Form.Item name="communityInvolved" valuePropName="checked"><Checkbox>{t('社区（村）参与', 'Communities take part')}</Checkbox></Form.Item>
          {item ? <Form.Item name="active" valuePropName="checked" label={t('在用', 'Active')}><Switch /></Form.Item> : null}
        </Flex>
      </Form>
    </Modal>
  );
}
