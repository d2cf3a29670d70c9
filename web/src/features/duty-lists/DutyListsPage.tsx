// 权责清单: a street/township's three lists, searchable and printable, exported in the published
// layout; its officers adopt the city catalogue, add, adjust, move and remove items (each change a
// dated, reasoned version), import a published workbook, and ask to hand an item back. Above the
// street level the page opens with the counts per township and their averages.
import { DownloadOutlined, HistoryOutlined, ImportOutlined, PlusOutlined, PrinterOutlined, SnippetsOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Descriptions, Dropdown, Empty, Flex, Form, Input, Modal, Radio, Select, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, withQuery, type ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { userText, UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { handbackReason, listKinds, listName, type Item, type ListKind, type Lists } from './texts';
import './duty.css';

type Overview = ResponseOf<'/api/duty-lists/overview'>;
type ImportResult = ResponseOf<'/api/duty-lists/townships/{id}/import', 'post'>;

/** The street a place is or lies in: the third id of its path (city / district / street). */
function streetOf(p: { id: number; level: string; path: string } | null): number | null {
  if (!p) return null;
  if (p.level === 'street') return p.id;
  if (p.level === 'community' || p.level === 'grid') return Number(p.path.split('/').filter(Boolean)[2]) || null;
  return null;
}

export default function DutyListsPage() {
  const [params, setParams] = useSearchParams();
  const { place } = usePlace();
  const chosen = Number(params.get('township')) || streetOf(place);
  if (!chosen) return <OverviewView onOpen={(id) => setParams({ township: String(id) })} />;
  return <TownshipView townshipId={chosen} initialList={(params.get('list') as ListKind | null) ?? 'basic'} onBack={params.get('township') ? () => setParams({}) : undefined} />;
}

function OverviewView({ onOpen }: { onOpen(id: number): void }) {
  const { t } = useI18n();
  const { place } = usePlace();
  const { data, error, loading, reload } = useApi<Overview>((signal) => call.get('/api/duty-lists/overview', { query: place ? { nodeId: place.id } : {}, signal }), [place?.id]);
  return (
    <>
      <PageHeader title={t('权责清单', 'Duty lists')} subtitle={t('各街道（乡镇）基本履职、配合履职和上级部门收回事项', 'Basic, cooperative and taken-back items of each street/township')} />
      <ErrorAlert error={error} onRetry={reload} />
      <Flex gap={16} wrap style={{ marginBottom: 16 }}>
        <Card size="small"><Statistic title={t('平均基本履职事项', 'Average basic duties')} value={data?.average.basic ?? 0} /></Card>
        <Card size="small"><Statistic title={t('平均配合履职事项', 'Average cooperative duties')} value={data?.average.cooperative ?? 0} /></Card>
        <Card size="small"><Statistic title={t('平均上级部门收回事项', 'Average taken back')} value={data?.average.takenBack ?? 0} /></Card>
        <Card size="small"><Statistic title={t('已建清单的街道（乡镇）', 'Townships with lists')} value={data?.average.townships ?? 0} suffix={data?.withoutLists ? t('（另 {n} 个未建）', '({n} without)', { n: data.withoutLists }) : undefined} /></Card>
      </Flex>
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.townships ?? []}
        onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' } })}
        data-testid="duty-overview"
        columns={[
          { title: t('街道（乡镇）', 'Township'), dataIndex: 'name', render: (v: string) => userText(v) },
          { title: t('所属区县', 'District'), dataIndex: 'districtName', render: (v: string | null) => userText(v) },
          { title: t('基本履职', 'Basic'), dataIndex: 'basic', align: 'right' },
          { title: t('配合履职', 'Cooperative'), dataIndex: 'cooperative', align: 'right' },
          { title: t('上级收回', 'Taken back'), dataIndex: 'takenBack', align: 'right' },
          { title: t('版本', 'Version'), dataIndex: 'version', align: 'right' },
        ]}
      />
    </>
  );
}

function TownshipView({ townshipId, initialList, onBack }: { townshipId: number; initialList: ListKind; onBack?: () => void }) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<ListKind>(listKinds.includes(initialList) ? initialList : 'basic');
  const [q, setQ] = useState('');
  const { data, error, loading, reload } = useApi<Lists>((signal) => call.get('/api/duty-lists/townships/{id}', { path: { id: townshipId }, signal }), [townshipId]);
  const [editing, setEditing] = useState<Item | 'new' | null>(null);
  const [moving, setMoving] = useState<Item | null>(null);
  const [removing, setRemoving] = useState<Item | null>(null);
  const [handing, setHanding] = useState<Item | null>(null);
  const [adopting, setAdopting] = useState(false);
  const [importing, setImporting] = useState(false);
  const manage = !!data?.canManage;
  const shown = useMemo(() => {
    const k = q.trim();
    return (data?.items ?? []).filter((i) => i.listKind === list && (!k || [i.name, i.category, i.departmentName, i.carrier].some((x) => x?.includes(k))));
  }, [data, list, q]);
  const done = () => {
    setEditing(null);
    setMoving(null);
    setRemoving(null);
    setAdopting(false);
    reload();
  };

  const columns = [
    { title: t('序号', 'No.'), dataIndex: 'seq', width: 64 },
    {
      title: t('事项名称', 'Item'), dataIndex: 'name',
      render: (v: string, r: Item) => (
        <Space size={4} wrap>
          <UserText>{v}</UserText>
          {r.source === 'admission' ? <Tag color="blue">{t('准入', 'Admitted')}</Tag> : null}
          {r.adjusted ? <Tag>{t('已按本地调整', 'Adjusted')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('事项类别', 'Category'), dataIndex: 'category', render: (v: string | null) => userText(v), responsive: ['md' as const] },
    { title: t('法律政策依据', 'Basis'), dataIndex: 'basis', ellipsis: { showTitle: false }, render: (v: string | null) => (v ? <UserText title={v}>{v}</UserText> : null), responsive: ['lg' as const] },
    { title: t('责任主体', 'Carried by'), dataIndex: 'carrier', render: (v: string | null) => userText(v), responsive: ['md' as const] },
    { title: t('对应上级部门', 'Upper department'), dataIndex: 'departmentName', render: (v: string | null) => userText(v) },
    { title: t('配合内容', 'What the township does'), dataIndex: 'cooperation', ellipsis: { showTitle: false }, render: (v: string | null) => (v ? <UserText title={v}>{v}</UserText> : null), responsive: ['lg' as const] },
    { title: t('社区参与', 'Communities'), dataIndex: 'communityInvolved', width: 90, render: (v: boolean) => (v ? t('是', 'yes') : t('否', 'no')) },
    ...(manage
      ? [{
          title: '', key: 'act', width: 80,
          render: (_: unknown, r: Item) => (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'edit', label: t('调整', 'Adjust'), onClick: () => setEditing(r) },
                  { key: 'move', label: t('改变清单类别', 'Move to another list'), onClick: () => setMoving(r) },
                  ...(r.listKind !== 'taken_back' ? [{ key: 'back', label: t('申请退回上级部门', 'Ask to hand back'), onClick: () => setHanding(r) }] : []),
                  { key: 'remove', danger: true, label: t('取消事项', 'Remove'), onClick: () => setRemoving(r) },
                ],
              }}
            >
              <Button size="small" data-testid={`duty-item-actions-${r.id}`}>{t('操作', 'Actions')}</Button>
            </Dropdown>
          ),
        }]
      : []),
  ];

  return (
    <div className="duty-page">
      <PageHeader
        title={data ? <UserText>{data.township.name}</UserText> : t('权责清单', 'Duty lists')}
        subtitle={data ? t('权责清单 · 第 {v} 版{d}', 'Duty lists · version {v}{d}', { v: data.version, d: data.versionDate ? ` · ${data.versionDate.slice(0, 10)}` : '' }) : undefined}
        extra={
          <span className="qc-no-print">
            <Space wrap>
              {onBack ? <Button onClick={onBack}>{t('返回汇总', 'Back to the overview')}</Button> : null}
              <Link to={`/duty-lists/${townshipId}/versions`}><Button icon={<HistoryOutlined />} data-testid="duty-versions">{t('历史版本', 'Versions')}</Button></Link>
              <Button icon={<DownloadOutlined />} href={withQuery(`/api/duty-lists/townships/${townshipId}/export`, { lang })} data-testid="duty-export">{t('导出 Excel', 'Export to Excel')}</Button>
              <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{t('打印', 'Print')}</Button>
              {manage ? <Button icon={<SnippetsOutlined />} onClick={() => setAdopting(true)} data-testid="duty-adopt">{t('采用通用目录', 'Adopt the catalogue')}</Button> : null}
              {manage ? <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="duty-import">{t('导入清单', 'Import')}</Button> : null}
              {manage ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="duty-add">{t('新增事项', 'Add an item')}</Button> : null}
            </Space>
          </span>
        }
      />
      <ErrorAlert error={error} onRetry={reload} />
      <div className="qc-no-print">
        <Tabs
          activeKey={list}
          onChange={(k) => setList(k as ListKind)}
          items={listKinds.map((k) => ({ key: k, label: t('{name}（{n}）', '{name} ({n})', { name: t(...listName[k]), n: k === 'basic' ? (data?.counts.basic ?? 0) : k === 'cooperative' ? (data?.counts.cooperative ?? 0) : (data?.counts.takenBack ?? 0) }) }))}
        />
        <Input.Search allowClear placeholder={t('按名称、类别、部门查找', 'Find by name, category, department')} onChange={(e) => setQ(e.target.value)} style={{ maxWidth: 360, marginBottom: 12 }} data-testid="duty-search" />
        <Table<Item> rowKey="id" size="small" loading={loading} dataSource={shown} columns={columns} pagination={{ pageSize: 50, hideOnSinglePage: true }} locale={{ emptyText: <Empty description={manage ? t('清单还没有事项：可采用市级通用目录、导入已印发的清单或逐项新增', 'No items yet: adopt the city catalogue, import a published list or add items') : t('没有事项', 'No items')} /> }}
          expandable={{ expandedRowRender: (r) => <ItemDetail item={r} />, rowExpandable: (r) => !!(r.basis || r.cooperation) }} data-testid="duty-table" />
      </div>
      {data ? <PrintLists data={data} /> : null}
      {editing ? <ItemEditor townshipId={townshipId} version={data?.version ?? 0} item={editing === 'new' ? null : editing} list={list} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {moving ? <MoveModal item={moving} onClose={() => setMoving(null)} onSaved={done} /> : null}
      {removing ? <RemoveModal item={removing} onClose={() => setRemoving(null)} onSaved={done} /> : null}
      {handing ? <HandbackModal townshipId={townshipId} item={handing} onClose={() => setHanding(null)} /> : null}
      {adopting ? <AdoptModal townshipId={townshipId} onClose={() => setAdopting(false)} onSaved={done} /> : null}
      {importing ? <ImportModal townshipId={townshipId} onClose={() => { setImporting(false); reload(); }} /> : null}
    </div>
  );
}

function ItemDetail({ item }: { item: Item }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={1} bordered>
      {item.basis ? <Descriptions.Item label={t('法律政策依据', 'Legal or policy basis')}><UserText style={{ whiteSpace: 'pre-wrap' }}>{item.basis}</UserText></Descriptions.Item> : null}
      {item.cooperation ? <Descriptions.Item label={t('配合内容', 'What the township does')}><UserText style={{ whiteSpace: 'pre-wrap' }}>{item.cooperation}</UserText></Descriptions.Item> : null}
    </Descriptions>
  );
}

/** All three lists in the published layout, shown only on paper. */
function PrintLists({ data }: { data: Lists }) {
  const { t } = useI18n();
  return (
    <div className="duty-print-only">
      {listKinds.map((k) => {
        const rows = data.items.filter((i) => i.listKind === k);
        return (
          <section key={k} className="duty-print-list">
            <h2><UserText>{data.township.name}</UserText>{t(...listName[k])}{t('清单', ' list')}</h2>
            <table>
              <thead><tr>{[['序号', 'No.'], ['事项名称', 'Item'], ['事项类别', 'Category'], ['法律政策依据', 'Basis'], ['责任主体', 'Carried by'], ['对应上级部门', 'Upper department'], ['配合内容', 'What the township does'], ['社区是否参与', 'Communities']].map(([zh, en]) => <th key={zh}>{t(zh!, en!)}</th>)}</tr></thead>
              <tbody>
                {rows.map((r, n) => (
                  <tr key={r.id}><td>{n + 1}</td><td>{userText(r.name)}</td><td>{userText(r.category)}</td><td>{userText(r.basis)}</td><td>{userText(r.carrier)}</td><td>{userText(r.departmentName)}</td><td>{userText(r.cooperation)}</td><td>{r.communityInvolved ? t('是', 'yes') : t('否', 'no')}</td></tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      <p>{t('第 {v} 版', 'Version {v}', { v: data.version })}</p>
    </div>
  );
}

function ReasonField() {
  const { t } = useI18n();
  return (
    <Form.Item name="reason" label={t('调整理由（记入版本）', 'Reason (kept with the version)')} rules={[{ required: true, min: 2, message: t('请写明理由', 'Give the reason') }]}>
      <Input.TextArea rows={2} maxLength={1000} data-testid="duty-reason" />
    </Form.Item>
  );
}

function useDepartments() {
  return useApi((signal) => call.get('/api/departments', { signal }), []).data ?? [];
}

interface ItemForm {
  listKind: ListKind;
  name: string;
  category?: string;
  basis?: string;
  carrier?: string;
  departmentId?: number | null;
  departmentName?: string;
  cooperation?: string;
  communityInvolved?: boolean;
  reason: string;
}

function ItemEditor({ townshipId, version, item, list, onClose, onSaved }: { townshipId: number; version: number; item: Item | null; list: ListKind; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ItemForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const depts = useDepartments();
  const save = async (v: ItemForm) => {
    setBusy(true);
    setError(null);
    const fields = { name: v.name, category: v.category || null, basis: v.basis || null, carrier: v.carrier || null, departmentId: v.departmentId ?? null, departmentName: v.departmentId ? null : v.departmentName || null, cooperation: v.cooperation || null, communityInvolved: !!v.communityInvolved, reason: v.reason, expectedVersion: version };
    try {
      const r = item ? await call.patch('/api/duty-lists/items/{id}', { path: { id: item.id }, body: fields }) : await call.post('/api/duty-lists/townships/{id}/items', { path: { id: townshipId }, body: { ...fields, listKind: v.listKind } });
      message.success(t('已保存为第 {v} 版', 'Saved as version {v}', { v: r.version }));
      onSaved();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(form, err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const initial: Partial<ItemForm> = item
    ? { listKind: item.listKind, name: item.name, category: item.category ?? '', basis: item.basis ?? '', carrier: item.carrier ?? '', departmentId: item.departmentId, departmentName: item.departmentName ?? '', cooperation: item.cooperation ?? '', communityInvolved: item.communityInvolved }
    : { listKind: list, communityInvolved: false };
  return (
    <Modal open title={item ? t('调整事项', 'Adjust the item') : t('新增事项', 'Add an item')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy, ...{ 'data-testid': 'duty-item-save' } }} width={720} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void save(v)}>
        {!item ? (
          <Form.Item name="listKind" label={t('清单', 'List')} rules={[{ required: true }]}>
            <Radio.Group options={listKinds.map((k) => ({ value: k, label: t(...listName[k]) }))} />
          </Form.Item>
        ) : null}
        <Form.Item name="name" label={t('事项名称', 'Item')} rules={[{ required: true, max: 200 }]}><Input data-testid="duty-item-name" /></Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="category" label={t('事项类别', 'Category')} style={{ flex: 1, minWidth: 180 }}><Input maxLength={60} /></Form.Item>
          <Form.Item name="carrier" label={t('责任主体', 'Carried by')} style={{ flex: 1, minWidth: 180 }}><Input maxLength={200} /></Form.Item>
        </Flex>
        <Flex gap={12} wrap>
          <Form.Item name="departmentId" label={t('对应上级部门', 'Upper department')} style={{ flex: 1, minWidth: 220 }}>
            <Select allowClear showSearch optionFilterProp="label" options={depts.map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="departmentName" label={t('或按清单原文填写部门', 'Or the department as the list names it')} style={{ flex: 1, minWidth: 220 }}><Input maxLength={100} /></Form.Item>
        </Flex>
        <Form.Item name="basis" label={t('法律政策依据', 'Legal or policy basis')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item name="cooperation" label={t('配合内容', 'What the township does')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item name="communityInvolved" valuePropName="checked"><Checkbox>{t('社区（村）参与', 'Communities take part')}</Checkbox></Form.Item>
        <ReasonField />
      </Form>
    </Modal>
  );
}

function MoveModal({ item, onClose, onSaved }: { item: Item; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ listKind: ListKind; reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const save = async (v: { listKind: ListKind; reason: string }) => {
    try {
      await call.post('/api/duty-lists/items/{id}/move', { path: { id: item.id }, body: v });
      onSaved();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Modal open title={t('改变清单类别：{n}', 'Move: {n}', { n: item.name })} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Form.Item name="listKind" label={t('移到', 'Move to')} rules={[{ required: true }]}>
          <Radio.Group options={listKinds.filter((k) => k !== item.listKind).map((k) => ({ value: k, label: t(...listName[k]) }))} />
        </Form.Item>
        <ReasonField />
      </Form>
    </Modal>
  );
}

function RemoveModal({ item, onClose, onSaved }: { item: Item; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const save = async (v: { reason: string }) => {
    try {
      await call.post('/api/duty-lists/items/{id}/remove', { path: { id: item.id }, body: v });
      onSaved();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Modal open title={t('取消事项：{n}', 'Remove: {n}', { n: item.name })} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ danger: true }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('取消后该事项不再在现行清单中，历史版本中仍可查看。', 'The item leaves the current lists; past versions still show it.')}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <ReasonField />
      </Form>
    </Modal>
  );
}

function HandbackModal({ townshipId, item, onClose }: { townshipId: number; item: Item; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const depts = useDepartments();
  const [form] = Form.useForm<{ reasonKind: string; reasonText: string; evidence: string; departmentId?: number }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const save = async (v: { reasonKind: string; reasonText: string; evidence: string; departmentId?: number }) => {
    try {
      const r = await call.post('/api/duty-handbacks', { body: { itemId: item.id, townshipId, reasonKind: v.reasonKind as 'cannot_carry', reasonText: v.reasonText, evidence: v.evidence, ...(v.departmentId ? { departmentId: v.departmentId } : {}) } });
      if (file) {
        const fd = new FormData();
        fd.append('file', file);
        await api.post(`/duty-handbacks/${r.id}/evidence`, fd);
      }
      message.success(t('已提交退回申请 #{id}，等待部门答复', 'Request #{id} sent: waiting for the department', { id: r.id }));
      onClose();
    } catch (e) {
      const err = toApiError(e);
      applyFieldErrors(form, err);
      setError(err);
    }
  };
  return (
    <Modal open title={t('申请退回上级部门：{n}', 'Ask to hand back: {n}', { n: item.name })} onCancel={onClose} onOk={() => form.submit()} width={640} destroyOnHidden>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" initialValues={{ reasonKind: 'cannot_carry', departmentId: item.departmentId ?? undefined }} onFinish={(v) => void save(v)}>
        <Form.Item name="reasonKind" label={t('退回原因', 'Reason')} rules={[{ required: true }]}>
          <Radio.Group options={Object.entries(handbackReason).map(([value, l]) => ({ value, label: t(...l) }))} />
        </Form.Item>
        <Form.Item name="departmentId" label={t('退回给', 'Back to')} rules={[{ required: !item.departmentId }]}>
          <Select allowClear showSearch optionFilterProp="label" options={depts.map((d) => ({ value: d.id, label: d.name }))} />
        </Form.Item>
        <Form.Item name="reasonText" label={t('具体理由', 'Why')} rules={[{ required: true, min: 2 }]}><Input.TextArea rows={3} maxLength={4000} /></Form.Item>
        <Form.Item name="evidence" label={t('佐证情况（案例、数据、缺少的人员和手段）', 'Evidence (cases, figures, staff and means lacking)')} rules={[{ required: true, min: 2 }]}><Input.TextArea rows={3} maxLength={8000} /></Form.Item>
        <Form.Item label={t('佐证材料（PDF、图片、Word、Excel，可选）', 'Evidence file (PDF, image, Word, Excel; optional)')}>
          <Upload beforeUpload={(f) => { setFile(f); return false; }} maxCount={1} onRemove={() => setFile(null)} accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx"><Button>{t('选择文件', 'Choose a file')}</Button></Upload>
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AdoptModal({ townshipId, onClose, onSaved }: { townshipId: number; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const cat = useApi((signal) => call.get('/api/duty-catalogue', { signal }), []);
  const [selected, setSelected] = useState<number[] | null>(null);
  const [reason, setReason] = useState('采用市级通用事项目录');
  const [error, setError] = useState<ApiError | null>(null);
  const save = async () => {
    try {
      const r = await call.post('/api/duty-lists/townships/{id}/adopt', { path: { id: townshipId }, body: { reason, ...(selected ? { catalogueItemIds: selected } : {}) } });
      message.success(t('已采用 {n} 项，保存为第 {v} 版', '{n} items adopted, saved as version {v}', { n: r.added, v: r.version }));
      onSaved();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Modal open title={t('采用市级通用事项目录', 'Adopt the city catalogue')} onCancel={onClose} onOk={() => void save()} width={860} okButtonProps={{ ...{ 'data-testid': 'duty-adopt-ok' } }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('不选择则采用目录中尚未在本清单里的全部事项；采用后可逐项按本地实际调整，事项保留与目录的关联。', 'With nothing chosen, every catalogue item not yet on the lists is adopted; items keep their link to the catalogue and can be adjusted afterwards.')}</Typography.Paragraph>
      <ErrorAlert error={error ?? cat.error} />
      <Table rowKey="id" size="small" loading={cat.loading} dataSource={cat.data ?? []} pagination={{ pageSize: 10 }} rowSelection={{ selectedRowKeys: selected ?? [], onChange: (k) => setSelected(k.length ? (k as number[]) : null) }}
        columns={[{ title: t('清单', 'List'), dataIndex: 'listKind', render: (k: ListKind) => t(...listName[k]) }, { title: t('事项名称', 'Item'), dataIndex: 'name', render: (v: string) => userText(v) }, { title: t('事项类别', 'Category'), dataIndex: 'category', render: (v: string | null) => userText(v) }, { title: t('已采用街道数', 'Townships holding it'), dataIndex: 'adoptedBy' }]} />
      <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} placeholder={t('调整理由', 'Reason')} />
    </Modal>
  );
}

function ImportModal({ townshipId, onClose }: { townshipId: number; onClose(): void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'replace' | 'append'>('replace');
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    const fd = new FormData();
    fd.append('file', file);
    try {
      const r = await api.post<ImportResult>(`/duty-lists/townships/${townshipId}/import`, fd, { dryRun, mode, reason: dryRun ? undefined : reason, lang });
      if (dryRun) setPreview(r);
      else {
        message.success(t('已导入，保存为第 {v} 版', 'Imported as version {v}', { v: r.version ?? 0 }));
        onClose();
      }
    } catch (e) {
      setError(toApiError(e));
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };
  const problems = (error?.details as { problems?: { sheet: string; row: number; column: string | null; message: string }[] } | undefined)?.problems;
  const { can } = useAuth();
  return (
    <Modal open title={t('导入已印发的清单', 'Import a published list')} onCancel={onClose} width={760} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('表格按印发格式：每类清单一个工作表，标题行写明“基本履职事项清单”等，表头为 序号、事项名称、事项类别、法律政策依据、责任主体、对应上级部门、配合内容、社区是否参与。先检查，确认后再导入；有任何一行不合规则不导入。', 'One sheet per list in the published layout: a title row naming the list, then 序号, 事项名称, 事项类别, 法律政策依据, 责任主体, 对应上级部门, 配合内容, 社区是否参与. Check first, then import; one malformed row and nothing is imported.')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Upload beforeUpload={(f) => { setFile(f); setPreview(null); setError(null); return false; }} maxCount={1} accept=".xlsx" onRemove={() => setFile(null)}>
          <Button icon={<ImportOutlined />} data-testid="duty-import-file">{t('选择 .xlsx 文件', 'Choose the .xlsx')}</Button>
        </Upload>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)} options={[{ value: 'replace', label: t('以表格为准（表中没有的事项取消）', 'The workbook is the whole list (items not in it are removed)') }, { value: 'append', label: t('只新增和更新', 'Only add and update') }]} />
        <Button onClick={() => void send(true)} disabled={!file} loading={busy && !preview} data-testid="duty-import-check">{t('检查', 'Check')}</Button>
        <ErrorAlert error={error} />
        {problems?.length ? (
          <Table size="small" rowKey={(p) => `${p.sheet}-${p.row}-${p.column}`} dataSource={problems} pagination={{ pageSize: 10, hideOnSinglePage: true }} data-testid="duty-import-problems"
            columns={[{ title: t('工作表', 'Sheet'), dataIndex: 'sheet', render: (v: string) => userText(v) }, { title: t('行', 'Row'), dataIndex: 'row' }, { title: t('列', 'Column'), dataIndex: 'column' }, { title: t('问题', 'Problem'), dataIndex: 'message' }]} />
        ) : null}
        {preview ? (
          <>
            <Alert type="info" showIcon data-testid="duty-import-preview" title={t('将新增 {a} 项、调整 {c} 项、取消 {r} 项，{u} 项不变', '{a} added, {c} changed, {r} removed, {u} unchanged', { a: preview.added, c: preview.changed, r: preview.removed, u: preview.unchanged })} />
            {preview.warnings.length ? <Alert type="warning" showIcon title={t('提示', 'Notes')} description={<ul style={{ margin: 0 }}>{preview.warnings.slice(0, 20).map((w) => <li key={`${w.sheet}${w.row}`}>{t('第 {r} 行：', 'Row {r}: ', { r: w.row })}{w.message}</li>)}</ul>} /> : null}
            <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} placeholder={t('调整理由（必填，记入版本）', 'Reason (required, kept with the version)')} data-testid="duty-import-reason" />
            <Button type="primary" disabled={reason.trim().length < 2 || !can('duty:manage')} loading={busy} onClick={() => void send(false)} data-testid="duty-import-apply">{t('导入', 'Import')}</Button>
          </>
        ) : null}
      </Space>
    </Modal>
  );
}
