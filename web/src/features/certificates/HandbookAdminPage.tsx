// 减证便民指南 (staff): the same entries residents see on the public guide, edited by admins: who
// issues each certificate now, where to go, whom to ask, what to bring, whether it can be done
// online. Withdrawn entries stay (inactive) so their history is kept.
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { type ApiError } from '../../api/client';
import { call, type BodyOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import type { HandbookEntry } from './types';
import { bi } from '../../components/UserText';

type EntryForm = BodyOf<'/api/certificates/handbook'>;

function EntryEditor({ entry, open, onClose, onSaved }: { entry: HandbookEntry | null; open: boolean; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<EntryForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const online = Form.useWatch('online', form);
  const save = async (v: EntryForm) => {
    setBusy(true);
    setError(null);
    const body = { ...v, materials: v.materials ?? [], keywords: v.keywords ?? [], onlineHow: v.online ? v.onlineHow : null, notes: v.notes || null };
    try {
      const { code: _code, ...fields } = body;
      if (entry) await call.put('/api/certificates/handbook/{code}', { path: { code: entry.code }, body: { ...fields, version: entry.version } });
      else await call.post('/api/certificates/handbook', { body });
      message.success(t('已保存', 'Saved'));
      onSaved();
    } catch (e) {
      const err = toApiError(e);
      if (!applyFieldErrors(form, err)) setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy }} width={720} title={entry ? t('编辑：{t}', 'Edit: {t}', { t: entry.title }) : t('新增指南条目', 'New handbook entry')} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void save(v)} initialValues={entry ?? { materials: [], keywords: [], online: false, active: true, sortOrder: 500 }}>
        <Flex gap={12} wrap>
          {!entry ? (
            <Form.Item name="code" label={t('代码', 'Code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('小写字母开头，字母数字下划线', 'lower-case letters, digits, underscores') }]} style={{ width: 200 }}>
              <Input />
            </Form.Item>
          ) : null}
          <Form.Item name="title" label={t('证明名称', 'Title')} rules={[{ required: true }]} style={{ flex: 1, minWidth: 220 }}>
            <Input maxLength={80} />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('排序', 'Order')}>
            <InputNumber min={0} max={100000} />
          </Form.Item>
        </Flex>
        <Form.Item name="authority" label={t('出具机构', 'Issued by')} rules={[{ required: true }]}><Input maxLength={300} /></Form.Item>
        <Form.Item name="place" label={t('办理地点', 'Where to go')} rules={[{ required: true }]}><Input maxLength={300} /></Form.Item>
        <Form.Item name="contact" label={t('咨询方式', 'Whom to ask')} rules={[{ required: true }]}><Input maxLength={300} /></Form.Item>
        <Form.Item name="materials" label={t('所需材料（回车添加）', 'What to bring (Enter to add)')}><Select mode="tags" open={false} /></Form.Item>
        <Flex gap={16} align="flex-start" wrap>
          <Form.Item name="online" label={t('可网上办理', 'Online')} valuePropName="checked"><Switch /></Form.Item>
          {online ? <Form.Item name="onlineHow" label={t('网上办理方式（平台或应用）', 'How (platform or app)')} rules={[{ required: true }]} style={{ flex: 1, minWidth: 260 }}><Input maxLength={500} /></Form.Item> : null}
        </Flex>
        <Form.Item name="basis" label={t('依据', 'Basis')} rules={[{ required: true }]}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
        <Form.Item name="notes" label={t('说明', 'Notes')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
        <Form.Item name="keywords" label={t('居民常用说法（用于搜索，回车添加）', 'Words residents use (Enter to add)')}><Select mode="tags" open={false} /></Form.Item>
        <Form.Item name="active" label={t('在指南中显示', 'Shown in the guide')} valuePropName="checked"><Switch /></Form.Item>
        <ErrorAlert error={error} />
      </Form>
    </Modal>
  );
}

export default function HandbookAdminPage() {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const admin = can('certificates:catalog');
  const [q, setQ] = useState('');
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/certificates/handbook', { query: { q: q || undefined, includeInactive: admin || undefined }, signal }), [q, admin]);
  const [editing, setEditing] = useState<HandbookEntry | null | undefined>(undefined);
  return (
    <>
      <PageHeader
        title={t('减证便民指南', 'Handbook: certificates no longer issued')}
        subtitle={t('社区（村）不再出具的证明，以及居民应到哪里办理。公开页面：', 'Certificates communities no longer issue, and where residents go instead. Public page: ')}
        extra={
          <>
            <Button href="/handbook" target="_blank">{t('打开公开页面', 'Open the public page')}</Button>
            {admin ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>{t('新增', 'Add')}</Button> : null}
          </>
        }
      />
      <Card size="small">
        <Input.Search placeholder={t('搜索', 'Search')} allowClear onSearch={(v) => setQ(v.trim())} style={{ maxWidth: 320, marginBottom: 12 }} />
        <ErrorAlert error={error} onRetry={reload} />
        <Table
          size="small"
          rowKey="code"
          loading={loading}
          dataSource={data ?? []}
          pagination={false}
          scroll={{ x: 800 }}
          columns={[
            { title: t('证明', 'Certificate'), dataIndex: 'title', render: (v: string, r) => <>{bi(lang, v, r.en?.title)} {r.active ? null : <Tag>{t('不显示', 'hidden')}</Tag>}</> },
            { title: t('出具机构', 'Issued by'), dataIndex: 'authority', ellipsis: { showTitle: false }, render: (v: string, r) => bi(lang, v, r.en?.authority) },
            { title: t('办理地点', 'Where'), dataIndex: 'place', ellipsis: { showTitle: false }, render: (v: string, r) => bi(lang, v, r.en?.place) },
            { title: t('网上办', 'Online'), dataIndex: 'online', width: 80, render: (o: boolean) => (o ? <Tag color="blue">{t('可以', 'yes')}</Tag> : '—') },
            ...(admin ? [{ title: '', width: 60, render: (_: unknown, r: HandbookEntry) => <Button type="link" icon={<EditOutlined />} onClick={() => setEditing(r)} aria-label={t('编辑', 'Edit')} /> }] : []),
          ]}
        />
      </Card>
      <EntryEditor entry={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); reload(); }} />
    </>
  );
}
