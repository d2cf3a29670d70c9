// 户、楼栋、房屋、单位、设施: the other record kinds of the current place, as simpler lists with a
// detail drawer (record, history), create and edit from the catalogue, and closing a record
// (kept with its history).
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Descriptions, Drawer, Empty, Flex, Form, Input, Modal, Select, Skeleton, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, type ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { RecordEditor } from '../../components/RecordEditor';
import { RecordFields, toBody } from '../../components/RecordForm';
import { recordTitle } from '../../components/RecordSelect';
import { useApi } from '../../hooks/useApi';
import { useHouseLabels } from '../../hooks/useHouseLabels';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { HistoryPanel } from '../../components/HistoryPanel';
import { UserText } from '../../components/UserText';

export const otherKinds = ['household', 'building', 'house', 'organisation', 'facility'] as const;
type OtherKind = (typeof otherKinds)[number];
const PAGE = 20;

/** A record as the server answers it: common columns, then the fields of its kind (open: they come from the catalogue). */
type RecordOut = ResponseOf<'/api/records/{kind}/{id}'>;
type CloseStatus = BodyOf<'/api/records/{kind}/{id}/status'>['status'];

/** The columns each list shows (the rest are in the drawer). */
const listColumns: Record<OtherKind, string[]> = {
  household: ['householdNo', 'kind', 'houseId'],
  building: ['name', 'address', 'kind', 'floors', 'builtYear'],
  house: ['buildingId', 'unitNo', 'floor', 'roomNo', 'areaM2', 'usage'],
  organisation: ['name', 'kind', 'creditCode', 'legalRepName', 'phone', 'address'],
  facility: ['name', 'kind', 'operator', 'openingHours', 'address'],
};

export default function RecordsPage() {
  const { kind: kindParam } = useParams();
  const kind = (otherKinds as readonly string[]).includes(kindParam ?? '') ? (kindParam as OtherKind) : 'household';
  const { t, tt } = useI18n();
  const { can } = useAuth();
  const navigate = useNavigate();
  const mobile = useMobile();
  const { place } = usePlace();
  const { label, text, show } = useFields();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1) || 1;
  const openId = params.get('open') ? Number(params.get('open')) : null;
  const [creating, setCreating] = useState(false);
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/records/{kind}', { path: { kind }, query: { nodeId: place?.id, q: q || undefined, limit: PAGE, offset: (page - 1) * PAGE }, signal }), [kind, place?.id, q, page]);

  // House lists name their building, not its number.
  const buildings = useApi((signal) => (kind === 'house' || kind === 'organisation' ? call.get('/api/records/{kind}', { path: { kind: 'building' }, query: { nodeId: place?.id, limit: 200, offset: 0 }, signal }) : Promise.resolve(null)), [kind, place?.id]);
  const buildingName = useMemo(() => new Map((buildings.data?.items ?? []).map((b) => [b.id, String(b.name)])), [buildings.data]);
  // Households name their house ("1号楼 1单元 101"), resolved for the rows on screen.
  const houseLabels = useHouseLabels(kind === 'household' ? (data?.items ?? []).map((h) => Number(h.houseId)).filter((x) => x > 0) : []);

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const cell = (key: string, r: RecordOut) => {
    if (key === 'buildingId') return r.buildingId && buildingName.get(Number(r.buildingId)) ? <UserText>{buildingName.get(Number(r.buildingId))}</UserText> : r.buildingId ? `#${r.buildingId}` : '—';
    if (key === 'houseId') return r.houseId ? (houseLabels.get(Number(r.houseId)) ? <UserText>{houseLabels.get(Number(r.houseId))}</UserText> : `#${r.houseId}`) : '—';
    const v = show(kind, key, r[key]);
    return key === 'phone' ? <span className="qc-masked">{v}</span> : v;
  };

  const columns = [
    ...listColumns[kind].map((key, i) => ({
      key,
      title: label(kind, key),
      render: (_: unknown, r: RecordOut) => (i === 0 ? <a onClick={() => setParam({ open: String(r.id) })} data-testid={`record-${r.id}`}>{cell(key, r)}</a> : cell(key, r)),
    })),
    { key: 'status', title: tt('status'), render: (_: unknown, r: RecordOut) => (r.status === 'active' ? <Tag color="green">{text(kind, 'status', r.status)}</Tag> : <Tag>{text(kind, 'status', r.status)}</Tag>) },
  ];

  return (
    <div>
      <PageHeader
        title={tt(`kind_${kind}`)}
        subtitle={
          <>
            <UserText>{place?.name}</UserText>
            {data ? t(' · 共 {n} 条', ' · {n} records', { n: data.totalCapped ? `${data.total}+` : data.total }) : ''}
          </>
        }
        extra={
          can('registry:write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="record-new">
              {t('新建', 'New')}
            </Button>
          ) : null
        }
      />
      <Tabs activeKey={kind} onChange={(k) => navigate(`/records/${k}`)} items={otherKinds.map((k) => ({ key: k, label: tt(`kind_${k}`) }))} style={{ marginBottom: 4 }} />
      <Input.Search
        key={`${kind}-${q}`}
        defaultValue={q}
        allowClear
        placeholder={kind === 'household' ? t('户号开头', 'Household number starts with') : kind === 'house' ? t('房号开头', 'Room number starts with') : t('名称开头', 'Name starts with')}
        onSearch={(v) => setParam({ q: v.trim(), page: null })}
        style={{ maxWidth: 360, marginBottom: 12 }}
      />
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<RecordOut>
        rowKey="id"
        size={mobile ? 'small' : 'middle'}
        loading={loading}
        dataSource={data?.items ?? []}
        columns={columns}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('没有记录', 'No records')} /> }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false, onChange: (p) => setParam({ page: String(p) }), simple: mobile }}
      />
      <RecordDrawer kind={kind} id={openId} onClose={() => setParam({ open: null })} onChanged={reload} buildingName={buildingName} />
      {creating ? (
        <CreateModal
          kind={kind}
          onClose={() => setCreating(false)}
          onDone={(id) => {
            setCreating(false);
            reload();
            setParam({ open: String(id) });
          }}
        />
      ) : null}
    </div>
  );
}

function RecordDrawer({ kind, id, onClose, onChanged, buildingName }: { kind: OtherKind; id: number | null; onClose(): void; onChanged(): void; buildingName: Map<number, string> }) {
  const { t, tt } = useI18n();
  const { can } = useAuth();
  const mobile = useMobile();
  const navigate = useNavigate();
  const { fields, label, text, show } = useFields();
  const { data, error, reload, setData } = useApi((signal) => (id ? call.get('/api/records/{kind}/{id}', { path: { kind, id }, signal }) : Promise.resolve(undefined)), [kind, id]);
  const members = useApi((signal) => (id && kind === 'household' ? call.get('/api/residents', { query: { householdId: id, limit: 50, offset: 0 }, signal }) : Promise.resolve(null)), [kind, id]);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  useEffect(() => setEditing(false), [id]);

  const title = data ? recordTitle(kind, data, t) : '';
  const value = (key: string) => {
    if (!data) return null;
    if (key === 'buildingId' && data.buildingId) return buildingName.get(Number(data.buildingId)) ? <UserText>{buildingName.get(Number(data.buildingId))}</UserText> : `#${data.buildingId}`;
    const v = show(kind, key, data[key]);
    return <span className={key === 'phone' ? 'qc-masked' : undefined}>{v}</span>;
  };
  return (
    <Drawer open={id !== null} onClose={onClose} title={<UserText>{title}</UserText>} size={mobile ? '100%' : 600} destroyOnHidden data-testid="record-drawer"
      extra={
        data && can('registry:write') ? (
          <Flex gap={8}>
            <Button onClick={() => setEditing(true)} data-testid="record-edit">{tt('edit')}</Button>
            {data.status === 'active' ? <Button danger onClick={() => setClosing(true)}>{t('注销', 'Close')}</Button> : null}
          </Flex>
        ) : null
      }
    >
      {error ? <Alert type="error" showIcon title={error.message} /> : null}
      {!data && !error ? <Skeleton active /> : null}
      {data ? (
        <Tabs
          items={[
            {
              key: 'info',
              label: t('信息', 'Record'),
              children: (
                <>
                  <Descriptions size="small" bordered column={1}>
                    {fields(kind)
                      .filter((f) => data[f.key] !== undefined && !['gridId', 'nodeId'].includes(f.key))
                      .map((f) => (
                        <Descriptions.Item key={f.key} label={label(kind, f.key)}>
                          {value(f.key)}
                        </Descriptions.Item>
                      ))}
                  </Descriptions>
                  {kind === 'household' ? (
                    <div style={{ marginTop: 16 }}>
                      <Typography.Title level={5}>{t('户成员', 'Members')}</Typography.Title>
                      {members.data?.items.length ? (
                        <Flex vertical gap={4}>
                          {members.data.items.map((m) => (
                            <a key={m.id} onClick={() => navigate(`/residents/${m.id}`)}>
                              <UserText>{String(m.name)}</UserText> · {text('resident', 'relationToHead', m.relationToHead)} · {String(m.age ?? '—')}
                            </a>
                          ))}
                        </Flex>
                      ) : (
                        <Typography.Text type="secondary">{t('暂无成员', 'No members')}</Typography.Text>
                      )}
                    </div>
                  ) : null}
                </>
              ),
            },
            { key: 'history', label: t('变更历史', 'History'), children: <HistoryPanel kind={kind} id={data.id} /> },
          ]}
        />
      ) : null}
      {data ? (
        <RecordEditor
          kind={kind}
          record={data}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
            onChanged();
          }}
          reload={async () => {
            const fresh = await call.get('/api/records/{kind}/{id}', { path: { kind, id: data.id } });
            setData(fresh);
            return fresh;
          }}
        />
      ) : null}
      {closing && data ? <CloseModal kind={kind} record={data} onClose={() => setClosing(false)} onDone={() => { setClosing(false); reload(); onChanged(); }} /> : null}
    </Drawer>
  );
}

function CreateModal({ kind, onClose, onDone }: { kind: OtherKind; onClose(): void; onDone(id: number): void }) {
  const { t, tt } = useI18n();
  const { fields } = useFields();
  const { place } = usePlace();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const gridId = Form.useWatch(kind === 'facility' ? 'nodeId' : 'gridId', form) as number | undefined;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const placeKey = kind === 'facility' ? 'nodeId' : 'gridId';
  const submit = async (values: Record<string, unknown>) => {
    const { [placeKey]: node, reason, ...rest } = values as Record<string, unknown> & { reason?: string };
    setBusy(true);
    setError(null);
    try {
      // The contract has one POST path per kind (/api/records/building …), none for /api/records/{kind}.
      const created = await api.post<RecordOut>(`/records/${kind}`, { [placeKey]: node, ...toBody(fields(kind), rest), reason: (reason as string | undefined)?.trim() || undefined });
      message.success(t('已新建', 'Created'));
      onDone(created.id);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={760} title={t('新建{k}', 'New {k}', { k: tt(`kind_${kind}`) })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ [placeKey]: place?.level === 'grid' || (kind === 'facility' && place?.level === 'community') ? place.id : undefined }} preserve={false}>
        <RecordFields
          kind={kind}
          form={form}
          gridId={kind === 'facility' ? undefined : gridId}
          extra={
            <Col xs={24} md={12}>
              <Form.Item name={placeKey} label={kind === 'facility' ? t('所属社区或网格', 'Community or grid') : t('所属网格', 'Grid')} rules={[{ required: true, message: t('请选择', 'Choose one') }]}>
                <NodePicker levels={kind === 'facility' ? ['community', 'grid'] : ['grid']} />
              </Form.Item>
            </Col>
          }
        />
      </Form>
    </Modal>
  );
}

function CloseModal({ kind, record, onClose, onDone }: { kind: OtherKind; record: RecordOut; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ status: CloseStatus; reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { status: CloseStatus; reason: string }) => {
    setBusy(true);
    try {
      await call.post('/api/records/{kind}/{id}/status', { path: { kind, id: record.id }, body: { status: v.status, version: record.version, reason: v.reason.trim() } });
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('注销或删除记录', 'Close or delete the record')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ danger: true }} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('记录与其历史都会保留，只是不再出现在列表中。', 'The record and its history are kept; it only leaves the lists.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ status: 'closed' }} preserve={false}>
        <Form.Item name="status" label={t('操作', 'Action')}>
          <Select options={[{ value: 'closed', label: t('注销（如商户停业、楼栋拆除）', 'Close (a shop shut, a building pulled down)') }, { value: 'deleted', label: t('删除（录入错误）', 'Delete (entered by mistake)') }]} />
        </Form.Item>
        <Form.Item name="reason" label={t('原因', 'Reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写原因（至少 2 个字）', 'Give a reason (2 characters at least)') }]}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
