// 一键出具: what the resident asks for is looked up first (can it be issued here, or where do they
// go instead); then the worker picks the resident and the kind, sees each condition answered in
// plain words and the text it would issue, and issues and prints in one click.
import { CheckCircleFilled, CloseCircleFilled, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, Result, Row, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { RecordSelect } from '../../components/RecordSelect';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { StateTag } from './common';
import { HandbookCard } from './HandbookCard';
import { PrintButton } from './PrintButton';
import type { Certificate, CheckOutcome } from './types';
import { bi } from '../../components/UserText';

/** What the server puts where the purpose goes when previewing without one. */
const PURPOSE_MARK = '（用途）';

interface IssueForm {
  residentId?: number | null;
  kind?: string;
  relatedResidentId?: number | null;
  purpose?: string;
  recipient?: string;
}

function AskBox({ onPick }: { onPick(kind: string): void }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [submitted, setSubmitted] = useState('');
  const { data, loading, error } = useApi(submitted ? (signal) => call.get('/api/public/certificates/search', { query: { q: submitted }, signal }) : null, [submitted]);
  return (
    <Card title={t('居民要开什么证明？', 'What does the resident need?')} size="small" style={{ marginBottom: 16 }}>
      <Input.Search
        placeholder={t('例如：居住、无犯罪、出生、独居、困难', 'e.g. residence, criminal record, birth, living alone')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onSearch={(v) => setSubmitted(v.trim())}
        enterButton={<SearchOutlined />}
        allowClear
        data-testid="cert-ask"
      />
      <ErrorAlert error={error} style={{ marginTop: 12 }} />
      {loading ? <Spin style={{ marginTop: 12 }} /> : null}
      {data && submitted ? (
        <div style={{ marginTop: 12 }}>
          {data.kinds.length === 0 && data.handbook.length === 0 ? <Empty description={t('没有找到，请换个说法', 'Nothing found: try other words')} /> : null}
          {data.kinds.map((k) => (
            <Alert
              key={k.code}
              type="success"
              showIcon
              style={{ marginBottom: 8 }}
              title={t('本社区可以出具：{title}', 'Issued here: {title}', { title: k.title })}
              description={bi(lang, k.purpose, k.en?.purpose)}
              action={<Button size="small" type="primary" onClick={() => onPick(k.code)}>{t('出具', 'Issue')}</Button>}
            />
          ))}
          <Space orientation="vertical" style={{ width: '100%' }}>
            {data.handbook.slice(0, 3).map((e) => (
              <HandbookCard key={e.code} e={e} compact />
            ))}
          </Space>
        </div>
      ) : null}
    </Card>
  );
}

export default function IssuePage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<IssueForm>();
  const assistedId = params.get('assisted') ? Number(params.get('assisted')) : null;
  const kinds = useApi((signal) => call.get('/api/certificates/kinds', { signal }), []);
  const residentId = Form.useWatch('residentId', form);
  const kindCode = Form.useWatch('kind', form);
  const relatedId = Form.useWatch('relatedResidentId', form);
  const purpose = Form.useWatch('purpose', form);
  const kind = useMemo(() => kinds.data?.find((k) => k.code === kindCode), [kinds.data, kindCode]);
  const [check, setCheck] = useState<CheckOutcome | null>(null);
  const [checkError, setCheckError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const [issued, setIssued] = useState<Certificate | null>(null);
  const [issueError, setIssueError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const r = params.get('resident');
    const k = params.get('kind');
    if (r) form.setFieldValue('residentId', Number(r));
    if (k) form.setFieldValue('kind', k);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Check as soon as a resident and a kind are chosen (and again when the second person changes).
  // The purpose is not sent: the server marks its place in the preview and the typed text fills it,
  // so typing does not re-read the person's record.
  useEffect(() => {
    setCheck(null);
    setCheckError(null);
    if (!residentId || !kindCode || (kind?.needsRelated && !relatedId)) return;
    const ctrl = new AbortController();
    setChecking(true);
    call
      .post('/api/certificates/check', { body: { residentId, kind: kindCode, relatedResidentId: relatedId ?? null } })
      .then(
        (c) => !ctrl.signal.aborted && setCheck(c),
        (e: unknown) => !ctrl.signal.aborted && setCheckError(toApiError(e)),
      )
      .finally(() => !ctrl.signal.aborted && setChecking(false));
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [residentId, kindCode, relatedId, lang]);

  const submit = async (v: IssueForm) => {
    setBusy(true);
    setIssueError(null);
    try {
      const c = await call.post('/api/certificates', { body: { residentId: v.residentId ?? 0, kind: v.kind ?? '', purpose: v.purpose?.trim() ?? '', recipient: v.recipient?.trim() || null, relatedResidentId: v.relatedResidentId ?? null, assistedRequestId: assistedId } });
      setIssued(c);
      message.success(t('已出具 {n}', 'Issued {n}', { n: c.number }));
    } catch (e) {
      const err = toApiError(e);
      if (!applyFieldErrors(form, err)) setIssueError(err);
      else setIssueError(err.code === 'VALIDATION_FAILED' ? null : err);
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setIssued(null);
    setCheck(null);
    form.resetFields(['residentId', 'relatedResidentId', 'purpose', 'recipient']);
    if (assistedId) setParams({}, { replace: true });
  };

  if (issued) {
    return (
      <>
        <PageHeader title={t('一键出具证明', 'Issue a certificate')} />
        <Result
          status="success"
          icon={<SafetyCertificateOutlined />}
          title={t('{title}已出具', '{title} issued', { title: issued.title })}
          subTitle={
            <Space orientation="vertical" size={2}>
              <span data-testid="cert-issued-number">{t('编号', 'Number')}：{issued.number}</span>
              <span>{t('核验码', 'Verification code')}：<Typography.Text strong copyable data-testid="cert-issued-code">{issued.verifyCode}</Typography.Text></span>
              <span>{t('有效期至', 'Valid until')}：{issued.validUntil} <StateTag state={issued.state} /></span>
            </Space>
          }
          extra={[
            <PrintButton key="print" pdfUrl={issued.pdfUrl} filename={`${issued.number}.pdf`} testId="cert-print" />,
            <Button key="verify" href={issued.verifyUrl} target="_blank" data-testid="cert-verify-link">{t('打开核验页', 'Open the verification page')}</Button>,
            <Link key="list" to={`/certificates?q=${encodeURIComponent(issued.number)}`}><Button>{t('在已出具列表中查看', 'See it in the issued list')}</Button></Link>,
            <Button key="again" onClick={again}>{t('再出具一份', 'Issue another')}</Button>,
          ]}
        />
        <Card size="small" title={t('证明内容（证件号码已遮蔽）', 'What it says (ID numbers masked)')} style={{ maxWidth: 760, margin: '0 auto' }}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{issued.publicText}</Typography.Paragraph>
        </Card>
      </>
    );
  }

  const failing = check?.checks.filter((c) => !c.ok) ?? [];
  const canIssue = !!check?.ok && !!purpose && purpose.trim().length >= 2;

  return (
    <>
      <PageHeader
        title={t('一键出具证明', 'Issue a certificate')}
        subtitle={t('从基础数据自动填写，逐条核对出具条件，编号、电子签名并生成带二维码的 PDF。', 'Filled from base data, every condition checked, numbered, signed and printed with a QR code.')}
        tags={assistedId ? <Tag color="purple">{t('帮办代办 #{id}', 'Assisted request #{id}', { id: assistedId })}</Tag> : undefined}
      />
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <AskBox onPick={(k) => form.setFieldValue('kind', k)} />
          <Card size="small" title={t('出具', 'Issue')}>
            <ErrorAlert error={kinds.error} onRetry={kinds.reload} style={{ marginBottom: 12 }} />
            <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark="optional">
              <Form.Item name="residentId" label={t('居民', 'Resident')} rules={[{ required: true, message: t('请选择居民', 'Choose the resident') }]}>
                <RecordSelect kind="resident" placeholder={t('输入姓名、身份证号或手机号', 'Name, ID number or phone')} testId="cert-resident" />
              </Form.Item>
              <Form.Item name="kind" label={t('证明种类', 'Kind')} rules={[{ required: true, message: t('请选择证明种类', 'Choose the kind') }]}>
                <Select
                  loading={kinds.loading}
                  options={(kinds.data ?? []).map((k) => ({ value: k.code, label: lang === 'en' && k.en?.title ? k.en.title : k.title }))}
                  placeholder={t('选择证明种类', 'Choose a kind')}
                  data-testid="cert-kind"
                  showSearch={{ optionFilterProp: 'label' }}
                />
              </Form.Item>
              {kind?.needsRelated ? (
                <Form.Item name="relatedResidentId" label={t('另一位亲属', 'The other person')} rules={[{ required: true, message: t('请选择另一位亲属', 'Choose the other person') }]}>
                  <RecordSelect kind="resident" testId="cert-related" />
                </Form.Item>
              ) : null}
              <Form.Item name="purpose" label={t('用途（印在证明上）', 'Purpose (printed)')} rules={[{ required: true, min: 2, message: t('请填写用途，至少 2 个字', 'State the purpose (2+ characters)') }]}>
                <Input maxLength={200} placeholder={t('例如：申领居住证', 'e.g. residence permit application')} data-testid="cert-purpose" />
              </Form.Item>
              <Form.Item name="recipient" label={t('致送单位（抬头，可不填）', 'Addressed to (optional)')}>
                <Input maxLength={100} placeholder={t('例如：太原市万柏林区教育局', 'e.g. the district education bureau')} />
              </Form.Item>
              <ErrorAlert error={issueError} style={{ marginBottom: 12 }} />
              <Button type="primary" htmlType="submit" loading={busy} disabled={!canIssue} block icon={<SafetyCertificateOutlined />} data-testid="cert-issue">
                {t('出具证明', 'Issue')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          {kind ? (
            <Card size="small" title={kind.title} extra={<Typography.Text type="secondary">{t('有效期 {d} 天', 'valid {d} days', { d: kind.validityDays })}</Typography.Text>} style={{ marginBottom: 16 }}>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{bi(lang, kind.purpose, kind.en?.purpose)}</Typography.Paragraph>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('依据', 'Basis')}：{kind.basis}</Typography.Text>
            </Card>
          ) : null}
          <Card size="small" title={t('出具条件与内容', 'Conditions and text')} data-testid="cert-check">
            {!residentId || !kindCode ? <Empty description={t('选择居民和证明种类后，这里逐条显示是否符合条件', 'Choose a resident and a kind: each condition is answered here')} /> : null}
            {checking ? <Spin /> : null}
            <ErrorAlert error={checkError} />
            {check ? (
              <>
                {check.checks.length === 0 ? <Typography.Text type="secondary">{t('此证明没有额外条件', 'No further conditions')}</Typography.Text> : null}
                {check.checks.map((c, i) => (
                  <Flex key={i} gap={8} align="flex-start" style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }} data-testid={`cert-check-${c.ok ? 'ok' : 'failed'}`}>
                    {c.ok ? <CheckCircleFilled style={{ color: '#52c41a', marginTop: 4 }} /> : <CloseCircleFilled style={{ color: '#ff4d4f', marginTop: 4 }} />}
                    <span>
                      <div>{lang === 'en' ? c.rule.en : c.rule.zh}</div>
                      <Typography.Text type={c.ok ? 'secondary' : 'danger'}>{lang === 'en' ? c.found.en : c.found.zh}</Typography.Text>
                      {!c.ok && c.handbook ? (
                        <div>
                          <Typography.Text type="secondary">{t('可告知居民到{a}办理“{t}”。', 'The resident can get "{t}" from {a}.', { a: c.handbook.authority, t: c.handbook.title })}</Typography.Text>{' '}
                          <a href={`/handbook?q=${encodeURIComponent(c.handbook.title)}`} target="_blank" rel="noreferrer">{t('查看指南', 'Handbook')}</a>
                        </div>
                      ) : null}
                    </span>
                  </Flex>
                ))}
                {check.missing.length ? (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginTop: 8 }}
                    title={t('基础数据不全，不能出具', 'Base data is incomplete')}
                    description={
                      <>
                        {t('缺少：', 'Missing: ')}
                        {[...new Set(check.missing.map((m) => m.needs))].join(lang === 'en' ? ', ' : '、')}。{' '}
                        {residentId ? <Link to={`/residents/${residentId}`}>{t('去补全居民信息', 'Complete the record')}</Link> : null}
                      </>
                    }
                    data-testid="cert-missing"
                  />
                ) : null}
                {failing.length === 0 && !check.missing.length ? <Alert type="success" showIcon style={{ marginTop: 8 }} title={t('符合全部出具条件', 'All conditions are met')} /> : null}
                {check.preview ? (
                  <Card size="small" type="inner" title={t('将出具的内容（证件号码已遮蔽）', 'The text to be issued (ID numbers masked)')} style={{ marginTop: 12 }}>
                    <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="cert-preview">{check.preview.replace(PURPOSE_MARK, purpose?.trim() || PURPOSE_MARK)}</Typography.Paragraph>
                  </Card>
                ) : null}
              </>
            ) : null}
          </Card>
        </Col>
      </Row>
      <Flex style={{ marginTop: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('每次出具都会读取居民的完整身份信息并记入审计日志。', 'Each issue reads the resident’s full identity, which is recorded in the audit log.')}
        </Typography.Text>
      </Flex>
    </>
  );
}
