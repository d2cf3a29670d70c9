// One due report: opening it computes the figures from base data (the "one button"), shows them
// as the form will look, asks only for the items no base data holds, and submits. The figures are
// frozen as of the submission; Excel and PDF are one click away afterwards.
import { CheckCircleOutlined, DownloadOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Descriptions, Flex, Form, Input, InputNumber, Result, Select, Skeleton, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n';
import { dueStatusNames, exportUrl, type Due, type ManualField, type ReportResult, type ResultColumn, type ResultRow, type Submission } from './api';
import { DrillDrawer, type DrillTarget } from './DrillDrawer';
import { ReportTable } from './ReportTable';

type ManualValue = string | number | null;

function ManualInput({ field, value, onChange }: { field: ManualField; value: ManualValue | undefined; onChange(v: ManualValue): void }) {
  if (field.type === 'integer' || field.type === 'number') return <InputNumber style={{ width: 200 }} value={typeof value === 'number' ? value : null} min={field.min} max={field.max} precision={field.type === 'integer' ? 0 : undefined} suffix={field.unit} onChange={(v) => onChange(v ?? null)} />;
  if (field.type === 'choice') return <Select style={{ width: 240 }} allowClear value={(value as string) ?? undefined} options={(field.options ?? []).map((o) => ({ value: o, label: o }))} onChange={(v) => onChange(v ?? null)} />;
  if (field.type === 'date') return <DatePicker value={value ? dayjs(String(value)) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />;
  return <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={field.maxLength ?? 500} showCount value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value || null)} />;
}

export default function DuePage() {
  const { id } = useParams();
  const dueId = Number(id);
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [due, setDue] = useState<Due | null>(null);
  const [result, setResult] = useState<ReportResult | null>(null);
  const [digest, setDigest] = useState('');
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  const [manualReport, setManualReport] = useState<Record<string, ManualValue>>({});
  const [manualRows, setManualRows] = useState<Record<string, Record<string, ManualValue>>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [computing, setComputing] = useState(false);
  const [submitted, setSubmitted] = useState<Submission | null>(null);
  const [drill, setDrill] = useState<DrillTarget | null>(null);

  const compute = useCallback(async () => {
    setComputing(true);
    setLoadError(null);
    try {
      const p = await api.post<{ due: Due; result: ReportResult; digest: string }>(`/reports/due/${dueId}/preview`);
      setDue(p.due);
      setResult(p.result);
      setDigest(p.digest);
    } catch (err) {
      setLoadError(err as ApiError);
    } finally {
      setComputing(false);
    }
  }, [dueId]);

  useEffect(() => {
    let stop = false;
    api.get<Due>(`/reports/due/${dueId}`).then(
      (d) => {
        if (stop) return;
        setDue(d);
        if (d.status === 'submitted' && d.submissionId) navigate(`/reports/submissions/${d.submissionId}`, { replace: true });
        else void compute();
      },
      (err: ApiError) => setLoadError(err),
    );
    return () => {
      stop = true;
    };
  }, [dueId, compute, navigate]);

  const submit = async () => {
    setBusy(true);
    setSubmitError(null);
    setFieldErrors({});
    try {
      const r = await api.post<{ submission: Submission; alreadySubmitted: boolean }>(`/reports/due/${dueId}/submit`, { manual: { report: manualReport, rows: manualRows }, previewDigest: digest });
      setSubmitted(r.submission);
      message.success(r.alreadySubmitted ? t('此前已报送，显示的是已报送的版本', 'Already submitted: showing that submission') : t('已报送', 'Submitted'));
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'REPORT_PREVIEW_STALE') {
        message.warning(e.message);
        await compute();
      } else if (e.code === 'REPORT_MANUAL_INVALID') {
        const problems = (e.details as { problems?: { field: string; message: string }[] } | undefined)?.problems ?? [];
        setFieldErrors(Object.fromEntries(problems.map((p) => [p.field, p.message])));
        setSubmitError(e);
      } else setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  if (loadError && !result) return <ErrorPage error={loadError} onRetry={compute} />;
  if (submitted) {
    return (
      <Result
        status="success"
        icon={<CheckCircleOutlined />}
        title={t('报送成功', 'Submitted')}
        subTitle={t('{unit} {period}《{title}》已报送，有权部门可直接查阅，无需再次报送', '{title} for {unit}, {period}, is submitted; entitled departments read it directly', { unit: submitted.unit.name, period: lang === 'en' ? submitted.period : submitted.result.period.labelZh, title: submitted.result.template.title })}
        extra={
          <Space wrap>
            <Button type="primary" icon={<DownloadOutlined />} href={exportUrl('submission', submitted.id, 'xlsx')} data-testid="download-xlsx">
              {t('下载 Excel', 'Download Excel')}
            </Button>
            <Button icon={<DownloadOutlined />} href={exportUrl('submission', submitted.id, 'pdf')} data-testid="download-pdf">
              {t('下载 PDF', 'Download PDF')}
            </Button>
            <Button onClick={() => navigate(`/reports/submissions/${submitted.id}`)}>{t('查看报表', 'Open the report')}</Button>
            <Button onClick={() => navigate('/reports')}>{t('返回待报列表', 'Back to reports due')}</Button>
          </Space>
        }
        data-testid="submit-success"
      />
    );
  }
  const reportFields = result?.manualFields ?? [];
  const rowManual = result?.columns.some((c) => c.kind === 'manual') ?? false;
  const st = due ? dueStatusNames[due.status] : undefined;
  return (
    <div>
      <PageHeader
        title={due?.title ?? t('报表', 'Report')}
        tags={st ? <Tag color={due?.status === 'overdue' ? 'red' : 'blue'}>{lang === 'en' ? st[1] : st[0]}</Tag> : null}
        subtitle={due ? `${due.unit.name} · ${lang === 'en' ? due.period : due.periodLabel} · ${t('截止', 'due')} ${due.deadline}` : undefined}
        extra={
          result ? (
            <>
              <Button icon={<ReloadOutlined />} onClick={compute} loading={computing}>
                {t('重新计算', 'Recompute')}
              </Button>
              <Button icon={<DownloadOutlined />} href={exportUrl('due', dueId, 'xlsx')}>
                {t('预览 Excel', 'Preview Excel')}
              </Button>
            </>
          ) : null
        }
      />
      {!result ? (
        <Card>
          <Skeleton active />
          <Typography.Text type="secondary">{t('正在从基础数据生成报表…', 'Computing the report from base data…')}</Typography.Text>
        </Card>
      ) : (
        <Flex vertical gap={16}>
          <Alert
            type="info"
            showIcon
            title={t('以下数字由基础数据自动生成（数据截至 {d}），无需手工填写；点击数字可查看对应的人员名单', 'These figures come from base data (as of {d}); nothing to type. Click a figure to see the records behind it.', { d: result.referenceDate })}
            description={due?.coverage ? (lang === 'en' ? due.coverage.en : due.coverage.zh) : undefined}
          />
          <Card size="small" title={result.template.title} extra={<Typography.Text type="secondary">{t('计算用时 {ms} 毫秒', 'computed in {ms} ms', { ms: result.computeMs })}</Typography.Text>}>
            <ReportTable
              result={result}
              onDrill={(row: ResultRow, column: ResultColumn) => setDrill({ kind: 'due', id: dueId, row, column })}
              manualRows={rowManual ? manualRows : undefined}
              manualErrors={fieldErrors}
              onManualChange={(rowKey, key, v) => setManualRows((m) => ({ ...m, [rowKey]: { ...(m[rowKey] ?? {}), [key]: v } }))}
            />
            {result.notes ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
                {t('填表说明：', 'Notes: ')}
                {result.notes}
              </Typography.Paragraph>
            ) : null}
          </Card>
          {reportFields.length ? (
            <Card size="small" title={t('需手工填写的项目', 'Items entered by hand')}>
              <Form layout="vertical">
                {reportFields.map((f) => (
                  <Form.Item
                    key={f.key}
                    label={lang === 'en' && f.titleEn ? f.titleEn : f.title}
                    required={f.required}
                    extra={f.hint}
                    validateStatus={fieldErrors[`manual.report.${f.key}`] ? 'error' : undefined}
                    help={fieldErrors[`manual.report.${f.key}`]}
                  >
                    <ManualInput field={f} value={manualReport[f.key]} onChange={(v) => setManualReport((m) => ({ ...m, [f.key]: v }))} />
                  </Form.Item>
                ))}
              </Form>
            </Card>
          ) : null}
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('制表机关', 'Issued by')}>{result.template.department}</Descriptions.Item>
            <Descriptions.Item label={t('制表依据', 'Legal basis')}>{result.template.legalBasis}</Descriptions.Item>
            <Descriptions.Item label={t('表号', 'Form')}>{`${result.template.code} v${result.template.version}`}</Descriptions.Item>
          </Descriptions>
          <ErrorAlert error={submitError} />
          <Flex gap={12} justify="flex-end">
            <Button type="primary" size="large" icon={<SendOutlined />} loading={busy} onClick={submit} data-testid="submit-report">
              {t('确认报送', 'Submit')}
            </Button>
          </Flex>
        </Flex>
      )}
      <DrillDrawer target={drill} onClose={() => setDrill(null)} />
    </div>
  );
}
