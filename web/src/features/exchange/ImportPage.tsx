// 导入: the import wizard. Upload a sheet (xlsx, or CSV in UTF-8 or GBK) into a community, check
// the header row and the column mapping the server proposes (or the one remembered for this
// sheet layout), start, follow the progress, and read the outcome: counts, the rows refused with
// their reasons, and the Excel error report to correct and upload again. The URL carries the
// import, so a reload (or a colleague with the link) lands on the same step.
import { CloudUploadOutlined, DownloadOutlined, FileExcelOutlined, HistoryOutlined, InboxOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, Form, InputNumber, Modal, Popconfirm, Progress, Result, Row, Select, Space, Statistic, Steps, Switch, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import type { UploadChangeParam, UploadFile } from 'antd/es/upload';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, withQuery } from '../../api/client';
import { call as callApi } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { toApiError, useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { nodeView } from '../../shell/tree';
import { columnLetter, kindNames, recordKindsInOrder, runningStates, type ColumnMapping, type ImportIssue, type ImportView, type PlacePlan, type RecordKind, type Target } from './types';
import { ServerText, UserText } from '../../components/UserText';

const POLL_MS = 1000;

function stepOf(v: ImportView | undefined): number {
  if (!v) return 0;
  if (v.status === 'uploaded') return 1;
  if (runningStates.has(v.status)) return 2;
  return 3;
}

export default function ImportPage() {
  const { id } = useParams();
  const importId = id ? Number(id) : null;
  const { t } = useI18n();
  const navigate = useNavigate();
  const { data, error, reload, setData } = useApi((signal) => (importId ? callApi.get('/api/imports/{id}', { path: { id: importId }, signal }) : Promise.resolve(undefined)), [importId]);
  const view = importId ? data : undefined;

  // Follow a running import: poll until it settles.
  useEffect(() => {
    if (!view || !runningStates.has(view.status)) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [view, reload]);

  const step = stepOf(view);
  return (
    <div data-testid="import-page">
      <PageHeader
        title={t('导入数据', 'Import a sheet')}
        subtitle={t('上传社区已有的 Excel 或 CSV 台账，逐行校验后导入；同一文件重复导入不会重复登记。', 'Upload the Excel or CSV register the community keeps; every row is checked; importing the same file again changes nothing.')}
        extra={
          <Button icon={<HistoryOutlined />} onClick={() => navigate('/exchange/imports')} data-testid="import-history-link">
            {t('导入记录', 'Past imports')}
          </Button>
        }
      />
      <Steps
        current={step}
        size="small"
        style={{ margin: '8px 0 16px' }}
        items={[{ title: t('上传文件', 'Upload') }, { title: t('核对列', 'Check columns') }, { title: t('导入', 'Import') }, { title: t('结果', 'Outcome') }]}
        responsive
      />
      {error ? <ErrorAlert error={error} onRetry={reload} /> : null}
      {!importId ? <UploadStep onUploaded={(v) => navigate(`/exchange/imports/${v.id}`)} /> : null}
      {view && step === 1 ? <MappingStep view={view} onChange={setData} /> : null}
      {view && step === 2 ? <ProgressStep view={view} onChange={setData} /> : null}
      {view && step === 3 ? <SummaryStep view={view} /> : null}
    </div>
  );
}

// ---- step 1: upload ------------------------------------------------------------------------

function UploadStep({ onUploaded }: { onUploaded(v: ImportView): void }) {
  const { t, lang } = useI18n();
  const { place } = usePlace();
  const [kind, setKind] = useState<RecordKind>('resident');
  const [nodeId, setNodeId] = useState<number | null>(place && (place.level === 'community' || place.level === 'grid') ? place.id : null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [files, setFiles] = useState<UploadFile[]>([]);

  const onChange = (info: UploadChangeParam) => {
    setFiles(info.fileList.slice(-1));
    const f = info.file;
    if (f.status === 'uploading') setFailure(null);
    if (f.status === 'done') onUploaded(f.response as ImportView);
    if (f.status === 'error') {
      const body = f.response as { error?: { code: string; message: string; field?: string; requestId?: string } } | undefined;
      const e = body?.error;
      setFailure(e ? new ApiError(f.error?.status ?? 400, e.code, e.message, e.field, undefined, e.requestId) : new ApiError(0, 'NETWORK', t('上传失败，请检查网络后重试', 'The upload failed; check the network and try again')));
    }
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={15}>
        <Card title={t('选择文件', 'Choose the file')} size="small">
          <Form layout="vertical">
            <Row gutter={12}>
              <Col xs={24} sm={10}>
                <Form.Item label={t('记录类型', 'Record kind')} required>
                  <Select value={kind} onChange={setKind} options={recordKindsInOrder.map((k) => ({ value: k, label: kindNames[k][lang === 'en' ? 1 : 0] }))} data-testid="import-kind" />
                </Form.Item>
              </Col>
              <Col xs={24} sm={14}>
                <Form.Item label={t('导入到（社区或网格）', 'Into (community or grid)')} required help={t('选择网格时，未填写“所属网格”的行归入该网格', 'With a grid chosen, rows naming no grid go to it')}>
                  <NodePicker value={nodeId} onChange={(v) => setNodeId(v)} levels={['community', 'grid']} placeholder={t('请选择社区', 'Choose a community')} testId="import-node" />
                </Form.Item>
              </Col>
            </Row>
            {nodeId ? (
              <Upload.Dragger
                name="file"
                accept=".xlsx,.csv,.txt"
                multiple={false}
                maxCount={1}
                fileList={files}
                action={withQuery('/api/imports', { kind, nodeId })}
                headers={{ 'accept-language': lang === 'en' ? 'en' : 'zh-CN' }}
                withCredentials
                onChange={onChange}
                data-testid="import-upload"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('点击或把文件拖到这里上传', 'Click or drop the file here')}</p>
                <p className="ant-upload-hint">{t('支持 .xlsx 与 .csv（UTF-8 或 GBK）；旧版 .xls 请先另存为 .xlsx', '.xlsx and .csv (UTF-8 or GBK); save legacy .xls files as .xlsx first')}</p>
              </Upload.Dragger>
            ) : (
              <Alert type="info" showIcon title={t('请先选择要导入到哪个社区', 'First choose the community to import into')} />
            )}
          </Form>
          {failure ? <ErrorAlert error={failure} style={{ marginTop: 12 }} /> : null}
        </Card>
      </Col>
      <Col xs={24} lg={9}>
        <Card title={t('导入须知', 'Good to know')} size="small">
          <Typography.Paragraph>{t('表头用中文即可，列的顺序不限；第一次导入时核对一下列的对应关系，下次同样格式的表格会自动对应。', 'Chinese headers in any order are fine; check the mapping the first time and the same layout maps itself next time.')}</Typography.Paragraph>
          <Typography.Paragraph>{t('每一行都会校验：身份证号（含校验位）、手机号、日期、必填项。有问题的行不导入，导入结束后可下载错误报告，改正后重新上传即可；已导入的行不会重复登记。', 'Every row is checked (ID numbers with their check digit, phones, dates, required fields). Rows with problems are left out and listed in an error report to correct and upload again; rows already imported are never entered twice.')}</Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t('身份证号请设为“文本”格式，以免 Excel 把后几位变成 0。', 'Format ID-number columns as text, or Excel turns their last digits into zeros.')}</Typography.Paragraph>
          <Button icon={<FileExcelOutlined />} href={withQuery('/api/imports/blank-sheet', { kind, lang })} data-testid="import-blank-sheet">
            {t('下载{kind}空白模板', 'Blank {kind} sheet', { kind: kindNames[kind][lang === 'en' ? 1 : 0] })}
          </Button>
        </Card>
      </Col>
    </Row>
  );
}

// ---- step 2: the column mapping --------------------------------------------------------------

function MappingStep({ view, onChange }: { view: ImportView; onChange(v: ImportView): void }) {
  const { t, lang } = useI18n();
  const mobile = useMobile();
  const navigate = useNavigate();
  const p = view.preview!;
  const [mapping, setMapping] = useState<ColumnMapping[]>(view.mapping);
  const [defaultGridId, setDefaultGridId] = useState<number | null>(view.defaultGridId);
  const [blankClears, setBlankClears] = useState(false);
  const [remember, setRemember] = useState(true);
  const [headerRow, setHeaderRow] = useState<number>(p.headerRow);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [plan, setPlan] = useState<PlacePlan | null>(null);
  const grids = useApi((signal) => nodeView(view.node.id).then((v) => (signal.aborted ? [] : v.children.filter((c) => c.level === 'grid'))), [view.node.id]);

  useEffect(() => setMapping(view.mapping), [view.mapping]);

  const name = (tg: Target) => (lang === 'en' ? tg.en : tg.zh);
  const byKey = useMemo(() => new Map(view.targets.map((x) => [x.key, x])), [view.targets]);
  const used = new Map<string, number[]>();
  for (const m of mapping) if (m.target) used.set(m.target, [...(used.get(m.target) ?? []), m.index]);
  const duplicates = [...used.entries()].filter(([, cols]) => cols.length > 1);
  const missing = view.targets.filter((x) => x.required && !used.has(x.key));
  const needsGrid = view.kind !== 'facility' && !used.has('@grid') && !defaultGridId;
  const options = [
    { label: t('不导入', 'Not imported'), options: [{ value: '', label: t('（不导入此列）', '(do not import)') }] },
    { label: t('字段', 'Fields'), options: view.targets.filter((x) => x.type === 'field').map((x) => ({ value: x.key, label: `${name(x)}${x.required ? ' *' : ''}` })) },
    { label: t('所属网格、户号、标签等', 'Grid, household, labels …'), options: view.targets.filter((x) => x.type === 'special').map((x) => ({ value: x.key, label: `${name(x)}${x.required ? ' *' : ''}` })) },
    ...(view.targets.some((x) => x.type === 'label') ? [{ label: t('是/否标签列', 'Yes/no label columns'), options: view.targets.filter((x) => x.type === 'label').map((x) => ({ value: x.key, label: name(x) })) }] : []),
  ];

  const call = async (fn: () => Promise<ImportView>) => {
    setBusy(true);
    setFailure(null);
    try {
      onChange(await fn());
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const repreview = (sheet: string | undefined, row: number | undefined) => call(() => callApi.post('/api/imports/{id}/preview', { path: { id: view.id }, body: { sheet, headerRow: row } }));
  const mappingBody = () => mapping.map((m) => ({ index: m.index, target: m.target }));
  const startWith = (createPlaces: boolean) => {
    setPlan(null);
    return call(() => callApi.post('/api/imports/{id}/start', { path: { id: view.id }, body: { mapping: mappingBody(), defaultGridId, blankClears, remember, createPlaces } }));
  };
  // A sheet naming buildings and houses: first see which the community lacks, and ask once.
  const namesPlaces = used.has('@building') && (view.kind === 'house' || view.kind === 'organisation' || used.has('@roomNo'));
  const start = async () => {
    if (!namesPlaces) return startWith(false);
    setBusy(true);
    setFailure(null);
    try {
      const p = await callApi.post('/api/imports/{id}/places', { path: { id: view.id }, body: { mapping: mappingBody(), defaultGridId } });
      setBusy(false);
      if (p.applies && (p.newBuildings || p.newHouses || p.ambiguous)) setPlan(p);
      else await startWith(false);
    } catch (err) {
      setFailure(toApiError(err));
      setBusy(false);
    }
  };
  const remembered = p.defaultGridSource === 'template' || p.defaultGridSource === 'last' ? view.defaultGridId : null;

  const columns = [
    { key: 'col', title: t('列', 'Col.'), width: 52, render: (_: unknown, m: ColumnMapping) => <Typography.Text type="secondary">{columnLetter(m.index)}</Typography.Text> },
    { key: 'header', title: t('表头', 'Header'), render: (_: unknown, m: ColumnMapping) => (m.header ? <UserText>{m.header}</UserText> : null) || <Typography.Text type="secondary">{t('（空）', '(blank)')}</Typography.Text> },
    {
      key: 'samples',
      title: t('前几行内容', 'First rows'),
      responsive: ['md' as const],
      render: (_: unknown, m: ColumnMapping) => (
        <Typography.Text type="secondary" ellipsis style={{ maxWidth: 280 }}>
          {(p.headers[m.index]?.samples ?? []).filter(Boolean).length ? <UserText>{(p.headers[m.index]?.samples ?? []).filter(Boolean).slice(0, 3).join(lang === 'en' ? '; ' : '；')}</UserText> : '—'}
        </Typography.Text>
      ),
    },
    {
      key: 'target',
      title: t('导入为', 'Import as'),
      width: mobile ? 170 : 240,
      render: (_: unknown, m: ColumnMapping) => {
        const dup = m.target ? (used.get(m.target)?.length ?? 0) > 1 : false;
        return (
          <Select
            size="small"
            showSearch
            optionFilterProp="label"
            style={{ width: '100%' }}
            status={dup ? 'error' : undefined}
            value={m.target ?? ''}
            options={options}
            onChange={(v: string) => setMapping((old) => old.map((x) => (x.index === m.index ? { ...x, target: v || null } : x)))}
            data-testid={`map-${m.index}`}
          />
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="mapping-step">
      <Card size="small">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 4 }}
          items={[
            { key: 'file', label: t('文件', 'File'), children: view.fileName },
            { key: 'kind', label: t('记录类型', 'Kind'), children: kindNames[view.kind][lang === 'en' ? 1 : 0] },
            { key: 'node', label: t('导入到', 'Into'), children: <UserText>{view.node.name}</UserText> },
            { key: 'rows', label: t('数据行', 'Rows'), children: t('约 {n} 行', 'about {n}', { n: p.totalRows }) },
            { key: 'format', label: t('格式', 'Format'), children: view.format === 'csv' ? `CSV${t('（{e}）', ' ({e})', { e: view.encoding === 'gb18030' ? 'GBK' : (view.encoding ?? '').toUpperCase() })}` : 'Excel (.xlsx)' },
          ]}
        />
        <Flex gap={12} wrap align="center" style={{ marginTop: 8 }}>
          {p.sheets.length > 1 ? (
            <Space>
              <span>{t('工作表', 'Sheet')}</span>
              <Select size="small" value={p.sheet ?? undefined} style={{ minWidth: 160 }} onChange={(s: string) => repreview(s, undefined)} options={p.sheets.map((s) => ({ value: s.name, label: `${s.name}${s.hidden ? t('（隐藏）', ' (hidden)') : ''}（${s.rows}）` }))} data-testid="import-sheet" />
            </Space>
          ) : null}
          <Space>
            <span>{t('表头在第', 'Header on row')}</span>
            <InputNumber size="small" min={1} max={1000} value={headerRow} onChange={(v) => setHeaderRow(v ?? 1)} style={{ width: 72 }} />
            <span>{t('行', '')}</span>
            <Button size="small" icon={<ReloadOutlined />} disabled={headerRow === p.headerRow} onClick={() => repreview(p.sheet ?? undefined, headerRow)}>
              {t('重新识别', 'Read again')}
            </Button>
          </Space>
          {p.mappingSource === 'template' ? <Tag color="green">{t('已按上次的对应关系自动填写', 'Filled in from the mapping remembered for this layout')}</Tag> : <Tag color="blue">{t('按表头名称自动对应，请核对', 'Matched by header names; please check')}</Tag>}
        </Flex>
      </Card>
      {missing.length ? <Alert type="warning" showIcon title={t('还缺少必填列：{cols}', 'Required columns missing: {cols}', { cols: missing.map(name).join('、') })} description={t('请为这些字段选择对应的列；表格里没有的话，需要先在表格中补上。', 'Choose a column for each; if the sheet lacks them, add them to the sheet first.')} data-testid="mapping-missing" /> : null}
      {duplicates.length ? <Alert type="error" showIcon title={duplicates.map(([k, cols]) => t('“{f}”同时对应了 {cols} 列', '"{f}" is mapped from columns {cols}', { f: byKey.get(k) ? name(byKey.get(k)!) : k, cols: cols.map(columnLetter).join('、') })).join('；')} /> : null}
      <Card size="small" title={t('列的对应关系', 'Columns')} styles={{ body: { padding: 0 } }}>
        <Table rowKey="index" size="small" pagination={false} columns={columns} dataSource={mapping} scroll={{ x: true }} data-testid="mapping-table" />
      </Card>
      <Card size="small">
        <Form layout={mobile ? 'vertical' : 'inline'}>
          {view.kind !== 'facility' ? (
            <Form.Item label={t('默认网格', 'Default grid')} required={!used.has('@grid')} help={used.has('@grid') ? t('“所属网格”为空的行归入此网格', 'For rows with an empty grid cell') : t('表格中没有“所属网格”列，所有行都归入此网格', 'The sheet has no grid column: every row goes here')}>
              <Space wrap>
                <Select allowClear value={defaultGridId ?? undefined} onChange={(v) => setDefaultGridId(v ?? null)} style={{ minWidth: 200 }} placeholder={t('选择网格', 'Choose a grid')} options={(grids.data ?? []).map((g) => ({ value: g.id, label: g.name }))} data-testid="import-default-grid" status={needsGrid ? 'error' : undefined} />
                {remembered && remembered === defaultGridId ? <Tag color="green" data-testid="default-grid-remembered">{t('已按上次的选择', 'As chosen last time')}</Tag> : null}
              </Space>
            </Form.Item>
          ) : null}
          <Form.Item label={t('空白单元格清空原值', 'Blank cells erase')} tooltip={t('默认空白单元格不改动系统中已有的值；打开后，空白会把已有值清空。', 'By default an empty cell leaves the stored value alone; turn on to erase it.')}>
            <Switch checked={blankClears} onChange={setBlankClears} />
          </Form.Item>
          <Form.Item label={t('记住此对应关系', 'Remember this mapping')}>
            <Switch checked={remember} onChange={setRemember} />
          </Form.Item>
        </Form>
      </Card>
      {failure ? <ErrorAlert error={failure} /> : null}
      {plan ? <PlacesModal plan={plan} community={view.node.name} kind={view.kind} busy={busy} onCancel={() => setPlan(null)} onChoose={startWith} /> : null}
      <Flex gap={8} justify="flex-end" wrap>
        <Popconfirm title={t('放弃这次导入？上传的文件会被删除。', 'Drop this import? The uploaded file is deleted.')} onConfirm={() => call(() => callApi.post('/api/imports/{id}/cancel', { path: { id: view.id }, body: undefined })).then(() => navigate('/exchange/import'))}>
          <Button disabled={busy}>{t('放弃', 'Drop')}</Button>
        </Popconfirm>
        <Tooltip title={missing.length ? t('还缺少必填列', 'Required columns are missing') : needsGrid ? t('请选择默认网格', 'Choose a default grid') : undefined}>
          <Button type="primary" icon={<CloudUploadOutlined />} loading={busy} disabled={missing.length > 0 || duplicates.length > 0 || needsGrid} onClick={start} data-testid="import-start">
            {t('开始导入', 'Start the import')}
          </Button>
        </Tooltip>
      </Flex>
    </Space>
  );
}

/**
 * The buildings and houses a sheet names that the community has not registered: listed once,
 * before the import, with the choice to create them in the chosen grid. Buildings whose name
 * several share cannot be created; their rows need a 楼栋地址 column.
 */
function PlacesModal({ plan, community, kind, busy, onCancel, onChoose }: { plan: PlacePlan; community: string; kind: RecordKind; busy: boolean; onCancel(): void; onChoose(create: boolean): void }) {
  const { t } = useI18n();
  const houses = kind === 'resident' || kind === 'household';
  const shown = plan.buildings.filter((b) => b.status !== 'exists' || b.newHouses.length);
  const what = houses
    ? t('{b} 栋楼、{h} 套房屋在{c}尚未登记', '{b} buildings and {h} houses are not registered in {c}', { b: plan.newBuildings, h: plan.newHouses, c: community })
    : t('{b} 栋楼在{c}尚未登记', '{b} buildings are not registered in {c}', { b: plan.newBuildings, c: community });
  const creatable = plan.newBuildings + plan.newHouses > 0;
  return (
    <Modal
      open
      width={720}
      title={t('表中有尚未登记的楼栋和房屋', 'The sheet names places not registered yet')}
      onCancel={onCancel}
      footer={[
        <Button key="back" onClick={onCancel} disabled={busy}>
          {t('返回修改', 'Back')}
        </Button>,
        <Button key="skip" onClick={() => onChoose(false)} disabled={busy} data-testid="places-skip">
          {t('不新建，只导入其他行', 'Do not create; import the other rows')}
        </Button>,
        creatable ? (
          <Button key="create" type="primary" loading={busy} onClick={() => onChoose(true)} data-testid="places-create">
            {t('新建并导入', 'Create them and import')}
          </Button>
        ) : null,
      ]}
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="places-modal">
        {creatable ? (
          <Alert
            type="info"
            showIcon
            title={what}
            description={t('选择“新建并导入”，这些楼栋和房屋会建在{g}（表中填了所属网格的行建在该网格），再导入居民。楼栋地址取表中的“楼栋地址”，没有时记为“{c}+楼栋名”，之后可在楼栋列表中修改。', 'With "Create them and import", they are created in {g} (rows naming a grid use theirs), then the rows are imported. A building takes the sheet’s building address, or "{c} + its name" until you correct it in the building list.', { g: plan.grid?.name ?? t('默认网格', 'the default grid'), c: community })}
          />
        ) : null}
        {plan.ambiguous ? (
          <Alert type="warning" showIcon title={t('{n} 个楼栋名称有多栋同名楼，无法确定是哪一栋', '{n} building names are shared by several buildings', { n: plan.ambiguous })} description={t('请在表中增加“楼栋地址”列（按系统中登记的地址填写）后重新上传；这些行这次不会导入。', 'Add a 楼栋地址 (building address) column as registered and upload again; these rows are not imported this time.')} />
        ) : null}
        <Table
          size="small"
          rowKey={(b) => `${b.name}|${b.address ?? ''}`}
          pagination={shown.length > 8 ? { pageSize: 8, size: 'small' } : false}
          dataSource={shown}
          data-testid="places-table"
          columns={[
            { key: 'name', title: t('楼栋', 'Building'), render: (_, b) => <>{b.name}{b.address ? <Typography.Text type="secondary">（{b.address}）</Typography.Text> : null}</> },
            {
              key: 'status',
              title: t('情况', 'State'),
              render: (_, b) =>
                b.status === 'new' ? <Tag color="blue">{t('新建', 'new')}</Tag> : b.status === 'exists' ? <Tag>{t('已登记', 'registered')}</Tag> : <Tag color="red">{t('{n} 栋同名', '{n} share this name', { n: b.namesakes })}</Tag>,
            },
            ...(houses
              ? [{
                  key: 'houses',
                  title: t('新建房屋', 'New houses'),
                  render: (_: unknown, b: PlacePlan['buildings'][number]) => (
                    <Tooltip title={b.newHouses.slice(0, 40).map((h) => `${h.unitNo ? `${h.unitNo}单元` : ''}${h.roomNo}`).join('、')}>
                      <span>{b.status === 'ambiguous' ? '—' : t('{n} 套', '{n}', { n: b.newHouses.length })}</span>
                    </Tooltip>
                  ),
                }]
              : []),
            { key: 'grid', title: t('建在', 'In'), render: (_, b) => (b.status === 'new' ? b.grid?.name : '—') },
            { key: 'rows', title: t('涉及行数', 'Rows'), dataIndex: 'rows' },
          ]}
        />
      </Space>
    </Modal>
  );
}

// ---- step 3: progress ----------------------------------------------------------------------

function ProgressStep({ view, onChange }: { view: ImportView; onChange(v: ImportView): void }) {
  const { t } = useI18n();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const c = view.counts;
  const total = Math.max(view.totalRows, view.processedRows);
  return (
    <Card data-testid="progress-step">
      <Flex vertical align="center" gap={12} style={{ padding: '24px 0' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {view.status === 'queued' ? t('排队中，马上开始…', 'Queued, starting shortly…') : view.status === 'cancelling' ? t('正在取消，当前这一批写完后停止…', 'Cancelling after the batch in hand…') : t('正在导入“{f}”', 'Importing "{f}"', { f: view.fileName })}
        </Typography.Title>
        <Progress type="circle" percent={Math.floor(view.progress * 100)} status={view.status === 'cancelling' ? 'exception' : 'active'} data-testid="import-progress" />
        <Typography.Text type="secondary">{t('已处理 {done} / {total} 行', '{done} of {total} rows done', { done: view.processedRows, total })}</Typography.Text>
        <Space size={24} wrap style={{ justifyContent: 'center' }}>
          <Statistic title={t('新增', 'Created')} value={c.created} />
          <Statistic title={t('更新', 'Updated')} value={c.updated} />
          <Statistic title={t('无变化', 'Unchanged')} value={c.unchanged} />
          <Statistic title={t('未导入', 'Refused')} value={c.failed} styles={c.failed ? { content: { color: '#cf1322' } } : undefined} />
        </Space>
        <Typography.Text type="secondary">{t('可以离开此页面，导入会在后台继续；稍后在“导入记录”中查看结果。', 'You may leave this page: the import goes on in the background; see the outcome under Past imports.')}</Typography.Text>
        {failure ? <ErrorAlert error={failure} /> : null}
        {view.status !== 'cancelling' ? (
          <Popconfirm title={t('取消导入？已写入的批次会保留。', 'Cancel? Batches already written stay.')} onConfirm={() => callApi.post('/api/imports/{id}/cancel', { path: { id: view.id }, body: undefined }).then(onChange, (e) => setFailure(toApiError(e)))}>
            <Button icon={<StopOutlined />} danger data-testid="import-cancel">
              {t('取消导入', 'Cancel')}
            </Button>
          </Popconfirm>
        ) : null}
      </Flex>
    </Card>
  );
}

// ---- step 4: outcome -----------------------------------------------------------------------

function SummaryStep({ view }: { view: ImportView }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const PAGE = 20;
  const issues = useApi((signal) => (view.issueCount ? callApi.get('/api/imports/{id}/issues', { path: { id: view.id }, query: { limit: PAGE, offset: (page - 1) * PAGE }, signal }) : Promise.resolve({ items: [], total: 0 })), [view.id, page, view.issueCount]);
  const c = view.counts;
  const status = view.status === 'failed' ? 'error' : view.status === 'cancelled' ? 'warning' : c.failed ? 'warning' : 'success';
  const title =
    view.status === 'failed'
      ? t('导入失败', 'The import failed')
      : view.status === 'cancelled'
        ? t('导入已取消', 'The import was cancelled')
        : c.failed
          ? t('导入完成，{n} 行未导入', 'Done; {n} rows were not imported', { n: c.failed })
          : t('导入完成', 'Import done');
  const listPath = view.kind === 'resident' ? '/residents' : `/records/${view.kind}`;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="summary-step">
      <Card>
        <Result
          status={status}
          title={<span data-testid="import-outcome">{title}</span>}
          subTitle={view.error ? <ServerText text={view.error.message} lang={lang} /> : <><UserText>{view.fileName}</UserText> · {kindNames[view.kind][lang === 'en' ? 1 : 0]} · <UserText>{view.node.name}</UserText></>}
          extra={[
            view.issueCount ? (
              <Button key="report" type="primary" icon={<DownloadOutlined />} href={withQuery(`/api/imports/${view.id}/report`, { lang })} data-testid="import-report">
                {t('下载错误报告（Excel）', 'Error report (Excel)')}
              </Button>
            ) : null,
            <Button key="again" icon={<CloudUploadOutlined />} onClick={() => navigate('/exchange/import')}>
              {t('再导入一个文件', 'Import another file')}
            </Button>,
            can('registry:read') ? (
              <Link key="list" to={listPath}>
                <Button>{t('查看{kind}', 'Open {kind}', { kind: kindNames[view.kind][lang === 'en' ? 1 : 0] })}</Button>
              </Link>
            ) : null,
          ]}
        />
        {c.buildingsCreated || c.housesCreated ? (
          <Alert style={{ marginBottom: 12 }} type="success" showIcon data-testid="places-created" title={t('按表新建了 {b} 栋楼、{h} 套房屋', 'Created {b} buildings and {h} houses the sheet named', { b: c.buildingsCreated ?? 0, h: c.housesCreated ?? 0 })} />
        ) : null}
        {c.proposed ? (
          <Alert
            style={{ marginBottom: 12 }}
            type="info"
            showIcon
            data-testid="proposals-made"
            title={t('{n} 个由部门维护的标签（低保、退役军人、残疾人等）已提交相应部门确认，确认后生效', '{n} labels kept by departments (低保, veterans, disability …) were proposed to them; they apply once confirmed', { n: c.proposed })}
            action={<Link to="/label-proposals"><Button size="small">{t('查看提议', 'See proposals')}</Button></Link>}
          />
        ) : null}
        <Row gutter={[16, 16]} justify="center">
          {(
            [
              ['created', t('新增', 'Created'), c.created, undefined],
              ['updated', t('更新', 'Updated'), c.updated, undefined],
              ['unchanged', t('无变化', 'Unchanged'), c.unchanged, undefined],
              ['failed', t('未导入', 'Refused'), c.failed, '#cf1322'],
              ['warned', t('有提示', 'With notes'), c.warned, '#d48806'],
              ['blank', t('空行', 'Blank rows'), c.blank, undefined],
            ] as const
          ).map(([k, label, value, color]) => (
            <Col key={k} xs={8} sm={4}>
              <Statistic title={label} value={value} styles={color && value ? { content: { color } } : undefined} data-testid={`count-${k}`} />
            </Col>
          ))}
        </Row>
      </Card>
      {view.issueCount ? (
        <Card size="small" title={t('有问题的行', 'Rows with problems')} styles={{ body: { padding: 0 } }}>
          {issues.error ? <ErrorAlert error={issues.error} onRetry={issues.reload} /> : null}
          <Table
            rowKey="rowNo"
            size="small"
            loading={issues.loading}
            dataSource={issues.data?.items ?? []}
            scroll={{ x: true }}
            data-testid="issue-table"
            pagination={{ current: page, pageSize: PAGE, total: issues.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
            columns={[
              { key: 'row', title: t('行号', 'Row'), width: 64, dataIndex: 'rowNo' },
              { key: 'sev', title: t('结果', 'Outcome'), width: 96, render: (_: unknown, r: ImportIssue) => (r.severity === 'error' ? <Tag color="red">{t('未导入', 'Refused')}</Tag> : <Tag color="orange">{t('已导入，有提示', 'In, with notes')}</Tag>) },
              {
                key: 'why',
                title: t('问题', 'Problem'),
                render: (_: unknown, r: ImportIssue) => (
                  <ul className="qc-issue-list" style={{ margin: 0, paddingLeft: 16 }}>
                    {r.reasons.map((x, i) => (
                      <li key={i}>
                        {r.severity === 'error' && x.severity === 'warning' ? <Tag color="orange" style={{ marginInlineEnd: 4 }}>{t('提示', 'note')}</Tag> : null}
                        {x.column ? <Typography.Text strong>{x.column}：</Typography.Text> : null}
                        {x.message}
                      </li>
                    ))}
                  </ul>
                ),
              },
              { key: 'cells', title: t('原内容', 'As uploaded'), responsive: ['lg' as const], render: (_: unknown, r: ImportIssue) => <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360 }}>{r.cells.filter(Boolean).join(' | ')}</Typography.Text> },
            ]}
            locale={{ emptyText: <Empty description={t('没有问题行', 'No rows with problems')} /> }}
          />
        </Card>
      ) : null}
    </Space>
  );
}
