// 居民列表: the residents of the current place, filtered by label, population category, sex, age,
// staleness and name / ID number / phone (whole, or the last four); ID numbers and phones masked.
// Filters live in the URL, so a dashboard figure can link straight to the list behind it; a
// number typed into the search box never does: it stays in the page and is sent in the body of
// POST /residents/search, so that no log or browser history keeps it.
import { FilterOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Col, Empty, Flex, Form, Input, InputNumber, Pagination, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { call, type QueryOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { UserText } from '../../components/UserText';

const PAGE = 20;

type ResidentOut = ResponseOf<'/api/residents'>['items'][number];
type Query = QueryOf<'/api/residents'>;

export default function ResidentListPage() {
  const { t, tt, lang } = useI18n();
  const { can } = useAuth();
  const mobile = useMobile();
  const navigate = useNavigate();
  const { place } = usePlace();
  const { text, code } = useFields();
  const labelKinds = useLabelKinds();
  const [params, setParams] = useSearchParams();
  // Open on desktops, folded on phones, until the user decides.
  const [filtersChoice, setShowFilters] = useState<boolean | null>(null);
  const [numberQ, setNumberQ] = useState('');
  const showFilters = filtersChoice ?? !mobile;

  const f = {
    q: params.get('q') ?? '',
    labels: params.getAll('labels'),
    // From the URL, which anyone may edit: the server refuses a value it does not know.
    residenceStatus: (params.get('residenceStatus') ?? undefined) as Query['residenceStatus'],
    sex: (params.get('sex') ?? undefined) as Query['sex'],
    ageMin: params.get('ageMin') ? Number(params.get('ageMin')) : undefined,
    ageMax: params.get('ageMax') ? Number(params.get('ageMax')) : undefined,
    stale: params.get('stale') === '1',
    status: params.getAll('status') as NonNullable<Query['status']>,
    page: Number(params.get('page') ?? 1) || 1,
  };
  const key = params.toString();
  const set = (patch: Record<string, string | string[] | number | boolean | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      next.delete(k);
      if (Array.isArray(v)) v.forEach((x) => next.append(k, x));
      else if (v !== undefined && v !== '' && v !== false) next.set(k, v === true ? '1' : String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const { data, error, loading, reload } = useApi((signal) => {
    const query = {
      nodeId: place?.id,
      labels: f.labels.length ? f.labels : undefined,
      residenceStatus: f.residenceStatus,
      sex: f.sex,
      ageMin: f.ageMin,
      ageMax: f.ageMax,
      stale: f.stale || undefined,
      status: f.status.length ? f.status : undefined,
      limit: PAGE,
      offset: (f.page - 1) * PAGE,
    };
    return numberQ ? call.post('/api/residents/search', { body: { ...query, q: numberQ }, signal }) : call.get('/api/residents', { query: { ...query, q: f.q || undefined }, signal });
  }, [place?.id, key, numberQ]);
  const onSearch = (raw: string) => {
    const v = raw.trim();
    // Names go into the URL (shareable); numbers stay here and travel in a request body.
    if (/[0-9０-９]/.test(v)) {
      setNumberQ(v);
      set({ q: undefined });
    } else {
      setNumberQ('');
      set({ q: v });
    }
  };

  const labelName = useMemo(() => new Map((labelKinds ?? []).map((l) => [l.code, lang === 'en' ? l.nameEn : l.nameZh])), [labelKinds, lang]);
  const labelOptions = (labelKinds ?? []).filter((l) => l.appliesTo === 'resident' && l.active).map((l) => ({ value: l.code, label: lang === 'en' ? l.nameEn : l.nameZh }));
  const totalText = data ? (data.totalCapped ? `${data.total}+` : String(data.total)) : '';
  const filtersActive = f.labels.length + (f.residenceStatus ? 1 : 0) + (f.sex ? 1 : 0) + (f.ageMin !== undefined || f.ageMax !== undefined ? 1 : 0) + (f.stale ? 1 : 0) + (f.status.length ? 1 : 0);

  const labelTags = (r: ResidentOut) =>
    (r.labels ?? []).map((l) => (
      <Tag key={l.code} color="orange" style={{ marginBottom: 2 }}>
        {labelName.get(l.code) ?? l.code}
      </Tag>
    ));

  const filters = (
    <Card size="small" className="qc-filters" data-testid="resident-filters">
      <Form layout="vertical" size="middle">
        <Row gutter={12}>
          <Col xs={24} md={12} lg={8}>
            <Form.Item label={t('重点人群标签', 'Labels')} style={{ marginBottom: 8 }}>
              <Select mode="multiple" allowClear value={f.labels} onChange={(v) => set({ labels: v })} options={labelOptions} placeholder={t('任选其一即可', 'Any of these')} maxTagCount="responsive" data-testid="filter-labels" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} lg={4}>
            <Form.Item label={t('人口类型', 'Category')} style={{ marginBottom: 8 }}>
              <Select allowClear value={f.residenceStatus} onChange={(v) => set({ residenceStatus: v })} options={['registered', 'resident', 'floating', 'overseas', 'unregistered'].map((c) => ({ value: c, label: code('residenceStatus', c) }))} placeholder={t('全部', 'All')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} lg={3}>
            <Form.Item label={t('性别', 'Sex')} style={{ marginBottom: 8 }}>
              <Select allowClear value={f.sex} onChange={(v) => set({ sex: v })} options={['1', '2'].map((c) => ({ value: c, label: code('sex', c) }))} placeholder={t('全部', 'All')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12} lg={5}>
            <Form.Item label={t('年龄', 'Age')} style={{ marginBottom: 8 }}>
              <Space.Compact style={{ width: '100%' }}>
                <InputNumber min={0} max={150} value={f.ageMin} onChange={(v) => set({ ageMin: v ?? undefined })} placeholder={t('最小', 'from')} style={{ width: '50%' }} />
                <InputNumber min={0} max={150} value={f.ageMax} onChange={(v) => set({ ageMax: v ?? undefined })} placeholder={t('最大', 'to')} style={{ width: '50%' }} />
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col xs={12} md={6} lg={2}>
            <Form.Item label={t('待维护', 'Overdue')} style={{ marginBottom: 8 }}>
              <Switch checked={f.stale} onChange={(v) => set({ stale: v })} data-testid="filter-stale" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6} lg={2}>
            <Form.Item label={t('含已迁出', 'Incl. departed')} style={{ marginBottom: 8 }}>
              <Switch checked={f.status.length > 0} onChange={(v) => set({ status: v ? ['active', 'moved_out', 'deceased'] : [] })} />
            </Form.Item>
          </Col>
        </Row>
        {filtersActive ? (
          <Button size="small" onClick={() => setParams(new URLSearchParams(f.q ? { q: f.q } : {}), { replace: true })}>
            {t('清除筛选', 'Clear filters')}
          </Button>
        ) : null}
      </Form>
    </Card>
  );

  const columns = [
    {
      key: 'name',
      title: t('姓名', 'Name'),
      render: (_: unknown, r: ResidentOut) => (
        <a onClick={() => navigate(`/residents/${r.id}`)} data-testid={`resident-${r.id}`}>
          {r.name ? <UserText>{r.name}</UserText> : `#${r.id}`}
        </a>
      ),
      fixed: 'left' as const,
    },
    { key: 'sex', title: t('性别', 'Sex'), render: (_: unknown, r: ResidentOut) => text('resident', 'sex', r.sex) },
    { key: 'age', title: t('年龄', 'Age'), dataIndex: 'age', align: 'right' as const },
    { key: 'idNumber', title: t('证件号码', 'ID number'), render: (_: unknown, r: ResidentOut) => <span className="qc-masked">{r.idNumber ?? '—'}</span> },
    { key: 'phone', title: t('联系电话', 'Phone'), render: (_: unknown, r: ResidentOut) => <span className="qc-masked">{r.phone ?? '—'}</span> },
    { key: 'labels', title: t('标签', 'Labels'), render: (_: unknown, r: ResidentOut) => labelTags(r) },
    { key: 'category', title: t('人口类型', 'Category'), render: (_: unknown, r: ResidentOut) => text('resident', 'residenceStatus', r.residenceStatus) },
    { key: 'address', title: t('现住址', 'Address'), ellipsis: { showTitle: false }, render: (_: unknown, r: ResidentOut) => <UserText title={r.address ? String(r.address) : undefined}>{r.address ? String(r.address) : null}</UserText> },
    { key: 'grid', title: tt('level_grid'), render: (_: unknown, r: ResidentOut) => <UserText>{r.gridName ? String(r.gridName) : null}</UserText> },
    { key: 'status', title: tt('status'), render: (_: unknown, r: ResidentOut) => (r.status === 'active' ? <Badge status="success" text={text('resident', 'status', r.status)} /> : <Badge status="default" text={text('resident', 'status', r.status)} />) },
  ];

  return (
    <div>
      <PageHeader
        title={tt('kind_resident')}
        subtitle={
          <>
            <UserText>{place?.name}</UserText>
            {data ? t(' · 共 {n} 人', ' · {n} people', { n: totalText }) : ''}
          </>
        }
        extra={
          can('registry:write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/residents/new')} data-testid="resident-new">
              {t('登记居民', 'Register a resident')}
            </Button>
          ) : null
        }
      />
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Input.Search
          key={f.q || 'number'}
          defaultValue={numberQ || f.q}
          placeholder={t('姓名、身份证号或电话（可只输后四位）', 'Name, ID number or phone (or its last four)')}
          allowClear
          enterButton={<SearchOutlined />}
          onSearch={onSearch}
          style={{ maxWidth: 420 }}
          data-testid="resident-search"
        />
        <Badge count={filtersActive} size="small">
          <Button icon={<FilterOutlined />} onClick={() => setShowFilters(!showFilters)} type={showFilters ? 'default' : 'dashed'}>
            {mobile ? null : t('筛选', 'Filters')}
          </Button>
        </Badge>
      </Flex>
      {showFilters ? filters : null}
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      {mobile ? (
        <Flex vertical gap={8} data-testid="resident-cards">
          {(data?.items ?? []).map((r) => (
            <div key={r.id} className="qc-todo-item" onClick={() => navigate(`/residents/${r.id}`)} data-testid={`resident-${r.id}`}>
              <div className="qc-todo-main">
                <div className="qc-todo-title">
                  <UserText>{r.name}</UserText> <Typography.Text type="secondary" style={{ fontWeight: 400, fontSize: 13 }}>{text('resident', 'sex', r.sex)} · {r.age ?? '—'}{t('岁', '')}</Typography.Text>
                </div>
                <div className="qc-todo-sub">
                  <UserText>{[r.address, r.gridName].filter(Boolean).join(' · ')}</UserText>
                </div>
                <div style={{ marginTop: 4 }}>{labelTags(r)}</div>
              </div>
              <span className="qc-masked" style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{r.phone ?? ''}</span>
            </div>
          ))}
          {data && !data.items.length ? <Empty description={t('没有符合条件的居民', 'No resident matches')} /> : null}
          {data && data.total > PAGE ? <Pagination simple current={f.page} pageSize={PAGE} total={data.total} onChange={(p) => set({ page: p })} style={{ alignSelf: 'center', marginTop: 8 }} /> : null}
        </Flex>
      ) : (
        <Table<ResidentOut>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('没有符合条件的居民', 'No resident matches')} /> }}
          pagination={{ current: f.page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false, showTotal: () => t('共 {n} 人', '{n} people', { n: totalText }), onChange: (p) => set({ page: p }) }}
          onRow={(r) => ({ onDoubleClick: () => navigate(`/residents/${r.id}`) })}
          data-testid="resident-table"
        />
      )}
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
        {t('证件号码和电话默认遮蔽；在居民档案中可说明事由后查看完整号码。本列表的每次查看都记入审计日志。', 'ID numbers and phones are masked; open a resident’s card to show one in full with a reason. Every view of this list is logged.')}
      </Typography.Paragraph>
    </div>
  );
}
