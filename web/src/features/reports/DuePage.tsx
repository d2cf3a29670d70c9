// One due report: opening it computes the figures from base data (the "one button"), shows them
// as the form will look, asks only for the items no base data holds, and submits. The figures are
// frozen as of the submission; Excel and PDF are one click away afterwards.
import { CheckCircleOutlined, DownloadOutlined, EditOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Modal, Result, Skeleton, Space, Tag, Typography, type ButtonProps } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { ErrorAlert, ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n';
import { UserText } from '../../components/UserText';
import { dueStatusNames, exportUrl, type Due, type ManualField, type ReportResult, type ResultColumn, type ResultRow, type Submission } from './api';
import { DrillDrawer, type DrillTarget } from './DrillDrawer';
import { isGiven, ManualItems, type ManualValue } from './ManualItems';
import { ReportTable } from './ReportTable';
import { bi, columnHeading, filingText, manualTitle, rowHeading, templateDepartment, templateTitle } from './texts';

interface Typed {
  field: ManualField;
  /** The row's key and headings, for an item asked per row. */
  row?: { key: string; headings: string[]; level: string };
  value: ManualValue | undefined;
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
  const [confirming, setConfirming] = useState(false);

  const compute = useCallback(async () => {
    setComputing(true);
    setLoadError(null);
    try {
      const p = await call.post('/api/reports/due/{id}/preview', { path: { id: dueId } });
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
    call.get('/api/reports/due/{id}', { path: { id: dueId } }).then(
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
    setConfirming(false);
    setBusy(true);
    setSubmitError(null);
    setFieldErrors({});
    try {
      const r = await call.post('/api/reports/due/{id}/submit', { path: { id: dueId }, body: { manual: { report: manualReport, rows: manualRows }, previewDigest: digest } });
      setSubmitted(r.submission);
      message.success(r.alreadySubmitted ? t('此前已报送，显示的是已报送的版本', 'Already submitted: showing that submission') : t('已报送', 'Submitted'));
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'REPORT_PREVIEW_STALE') {
        message.warning(e.message);
        await compute();
      } else if (e.code === 'REPORT_MANUAL_INVALID' || e.code === 'REPORT_MANUAL_REQUIRED') {
        const problems = (e.details as { problems?: { field: string; message: string }[] } | undefined)?.problems ?? [];
        setFieldErrors(Object.fromEntries(problems.map((p) => [p.field, p.message])));
        setSubmitError(e);
      } else setSubmitError(e);
    } finally {
      setBusy(false);
    }
  };

  // Everything typed by hand, in the order the form asks for it (for the confirmation).
  const typed = useMemo<Typed[]>(() => {
    if (!result) return [];
    const out: Typed[] = result.manualFields.map((f) => ({ field: f, value: manualReport[f.key] }));
    for (const c of result.columns) {
      if (c.kind !== 'manual' || !c.manual) continue;
      for (const r of result.rows.filter((x) => x.level === 'detail')) out.push({ field: c.manual, row: r, value: manualRows[r.key]?.[c.key] });
    }
    return out;
  }, [result, manualReport, manualRows]);
  const missingRequired = typed.filter((x) => x.field.required && !isGiven(x.value));

  if (loadError && !result) return <ErrorPage error={loadError} onRetry={compute} />;
  if (submitted) {
    return (
      <Result
        status="success"
        icon={<CheckCircleOutlined />}
        title={t('报送成功', 'Submitted')}
        subTitle={
          lang === 'en' ? (
            <>
              {templateTitle(lang, submitted.result.template)} for <UserText>{submitted.unit.name}</UserText>, {submitted.period}, is submitted; entitled departments read it directly
            </>
          ) : (
            <>
              <UserText>{submitted.unit.name}</UserText> {submitted.result.period.labelZh}《{templateTitle(lang, submitted.result.template)}》已报送，有权部门可直接查阅，无需再次报送
            </>
          )
        }
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
  const hasManual = typed.length > 0;
  const st = due ? dueStatusNames[due.status] : undefined;
  const computedColumns = result?.columns.filter((c) => c.computed) ?? [];
  const total = result?.rows.find((r) => r.level === 'total');
  const shown = (v: ManualValue | undefined) => (isGiven(v) ? <UserText>{String(v)}</UserText> : <Typography.Text type="warning">{t('未填写', 'left empty')}</Typography.Text>);
  return (
    <div>
      <PageHeader
        title={due ? templateTitle(lang, due) : t('报表', 'Report')}
        tags={st ? <Tag color={due?.status === 'overdue' ? 'red' : 'blue'}>{lang === 'en' ? st[1] : st[0]}</Tag> : null}
        subtitle={
          due ? (
            <>
              <UserText>{due.unit.name}</UserText> · {lang === 'en' ? due.period : due.periodLabel} · {t('截止', 'due')} {due.deadline}
            </>
          ) : undefined
        }
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
        <Flex vertical gap={16} style={{ minWidth: 0 }}>
          <Alert
            type="info"
            showIcon
            title={t('以下数字由基础数据自动生成（数据截至 {d}），无需手工填写；点击数字可查看对应的人员名单', 'These figures come from base data (as of {d}); nothing to type. Click a figure to see the records behind it.', { d: result.referenceDate })}
            description={due?.coverage ? (lang === 'en' ? due.coverage.en : due.coverage.zh) : undefined}
          />
          {hasManual ? (
            <Card
              size="small"
              className="qc-report-card"
              title={
                <span>
                  <EditOutlined /> {t('需手工填写的项目（{n} 项）', 'Items to type by hand ({n})', { n: typed.length })}
                </span>
              }
              extra={missingRequired.length ? <Typography.Text type="danger">{t('还有 {n} 项必填未填', '{n} required left to fill', { n: missingRequired.length })}</Typography.Text> : null}
              data-testid="manual-card"
            >
              <ManualItems
                result={result}
                report={manualReport}
                rows={manualRows}
                errors={fieldErrors}
                onReport={(key, v) => setManualReport((m) => ({ ...m, [key]: v }))}
                onRow={(rowKey, key, v) => setManualRows((m) => ({ ...m, [rowKey]: { ...(m[rowKey] ?? {}), [key]: v } }))}
              />
            </Card>
          ) : null}
          <Card size="small" className="qc-report-card" title={templateTitle(lang, result.template)} extra={<Typography.Text type="secondary">{t('计算用时 {ms} 毫秒', 'computed in {ms} ms', { ms: result.computeMs })}</Typography.Text>} data-testid="report-card">
            <ReportTable result={result} onDrill={(row: ResultRow, column: ResultColumn) => setDrill({ kind: 'due', id: dueId, row, column })} manualRows={manualRows} />
            {result.notes ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, fontSize: 12 }}>
                {t('填表说明：', 'Notes: ')}
                {bi(lang, result.notes, result.notesEn)}
              </Typography.Paragraph>
            ) : null}
          </Card>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('制表机关', 'Issued by')}>{templateDepartment(lang, result.template.department, result.template.en)}</Descriptions.Item>
            <Descriptions.Item label={t('制表依据', 'Legal basis')}>{bi(lang, result.template.legalBasis, result.template.en?.legalBasis)}</Descriptions.Item>
            <Descriptions.Item label={t('备案号', 'Filing number')}>
              <span data-testid="filing-number">{filingText(lang, result.template.filing)}</span>
            </Descriptions.Item>
          </Descriptions>
          <ErrorAlert error={submitError} />
          <Flex gap={12} justify="flex-end">
            <Button type="primary" size="large" icon={<SendOutlined />} loading={busy} onClick={() => setConfirming(true)} data-testid="submit-report">
              {t('确认报送', 'Submit')}
            </Button>
          </Flex>
          <Modal
            open={confirming}
            title={t('报送前请核对', 'Check before submitting')}
            okText={t('报送', 'Submit')}
            cancelText={t('返回修改', 'Go back')}
            okButtonProps={{ disabled: missingRequired.length > 0, 'data-testid': 'confirm-submit-ok' } as ButtonProps}
            onOk={submit}
            onCancel={() => setConfirming(false)}
            width={640}
            data-testid="confirm-submit"
          >
            <div data-testid="confirm-body">
              <Typography.Title level={5}>{t('由基础数据自动生成（{n} 项）', 'Computed from base data ({n} items)', { n: computedColumns.length })}</Typography.Title>
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t('合计：', 'Totals: ')}
                {computedColumns.slice(0, 8).map((c, i) => (
                  <span key={c.key}>
                    {i ? (lang === 'en' ? '; ' : '；') : ''}
                    {columnHeading(lang, c)} {total?.values[c.key] ?? '—'}
                  </span>
                ))}
                {computedColumns.length > 8 ? t(' 等', ' and more') : ''}
              </Typography.Paragraph>
              <Typography.Title level={5}>{t('手工填写（{n} 项）', 'Typed by hand ({n} items)', { n: typed.length })}</Typography.Title>
              {typed.length ? (
                <ul className="qc-confirm-list" data-testid="confirm-typed">
                  {typed.map((x) => (
                    <li key={`${x.field.key}-${x.row?.key ?? ''}`} data-testid={`confirm-${x.field.key}${x.row ? `-${x.row.key}` : ''}`}>
                      {manualTitle(lang, x.field)}
                      {x.row ? <> · {x.row.headings.map((h, i) => <span key={i}>{rowHeading(lang, result, x.row!.level, h, i)}</span>)}</> : null}
                      {lang === 'en' ? ': ' : '：'}
                      {shown(x.value)}
                      {x.field.required && !isGiven(x.value) ? <Tag color="red" style={{ marginInlineStart: 6 }}>{t('必填', 'required')}</Tag> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <Typography.Text type="secondary">{t('本表没有需手工填写的项目', 'This report has nothing to type by hand')}</Typography.Text>
              )}
              {missingRequired.length ? (
                <Alert type="error" showIcon style={{ marginTop: 12 }} title={t('必填项未填写，不能报送；请返回填写', 'Required items are empty: go back and fill them in')} data-testid="confirm-missing" />
              ) : typed.some((x) => !isGiven(x.value)) ? (
                <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('有选填项未填写，报送后将显示为“无”', 'Some optional items are empty; they will read “none”')} />
              ) : null}
            </div>
          </Modal>
        </Flex>
      )}
      <DrillDrawer target={drill} onClose={() => setDrill(null)} />
    </div>
  );
}
