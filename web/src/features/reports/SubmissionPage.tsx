// A submitted report as the viewer may see it: frozen figures (small counts protected for anyone
// above the unit), the hand-entered items, every version with its reason, downloads, the records
// behind each figure, and, for the unit itself, a correction as a new version.
import { DownloadOutlined, EditOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Dropdown, Flex, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert, ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { exportUrl, type SubmissionVersion } from './api';
import { DrillDrawer, type DrillTarget } from './DrillDrawer';
import { ReportTable } from './ReportTable';
import { bi, biText, filingText, manualTitle, templateDepartment, templateTitle, unitText } from './texts';
import { UserText } from '../../components/UserText';

export default function SubmissionPage() {
  const { id } = useParams();
  const subId = Number(id);
  const { t, lang } = useI18n();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const sub = useApi((signal) => call.get('/api/reports/submissions/{id}', { path: { id: subId }, signal }), [subId]);
  const versions = useApi((signal) => call.get('/api/reports/submissions/{id}/versions', { path: { id: subId }, signal }), [subId]);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [correcting, setCorrecting] = useState(false);
  const [reason, setReason] = useState('');
  const [remarks, setRemarks] = useState<Record<string, string>>({});
  const [corrError, setCorrError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (sub.error) return <ErrorPage error={sub.error} onRetry={sub.reload} />;
  const s = sub.data;
  const r = s?.result;
  const ownUnit = !!s && can('reports:submit') && me?.node?.id === s.unit.id;
  const current = s?.status === 'current';

  const correct = async () => {
    setBusy(true);
    setCorrError(null);
    try {
      const report = Object.fromEntries((r?.manualFields ?? []).map((m) => [m.key, remarks[m.key] ?? (s!.manual.report[m.key] as string | null) ?? null]));
      const v = await call.post('/api/reports/submissions/{id}/corrections', { path: { id: subId }, body: { reason, manual: { report, rows: s!.manual.rows } } });
      message.success(t('已更正为第 {v} 版', 'Corrected: version {v}', { v: v.version }));
      setCorrecting(false);
      navigate(`/reports/submissions/${v.id}`);
    } catch (err) {
      setCorrError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageHeader
        title={r ? templateTitle(lang, r.template) : t('报表', 'Report')}
        tags={s ? <Tag color={current ? 'green' : 'default'}>{current ? t('第 {v} 版（现行）', 'version {v} (current)', { v: s.version }) : t('第 {v} 版（已被更正）', 'version {v} (corrected since)', { v: s.version })}</Tag> : null}
        subtitle={
          s && r ? (
            <>
              <UserText>{s.unit.name}</UserText> · {lang === 'en' ? s.period : r.period.labelZh} · {t('报送于', 'submitted')} {new Date(s.submittedAt).toLocaleString(lang === 'en' ? 'en-CA' : 'zh-CN')} · <UserText>{s.submittedBy}</UserText>
            </>
          ) : undefined
        }
        extra={
          s ? (
            <>
              <Dropdown
                menu={{
                  items: [
                    { key: 'xlsx', label: <a href={exportUrl('submission', subId, 'xlsx')} data-testid="download-xlsx">{t('Excel（正式表样）', 'Excel (official form)')}</a> },
                    { key: 'xlsx-std', label: <a href={exportUrl('submission', subId, 'xlsx', 'standard')}>{t('Excel（标准格式）', 'Excel (standard layout)')}</a> },
                    { key: 'pdf', label: <a href={exportUrl('submission', subId, 'pdf')}>PDF</a> },
                    { key: 'csv', label: <a href={exportUrl('submission', subId, 'csv')}>CSV</a> },
                    { key: 'json', label: <a href={exportUrl('submission', subId, 'json')}>JSON</a> },
                  ],
                }}
              >
                <Button type="primary" icon={<DownloadOutlined />} data-testid="download-menu">
                  {t('下载', 'Download')}
                </Button>
              </Dropdown>
              {ownUnit && current ? (
                <Button icon={<EditOutlined />} onClick={() => setCorrecting(true)}>
                  {t('更正', 'Correct')}
                </Button>
              ) : null}
              <Button onClick={() => navigate(`/reports/consolidated?templateCode=${s.templateCode}&period=${s.period}`)}>{t('各单位汇总', 'All units')}</Button>
            </>
          ) : null
        }
      />
      {s && r ? (
        <Flex vertical gap={16}>
          {s.protected && (r.suppressed?.length ?? 0) > 0 ? (
            <Alert
              type="info"
              showIcon
              title={
                (r.complementary?.length ?? 0) > 0
                  ? t('为保护个人信息，小于 {n} 的数字显示为“<{n}”，可据以推算出它们的数字显示为“*”，均不能查看明细', 'Figures under {n} show as “<{n}”, figures that would give them away as “*”; neither can be listed', { n: r.suppressionThreshold ?? '' })
                  : t('为保护个人信息，小于 {n} 的数字显示为“<{n}”，也不能查看其明细', 'Figures under {n} show as “<{n}” and cannot be listed, to protect individuals', { n: r.suppressionThreshold ?? '' })
              }
            />
          ) : null}
          {(r.withheldColumns?.length ?? 0) > 0 ? (
            <Alert type="info" showIcon title={t('贵单位的数据授权未涵盖以下标签，相应的列不予显示：{cols}', 'Your grants do not cover these labels; their columns are not shown: {cols}', { cols: (r.withheldColumns ?? []).map((c) => biText(lang, c.title, (c as { titleEn?: string }).titleEn)).join(lang === 'en' ? ', ' : '、') })} data-testid="withheld-columns" />
          ) : null}
          {!current ? <Alert type="warning" showIcon title={t('这是已被更正的旧版本', 'This version has been corrected since')} /> : null}
          <Card size="small" className="qc-report-card" data-testid="report-card">
            <ReportTable result={r} onDrill={can('registry:read') || can('registry:lookup') ? (row, column) => setDrill({ kind: 'submission', id: subId, row, column }) : undefined} />
          </Card>
          {r.manualFields.length ? (
            <Card size="small" title={t('手工填写的项目', 'Items entered by hand')}>
              <Descriptions size="small" column={1}>
                {r.manualFields.map((m) => (
                  <Descriptions.Item key={m.key} label={manualTitle(lang, m)}>
                    {s.manual.report[m.key] === null || s.manual.report[m.key] === undefined ? t('（未填）', '(none)') : <><UserText>{String(s.manual.report[m.key])}</UserText>{unitText(lang, m.unit) ?? ''}</>}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            </Card>
          ) : null}
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('制表机关', 'Issued by')}>{templateDepartment(lang, r.template.department, r.template.en)}</Descriptions.Item>
            <Descriptions.Item label={t('制表依据', 'Legal basis')}>{bi(lang, r.template.legalBasis, r.template.en?.legalBasis)}</Descriptions.Item>
            <Descriptions.Item label={t('备案号', 'Filing number')}>
              <span data-testid="filing-number">{filingText(lang, r.template.filing)}</span>
            </Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('版本', 'Versions')}>
            <Table<SubmissionVersion>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={versions.data ?? []}
              columns={[
                { key: 'v', title: t('版本', 'Version'), render: (_, v) => (v.id === subId ? <strong>{v.version}</strong> : <a onClick={() => navigate(`/reports/submissions/${v.id}`)}>{v.version}</a>) },
                { key: 'status', title: t('状态', 'Status'), render: (_, v) => (v.status === 'current' ? t('现行', 'current') : t('已更正', 'corrected')) },
                { key: 'by', title: t('报送人', 'By'), render: (_, v) => <UserText>{v.submittedByName}</UserText> },
                { key: 'at', title: t('时间', 'When'), render: (_, v) => new Date(v.submittedAt).toLocaleString(lang === 'en' ? 'en-CA' : 'zh-CN') },
                { key: 'reason', title: t('更正理由', 'Reason'), render: (_, v) => (v.reason ? <UserText>{v.reason}</UserText> : '—') },
              ]}
            />
          </Card>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('数字为报送时的数据（截至 {d}），之后基础数据的变化不会改变本报表；如需更正，由报送单位提交带理由的新版本。', 'Figures are as submitted (data as of {d}); later changes to base data do not alter them. A correction is a new version with a reason, made by the unit.', { d: s.referenceDate })}
          </Typography.Text>
        </Flex>
      ) : null}
      <DrillDrawer target={drill} onClose={() => setDrill(null)} />
      <Modal open={correcting} title={t('更正报表', 'Correct the report')} onCancel={() => setCorrecting(false)} onOk={correct} okButtonProps={{ loading: busy, disabled: reason.trim().length < 2 }} okText={t('提交更正', 'Submit correction')}>
        <Typography.Paragraph type="secondary">{t('将按当前基础数据重新计算，作为新版本报送；原版本保留。请先在基础数据中改正错误。', 'The report is recomputed from today’s base data and submitted as a new version; the old one stays. Fix the base data first.')}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('更正理由', 'Reason')} required>
            <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoSize={{ minRows: 2 }} />
          </Form.Item>
          {(r?.manualFields ?? []).filter((m) => m.type === 'text').map((m) => (
            <Form.Item key={m.key} label={manualTitle(lang, m)}>
              <Input.TextArea defaultValue={(s?.manual.report[m.key] as string) ?? ''} onChange={(e) => setRemarks((x) => ({ ...x, [m.key]: e.target.value }))} autoSize={{ minRows: 2 }} />
            </Form.Item>
          ))}
        </Form>
        <ErrorAlert error={corrError} />
      </Modal>
    </div>
  );
}
