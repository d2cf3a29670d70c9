// 居民档案: one person's record with household, house, labels, visits, review state, history and
// the access trail. Departments open it from a look-up with the purpose they stated; every
// opening is logged by the server.
import { ArrowLeftOutlined, EditOutlined, HomeOutlined, MoreOutlined, SolutionOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Drawer, Dropdown, Empty, Flex, Form, Input, Modal, Row, Select, Skeleton, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorPage } from '../../components/errors';
import { MaskedValue, useFields } from '../../components/fields';
import { NodePicker } from '../../components/NodePicker';
import { PersonName } from '../../components/PersonName';
import { PageHeader } from '../../components/PageHeader';
import { RecordEditor } from '../../components/RecordEditor';
import { useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { AddressMismatch } from './AddressCheck';
import { HistoryPanel, TrailPanel } from '../../components/HistoryPanel';
import { LabelsPanel } from './LabelsPanel';
import { VisitForm } from './VisitForm';
import { UserText } from '../../components/UserText';

type Grant = ResponseOf<'/api/grants/mine'>[number];
type ResidentStatus = BodyOf<'/api/residents/{id}/status'>['status'];

const hiddenInInfo = new Set(['householdId', 'houseId', 'gridId', 'status', 'idAddressCode']);

export default function ResidentCardPage() {
  const { t, tt } = useI18n();
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const [params, setParams] = useSearchParams();
  const reason = params.get('reason') ?? undefined;
  const navigate = useNavigate();
  const mobile = useMobile();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { fields, label, text, show, code } = useFields();
  const department = !can('registry:read');
  const { data, error, reload, setData } = useApi((signal) => call.get('/api/residents/{id}', { path: { id }, query: { reason }, signal }), [id, reason]);
  const grants = useApi((signal) => (can(['registry:lookup', 'registry:supplement']) ? call.get('/api/grants/mine', { signal }) : Promise.resolve([] as Grant[])), []);
  const [editing, setEditing] = useState(false);
  const [visiting, setVisiting] = useState(false);
  const [statusOpen, setStatusOpen] = useState(false);
  const [moveOpen, setMoveOpen] = useState(false);
  const [tab, setTab] = useState('info');

  const writable = useMemo(() => {
    if (can('registry:write')) return undefined;
    const set = new Set<string>();
    for (const g of grants.data ?? []) if (g.recordKind === 'resident') g.writeFields.filter((f) => !f.startsWith('label:')).forEach((f) => set.add(f));
    return set;
  }, [grants.data, can]);
  const canEdit = can('registry:write') || (can('registry:supplement') && (writable?.size ?? 0) > 0);

  if (!Number.isInteger(id) || id < 1) return <ErrorPage error={new ApiError(404, 'NOT_FOUND', t('地址不正确', 'Bad address'))} />;
  if (error && (error.code === 'REASON_REQUIRED' || (department && !reason))) {
    return <PurposeGate onGo={(r) => setParams({ reason: r })} message={error.code === 'REASON_REQUIRED' ? error.message : undefined} />;
  }
  if (error && !data) return <ErrorPage error={error} onRetry={reload} />;
  if (!data) return <Skeleton active paragraph={{ rows: 12 }} />;

  const r = data.resident;
  const reloadRecord = async () => {
    const fresh = await call.get('/api/residents/{id}', { path: { id }, query: { reason } });
    setData(fresh);
    return fresh.resident;
  };

  const infoFields = fields('resident').filter((f) => !hiddenInInfo.has(f.key) && r[f.key] !== undefined);
  const value = (key: string) => {
    const f = fields('resident').find((x) => x.key === key);
    if (f?.secret) return <MaskedValue residentId={r.id} field={f.secret} value={r[key] as string | null} masked={r.maskedFields.includes(key)} canUnmask={can(['registry:unmask', 'registry:lookup'])} testId={`value-${key}`} />;
    if (key === 'birthDate' && r.age !== undefined) return `${text('resident', key, r[key])}${t('（{a} 岁）', ' (aged {a})', { a: Number(r.age) })}`;
    return show('resident', key, r[key]);
  };
  const statusTag = r.status === 'active' ? <Tag color="green">{text('resident', 'status', r.status)}</Tag> : <Tag>{text('resident', 'status', r.status)}</Tag>;
  const overdue = data.reviews.filter((x) => x.overdue).length;

  const moreItems = [
    ...(can('registry:write') ? [{ key: 'move', label: t('迁往其他网格', 'Move to another grid') }, { key: 'status', label: t('变更状态（迁出、死亡等）', 'Change status (moved out, deceased …)') }] : []),
  ];

  const tabs = [
    {
      key: 'info',
      label: t('基本信息', 'Record'),
      children: (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={department ? 24 : 16}>
            <AddressMismatch card={data} onFixed={() => void reload()} />
            <Descriptions size="small" bordered column={{ xs: 1, sm: 1, md: 2 }} data-testid="resident-info">
              {infoFields.map((f) => (
                <Descriptions.Item key={f.key} label={label('resident', f.key)} span={f.type === 'text' ? 'filled' : 1}>
                  {value(f.key)}
                </Descriptions.Item>
              ))}
              {/* A department granted the household or house link sees them named, never numbered. */}
              {r.householdRef ? (
                <Descriptions.Item key="householdRef" label={label('resident', 'householdId')}>
                  <span data-testid="value-household">
                    {r.householdRef.headName
                      ? t('户号 {no}（户主：{head}）', 'Household {no} (head: {head})', { no: r.householdRef.householdNo, head: r.householdRef.headName })
                      : t('户号 {no}', 'Household {no}', { no: r.householdRef.householdNo })}
                  </span>
                </Descriptions.Item>
              ) : null}
              {r.houseRef ? (
                <Descriptions.Item key="houseRef" label={label('resident', 'houseId')}>
                  {r.houseRef.address}
                </Descriptions.Item>
              ) : null}
            </Descriptions>
          </Col>
          {department ? null : <Col xs={24} xl={8}>
            <Card size="small" title={t('定期维护', 'Reviews')} data-testid="resident-reviews">
              {data.reviews.length ? (
                <Flex vertical gap={8}>
                  {data.reviews.map((rv) => (
                    <Flex key={rv.policyId} justify="space-between" align="center" gap={8}>
                      <UserText>{rv.name}</UserText>
                      {rv.overdue ? (
                        <Tag color="red">{t('已逾期 {d}', 'overdue since {d}', { d: dayjs(rv.dueAt).format('YYYY-MM-DD') })}</Tag>
                      ) : (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('下次 {d}', 'next {d}', { d: dayjs(rv.dueAt).format('YYYY-MM-DD') })}
                        </Typography.Text>
                      )}
                    </Flex>
                  ))}
                </Flex>
              ) : (
                <Typography.Text type="secondary">{t('无需定期维护', 'No reviews due')}</Typography.Text>
              )}
            </Card>
          </Col>}
        </Row>
      ),
    },
    // Households, houses, visits and history are the community's: no department grant covers them
    // (the server sends none and refuses the history), so a department's card leaves them out.
    ...(department ? [] : [{
      key: 'household',
      label: t('户与房屋', 'Household and house'),
      children: (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={14}>
            <Card size="small" title={data.household ? t('户号 {no}', 'Household {no}', { no: data.household.householdNo }) : t('所属户', 'Household')}>
              {data.household ? (
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={data.household.members}
                  columns={[
                    { key: 'name', title: t('姓名', 'Name'), render: (_, m) => (m.id === r.id ? <strong><UserText>{m.name}</UserText></strong> : <a onClick={() => navigate(`/residents/${m.id}`)}><UserText>{m.name}</UserText></a>) },
                    { key: 'rel', title: t('与户主关系', 'Relation'), render: (_, m) => text('resident', 'relationToHead', m.relationToHead) },
                    { key: 'age', title: t('年龄', 'Age'), render: (_, m) => m.age ?? '—' },
                  ]}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('未登记户信息', 'No household recorded')} />
              )}
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card size="small" title={t('房屋', 'House')}>
              {data.house ? (
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('楼栋', 'Building')}>{data.house.building}</Descriptions.Item>
                  <Descriptions.Item label={t('单元/房号', 'Entrance / room')}>
                    {[data.house.unitNo ? t('{u} 单元', 'entrance {u}', { u: data.house.unitNo }) : null, data.house.roomNo].filter(Boolean).join(' ')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('地址', 'Address')}>{data.house.fullAddress ?? data.house.address}</Descriptions.Item>
                </Descriptions>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('未关联房屋', 'No house linked')} />
              )}
            </Card>
          </Col>
        </Row>
      ),
    }]),
    {
      key: 'labels',
      label: (
        <span>
          {t('标签', 'Labels')} <Badge count={data.labels.filter((l) => l.active).length} color="orange" size="small" />
        </span>
      ),
      children: <LabelsPanel residentId={r.id} labels={data.labels} grants={grants.data} onChanged={reload} />,
    },
    ...(department ? [] : [{
      key: 'visits',
      label: t('走访记录', 'Visits'),
      children: data.visits.length ? (
        <Timeline
          data-testid="visit-list"
          items={data.visits.map((v) => ({
            key: v.id,
            content: (
              <div data-testid={`visit-${v.id}`}>
                <strong>{dayjs(v.visitedAt).format('YYYY-MM-DD HH:mm')}</strong> <Tag style={{ marginInlineStart: 8 }}>{code('visitKind', v.kind)}</Tag>
                {v.confirmedPolicies.length ? <Tag color="green">{t('已核实 {n} 项', '{n} confirmed', { n: v.confirmedPolicies.length })}</Tag> : null}
                <div>
                  <PersonName person={v.visitor} fallback={t('（账号已删除）', '(account removed)')} inline />
                </div>
                {v.notes ? <div style={{ color: 'rgba(0,0,0,0.65)' }}>{v.notes}</div> : null}
              </div>
            ),
          }))}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('还没有走访记录', 'No visits yet')} />
      ),
    },
    { key: 'history', label: t('变更历史', 'History'), children: tab === 'history' ? <HistoryPanel kind="resident" id={r.id} /> : null }]),
    ...(can('registry:trail') ? [{ key: 'trail', label: t('访问记录', 'Access trail'), children: tab === 'trail' ? <TrailPanel residentId={r.id} /> : null }] : []),
  ];

  return (
    <div data-testid="resident-card">
      <PageHeader
        title={
          <Flex align="center" gap={8}>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={tt('back')} />
            <span data-testid="resident-name" data-user="">{String(r.name ?? `#${r.id}`)}</span>
          </Flex>
        }
        tags={
          <>
            {statusTag}
            {r.sex ? <Tag>{text('resident', 'sex', r.sex)}</Tag> : null}
            {r.age !== undefined ? <Tag>{t('{a} 岁', 'age {a}', { a: r.age })}</Tag> : null}
            {data.labels
              .filter((l) => l.active)
              .map((l) => (
                <Tag key={l.code} color="orange">
                  {l.name ?? l.code}
                </Tag>
              ))}
            {overdue ? <Tag color="red">{t('{n} 项待维护', '{n} reviews overdue', { n: overdue })}</Tag> : null}
          </>
        }
        subtitle={
          <>
            <HomeOutlined /> <UserText>{data.place.slice(1).join(' / ')}</UserText>
          </>
        }
        extra={
          <>
            {can('visits:write') && r.status === 'active' ? (
              <Button icon={<SolutionOutlined />} onClick={() => setVisiting(true)} data-testid="visit-open">
                {t('记录走访', 'Record a visit')}
              </Button>
            ) : null}
            {canEdit ? (
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="resident-edit">
                {tt('edit')}
              </Button>
            ) : null}
            {moreItems.length ? (
              <Dropdown menu={{ items: moreItems, onClick: ({ key }) => (key === 'move' ? setMoveOpen(true) : setStatusOpen(true)) }}>
                <Button icon={<MoreOutlined />} aria-label={tt('more')} />
              </Dropdown>
            ) : null}
          </>
        }
      />
      {reason ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('调阅事由：{r}（本次查看已记入审计日志）', 'Purpose: {r} (this look is logged)', { r: reason })} /> : null}
      <Card size="small">
        <Tabs activeKey={tab} onChange={setTab} items={tabs} />
      </Card>
      <RecordEditor kind="resident" record={r} only={writable} open={editing} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); reload(); }} reload={reloadRecord} />
      <Drawer open={visiting} onClose={() => setVisiting(false)} title={t('记录走访：{n}', 'Visit: {n}', { n: String(r.name ?? '') })} size={mobile ? '85%' : 480} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
        <VisitForm
          residentId={r.id}
          confirms={data.reviews.filter((x) => x.owner === 'community').map((x) => x.name ?? '')}
          withHousehold={!!data.household}
          onDone={(v) => {
            setVisiting(false);
            message.success(v.confirmedPolicies.length ? t('已记录走访，{n} 项信息已核实', 'Visit recorded; {n} reviews confirmed', { n: v.confirmedPolicies.length }) : t('已记录走访', 'Visit recorded'));
            reload();
            setTab('visits');
          }}
        />
      </Drawer>
      {statusOpen ? <StatusModal residentId={r.id} version={r.version} current={String(r.status)} onClose={() => setStatusOpen(false)} onDone={() => { setStatusOpen(false); reload(); }} /> : null}
      {moveOpen ? <MoveModal residentId={r.id} version={r.version} onClose={() => setMoveOpen(false)} onDone={() => { setMoveOpen(false); reload(); }} /> : null}
    </div>
  );
}

/** Departments state why they open a person's record; the purpose goes to the audit log. */
function PurposeGate({ onGo, message }: { onGo(reason: string): void; message?: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Card style={{ maxWidth: 520, margin: '40px auto' }} title={t('请说明调阅事由', 'State the purpose of this look-up')}>
      {message ? <Alert type="warning" showIcon title={message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('部门查看居民档案须说明事由，事由与查看记录一并记入审计日志，居民所在社区可以看到。', 'Departments state why they open a record; the purpose is logged with the look and the community can see it.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => onGo(v.reason.trim())}>
        <Form.Item name="reason" label={t('调阅事由', 'Purpose')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写事由（至少 2 个字）', 'Give a purpose (2 characters at least)') }]}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('查看档案', 'Open the record')}
        </Button>
      </Form>
    </Card>
  );
}

function StatusModal({ residentId, version, current, onClose, onDone }: { residentId: number; version: number; current: string; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const { code } = useFields();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ status: ResidentStatus; reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const options = (['active', 'moved_out', 'deceased', 'deleted'] as const).filter((s) => s !== current);
  const submit = async (v: { status: ResidentStatus; reason: string }) => {
    setBusy(true);
    try {
      await call.post('/api/residents/{id}/status', { path: { id: residentId }, body: { status: v.status, version, reason: v.reason.trim() } });
      message.success(t('状态已变更', 'Status changed'));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('变更状态', 'Change status')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('记录不会被真正删除：状态变更与原因都保留在变更历史中。', 'Nothing is erased: the change and its reason stay in the history.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="status" label={t('新状态', 'New status')} rules={[{ required: true }]}>
          <Select options={options.map((s) => ({ value: s, label: code('status', s) }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('原因', 'Reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写原因（至少 2 个字）', 'Give a reason (2 characters at least)') }]}>
          <Input maxLength={500} placeholder={t('如：已迁往外省', 'e.g. moved to another province')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MoveModal({ residentId, version, onClose, onDone }: { residentId: number; version: number; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ gridId: number; reason: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { gridId: number; reason: string }) => {
    setBusy(true);
    try {
      await call.post('/api/residents/{id}/move', { path: { id: residentId }, body: { gridId: v.gridId, version, reason: v.reason.trim() } });
      message.success(t('已迁往新网格', 'Moved to the new grid'));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('迁往其他网格', 'Move to another grid')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="gridId" label={t('新网格', 'New grid')} rules={[{ required: true, message: t('请选择网格', 'Choose a grid') }]}>
          <NodePicker levels={['grid']} />
        </Form.Item>
        <Form.Item name="reason" label={t('原因', 'Reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写原因（至少 2 个字）', 'Give a reason (2 characters at least)') }]}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
