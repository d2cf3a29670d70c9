// One template version: what it asks for (sources, rows, columns in words, manual items), how much
// base data answers and what it overlaps, its review, its versions, the SQL it compiles to, the
// department's own Excel form; and the actions its state allows (edit, file, review, version,
// retire, send down now, upload a form).
import { CheckOutlined, CloseOutlined, CodeOutlined, MergeCellsOutlined, SendOutlined, StopOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Collapse, Descriptions, Flex, Input, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert, ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useDepartments } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { cadenceNames, statusNames, type FormInfo, type FormMapping, type Template, type TemplateCheck } from './api';
import { CheckPanel, CoverageCard, OverlapList } from './CheckPanel';
import { describeFilter, describeGrouping, describeMeasure, sourceOf } from './describe';
import { UserText } from '../../components/UserText';
import { bi, columnHeading, filingText, templateDepartment, templateTitle } from './texts';

const manualTypeNames: Record<string, [string, string]> = { integer: ['整数', 'whole number'], number: ['数字', 'number'], text: ['文字', 'text'], date: ['日期', 'date'], choice: ['选择', 'choice'] };

export default function TemplateDetailPage() {
  const { id } = useParams();
  const tid = Number(id);
  const { t, lang, pick, list } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const tpl = useApi((signal) => call.get('/api/reports/templates/{id}', { path: { id: tid }, signal }), [tid]);
  const departments = useDepartments();
  const deptName = (code: string) => departments?.find((d) => d.code === code)?.shortName ?? code;
  const cat = useApi((signal) => call.get('/api/reports/sources', { signal }), []);
  const history = useApi((signal) => call.get('/api/reports/templates/{id}/history', { path: { id: tid }, signal }), [tid]);
  const approved = useApi((signal) => (can('reports:review') ? call.get('/api/reports/templates', { query: { status: ['approved'] }, signal }) : Promise.resolve([])), []);
  const [sqlText, setSqlText] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [mergeInto, setMergeInto] = useState<string | undefined>();
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [check, setCheck] = useState<TemplateCheck | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [form, setForm] = useState<FormInfo | null>(null);
  const [mappingText, setMappingText] = useState('');

  if (tpl.error) return <ErrorPage error={tpl.error} onRetry={tpl.reload} />;
  const x = tpl.data;
  const L = (p: readonly string[] | undefined) => (p ? (lang === 'en' ? p[1] : p[0]) : '');
  const own = !!x && x.departmentId !== null && x.departmentId === me?.user.departmentId && can('reports:draft');
  const reviewer = can('reports:review');

  const act = async (key: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(key);
    setActionError(null);
    try {
      await fn();
      message.success(done);
      tpl.reload();
      history.reload();
    } catch (err) {
      setActionError(err as ApiError);
    } finally {
      setBusy(null);
    }
  };
  const submit = () =>
    act(
      'submit',
      async () => {
        const r = await call.post('/api/reports/templates/{id}/submit', { path: { id: tid } });
        setCheck(r.check);
      },
      t('已提交备案，等待审核', 'Filed for review'),
    );
  const review = (decision: 'approve' | 'reject' | 'merge') =>
    act(decision, () => call.post('/api/reports/templates/{id}/review', { path: { id: tid }, body: { decision, note: note || undefined, mergeInto: decision === 'merge' ? mergeInto : undefined } }), decision === 'approve' ? t('已批准并下发', 'Approved and sent down') : decision === 'reject' ? t('已退回', 'Rejected') : t('已合并', 'Merged'));
  const retire = () => {
    let reason = '';
    Modal.confirm({
      title: t('停用这张报表？', 'Retire this report?'),
      content: <Input.TextArea placeholder={t('停用理由（必填）', 'Reason (required)')} onChange={(e) => (reason = e.target.value)} />,
      okText: t('停用', 'Retire'),
      onOk: () => act('retire', () => call.post('/api/reports/templates/{id}/retire', { path: { id: tid }, body: { reason } }), t('已停用，未报的任务已取消', 'Retired; open due reports cancelled')),
    });
  };
  const loadForm = async () => {
    try {
      const f = await call.get('/api/reports/templates/{id}/form', { path: { id: tid } });
      setForm(f);
      setMappingText(JSON.stringify(f.mapping, null, 2));
    } catch (err) {
      if ((err as ApiError).code !== 'REPORT_NO_FORM') setActionError(err as ApiError);
      else setForm(null);
    }
  };

  const def = x?.definition;
  return (
    <div>
      <PageHeader
        title={x ? templateTitle(lang, x) : ''}
        tags={x ? <Badge status={(statusNames[x.status]?.[2] ?? 'default') as 'success'} text={`${L(statusNames[x.status])} · v${x.version}`} /> : null}
        subtitle={
          x ? (
            <>
              {templateDepartment(lang, x.departmentName, x.en)} · {L(cadenceNames[x.cadence])} · {t('备案号', 'filing number')} <span data-testid="filing-number">{filingText(lang, x.filing)}</span>
            </>
          ) : undefined
        }
        extra={
          x ? (
            <Space wrap>
              {own && (x.status === 'draft' || x.status === 'rejected') ? (
                <>
                  <Button onClick={() => navigate(`/reports/templates/${tid}/edit`)}>{t('编辑', 'Edit')}</Button>
                  <Button type="primary" icon={<SendOutlined />} loading={busy === 'submit'} onClick={submit} data-testid="file-template">
                    {t('提交备案', 'File for review')}
                  </Button>
                </>
              ) : null}
              {(own || (reviewer && x.builtin)) && x.status === 'approved' ? (
                <Button onClick={() => act('version', async () => { const v = await call.post('/api/reports/templates/{id}/versions', { path: { id: tid } }); navigate(`/reports/templates/${v.id}/edit`); }, t('已建新版本草稿', 'New draft version'))}>{t('修订（新版本）', 'Revise (new version)')}</Button>
              ) : null}
              {(own || reviewer) && x.status === 'approved' ? (
                <>
                  <Button icon={<SendOutlined />} loading={busy === 'issue'} onClick={() => act('issue', () => call.post('/api/reports/templates/{id}/issue', { path: { id: tid }, body: {} }), t('已下发', 'Sent down'))}>
                    {t('立即下发', 'Send down now')}
                  </Button>
                  <Button danger icon={<StopOutlined />} onClick={retire}>
                    {t('停用', 'Retire')}
                  </Button>
                </>
              ) : null}
            </Space>
          ) : null
        }
      />
      <ErrorAlert error={actionError} style={{ marginBottom: 12 }} />
      {check ? <div style={{ marginBottom: 12 }}><CheckPanel check={check} /></div> : null}
      {x && def ? (
        <Flex vertical gap={16}>
          {x.status === 'submitted' && reviewer ? (
            <Card title={t('审核', 'Review')} size="small" data-testid="review-panel">
              <Flex vertical gap={12}>
                {x.coverage ? <CoverageCard coverage={x.coverage} /> : null}
                <OverlapList overlaps={x.overlaps ?? []} />
                <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('审核意见（退回、合并时必填）', 'Opinion (required to reject or merge)')} maxLength={1000} autoSize={{ minRows: 2 }} data-testid="review-note" />
                <Flex gap={8} wrap>
                  <Button type="primary" icon={<CheckOutlined />} loading={busy === 'approve'} onClick={() => review('approve')} data-testid="approve">
                    {t('批准并下发', 'Approve and send down')}
                  </Button>
                  <Button danger icon={<CloseOutlined />} loading={busy === 'reject'} onClick={() => review('reject')} data-testid="reject">
                    {t('退回', 'Reject')}
                  </Button>
                  <Select
                    style={{ minWidth: 260 }}
                    placeholder={t('合并到已批准的报表…', 'Merge into an approved report…')}
                    value={mergeInto}
                    onChange={setMergeInto}
                    options={(approved.data ?? []).filter((a) => a.code !== x.code).map((a) => ({ value: a.code, label: a.title }))}
                  />
                  <Button icon={<MergeCellsOutlined />} disabled={!mergeInto} loading={busy === 'merge'} onClick={() => review('merge')}>
                    {t('合并', 'Merge')}
                  </Button>
                </Flex>
              </Flex>
            </Card>
          ) : null}
          {x.reviewNote || x.status === 'rejected' || x.status === 'merged' ? (
            <Alert
              type={x.status === 'rejected' ? 'error' : x.status === 'merged' ? 'warning' : 'info'}
              showIcon
              title={x.status === 'merged' ? t('已合并到 {c}，由该报表统一报送', 'Merged into {c}, which serves your department', { c: x.mergedIntoCode ?? '' }) : t('审核意见', 'Review')}
              description={`${x.reviewNote ?? ''}${x.reviewedByName ? ` —— ${x.reviewedByName}` : ''}`}
            />
          ) : null}
          {x.retiredReason ? <Alert type="warning" showIcon title={t('已停用', 'Retired')} description={x.retiredReason} /> : null}
          <Card size="small" title={t('基本信息', 'About')}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('制表依据', 'Legal basis')}>{bi(lang, x.legalBasis, x.en?.legalBasis)}</Descriptions.Item>
              <Descriptions.Item label={t('用途', 'Purpose')}>{bi(lang, x.purpose, x.en?.purpose)}</Descriptions.Item>
              <Descriptions.Item label={t('报送频次', 'Cadence')}>{L(cadenceNames[x.cadence])}{x.cadence === 'once' ? t('（{a} — {b}）', ' ({a} — {b})', { a: x.onceStart ?? '', b: x.onceEnd ?? '' }) : ''}</Descriptions.Item>
              <Descriptions.Item label={t('截止规则', 'Deadline')}>{t('报告期结束后 {n} 天内', '{n} days after the period ends', { n: x.deadlineDays })}</Descriptions.Item>
              <Descriptions.Item label={t('报送单位', 'Submitted by')}>{x.submitLevel === 'community' ? t('社区（村）', 'communities') : t('街道（乡镇）', 'streets')}</Descriptions.Item>
              <Descriptions.Item label={t('共享部门', 'Serves')}>{x.entitledDepartments.length ? list(x.entitledDepartments.map((d) => <UserText key={d}>{deptName(d)}</UserText>)) : t('（审核、考核部门）', '(oversight only)')}</Descriptions.Item>
              <Descriptions.Item label={t('原手工用时', 'By hand before')}>{t('每次约 {n} 分钟', 'about {n} min per filling', { n: x.handMinutesBefore })}</Descriptions.Item>
              <Descriptions.Item label={t('基础数据覆盖', 'Computed')}>{x.coverage ? pick(x.coverage) : '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('报表内容', 'What it asks for')}>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('数据来源', 'Sources')}>
                {def.sources.map((s) => {
                  const src = sourceOf(cat.data, s.source);
                  return (
                    <div key={s.key}>
                      <Tag>{s.key}</Tag>
                      {src ? (lang === 'en' ? src.en : src.zh) : s.source}
                      {s.filters.length ? `${lang === 'en' ? ': ' : '：'}${s.filters.map((f) => describeFilter(cat.data, s.source, f, lang)).join(lang === 'en' ? ', ' : '，')}` : ''}
                    </div>
                  );
                })}
              </Descriptions.Item>
              <Descriptions.Item label={t('行', 'Rows')}>{def.rows.length ? def.rows.map((g) => describeGrouping(cat.data, def, g, lang)).join(' × ') : t('不分行（一行）', 'one row')}</Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={[...def.columns.map((c) => ({ key: c.key, title: c.title, titleEn: c.titleEn, group: c.group, groupEn: c.groupEn, unit: c.unit, how: describeMeasure(cat.data, def, c, lang), manual: false })), ...def.manualFields.map((m) => ({ key: m.key, title: m.title, titleEn: m.titleEn, group: undefined, groupEn: undefined, unit: m.unit, how: `${t('手工填写', 'by hand')}${lang === 'en' ? ' (' : '（'}${manualTypeNames[m.type] ? (lang === 'en' ? manualTypeNames[m.type]![1] : manualTypeNames[m.type]![0]) : m.type}${m.required ? t('，必填', ', required') : ''}${lang === 'en' ? ')' : '）'}`, manual: true }))]}
              columns={[
                { key: 'group', title: t('分组', 'Group'), render: (_, r) => bi(lang, r.group, r.groupEn), width: 100 },
                { key: 'title', title: t('栏目', 'Item'), render: (_, r) => <>{columnHeading(lang, r)}{r.manual ? <Tag color="gold" style={{ marginLeft: 6 }}>{t('手工', 'by hand')}</Tag> : null}</> },
                { key: 'how', title: t('取数口径', 'How it is computed'), dataIndex: 'how' },
              ]}
            />
            {def.notes ? <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('填表说明：', 'Notes: ')}{bi(lang, def.notes, def.notesEn)}</Typography.Paragraph> : null}
          </Card>
          <Collapse
            items={[
              {
                key: 'history',
                label: t('版本历史', 'Versions'),
                children: (
                  <Table
                    size="small"
                    rowKey="id"
                    pagination={false}
                    dataSource={history.data ?? []}
                    onRow={(r) => ({ onClick: () => navigate(`/reports/templates/${r.id}`), style: { cursor: 'pointer' } })}
                    columns={[
                      { key: 'v', title: t('版本', 'Version'), dataIndex: 'version' },
                      { key: 's', title: t('状态', 'Status'), render: (_, r: Template) => L(statusNames[r.status]) },
                      { key: 'r', title: t('审核', 'Review'), render: (_, r: Template) => (r.reviewedAt ? `${new Date(r.reviewedAt).toLocaleDateString()} ${r.reviewedByName ?? ''} ${r.reviewNote ?? ''}` : '—') },
                    ]}
                  />
                ),
              },
              ...(can('reports:draft') || reviewer
                ? [
                    {
                      key: 'sql',
                      label: (
                        <span>
                          <CodeOutlined /> {t('编译后的 SQL（一条查询，参数绑定）', 'Compiled SQL (one query, bound parameters)')}
                        </span>
                      ),
                      children: sqlText ? (
                        <pre style={{ whiteSpace: 'pre-wrap', fontSize: 11, maxHeight: 360, overflow: 'auto' }}>{sqlText}</pre>
                      ) : (
                        <Button onClick={async () => setSqlText(JSON.stringify(await call.get('/api/reports/templates/{id}/sql', { path: { id: tid } }), null, 2))}>{t('显示', 'Show')}</Button>
                      ),
                    },
                    {
                      key: 'form',
                      label: (
                        <span>
                          <UploadOutlined /> {t('正式表样（Excel）', 'Official form (Excel)')}
                        </span>
                      ),
                      children: (
                        <Flex vertical gap={8}>
                          <Typography.Text type="secondary">{t('上传本部门规定的 Excel 表样，并指明每个数字填在哪个单元格；下载时即按此表样输出。', 'Upload your mandated Excel form and say where each figure goes; downloads then use it.')}</Typography.Text>
                          <Space>
                            <Upload
                              accept=".xlsx"
                              showUploadList={false}
                              customRequest={async ({ file, onSuccess, onError }) => {
                                const fd = new FormData();
                                fd.append('file', file as Blob);
                                try {
                                  await api.post(`/reports/templates/${tid}/form`, fd);
                                  onSuccess?.({});
                                  await loadForm();
                                  message.success(t('表样已上传', 'Form uploaded'));
                                } catch (err) {
                                  onError?.(err as Error);
                                  setActionError(err as ApiError);
                                }
                              }}
                            >
                              <Button icon={<UploadOutlined />}>{t('上传表样', 'Upload form')}</Button>
                            </Upload>
                            <Button onClick={loadForm}>{t('查看已上传的表样', 'Show the uploaded form')}</Button>
                          </Space>
                          {form ? (
                            <>
                              <Typography.Text>{`${form.fileName} · ${form.sheetName}`}</Typography.Text>
                              <Table size="small" rowKey="address" pagination={{ pageSize: 10 }} dataSource={form.cells} columns={[{ key: 'a', title: t('单元格', 'Cell'), dataIndex: 'address', width: 90 }, { key: 't', title: t('内容', 'Text'), dataIndex: 'text' }]} />
                              <Typography.Text>{t('映射（JSON）：cells 填单个单元格（value / manual / unit / period / submittedBy / submittedAt），rows 从某行起逐行填写网格', 'Mapping (JSON): cells for single cells, rows for a block filled row by row')}</Typography.Text>
                              <Input.TextArea value={mappingText} onChange={(e) => setMappingText(e.target.value)} autoSize={{ minRows: 6, maxRows: 20 }} style={{ fontFamily: 'monospace' }} />
                              <Button
                                onClick={() =>
                                  act(
                                    'map',
                                    async () => {
                                      let m: FormMapping;
                                      try {
                                        m = JSON.parse(mappingText);
                                      } catch {
                                        throw new ApiError(400, 'CLIENT', t('映射不是合法的 JSON', 'The mapping is not valid JSON'));
                                      }
                                      await call.put('/api/reports/templates/{id}/form/mapping', { path: { id: tid }, body: m });
                                    },
                                    t('映射已保存', 'Mapping saved'),
                                  )
                                }
                              >
                                {t('保存映射', 'Save mapping')}
                              </Button>
                            </>
                          ) : null}
                        </Flex>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Flex>
      ) : null}
    </div>
  );
}
