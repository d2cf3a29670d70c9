// 实时调阅: a department finds a person by ID number or full name within its grants and reads the
// granted fields live. The purpose is required; every hit is logged with it and shows in the
// person's access trail.
import { SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Row, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { applyFieldErrors } from '../../components/errors';
import { MaskedValue, useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';

type ResidentOut = ResponseOf<'/api/lookup/residents', 'post'>[number];

const shown = new Set(['gridId', 'status', 'idAddressCode']);

export default function LookupPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { fields, label, text } = useFields();
  const kinds = useLabelKinds();
  const [form] = Form.useForm<{ by: 'idNumber' | 'name'; value: string; reason: string }>();
  const by = Form.useWatch('by', form) ?? 'idNumber';
  const [results, setResults] = useState<ResidentOut[] | null>(null);
  const [purpose, setPurpose] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { by: 'idNumber' | 'name'; value: string; reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call.post('/api/lookup/residents', { body: { [v.by]: v.value.trim(), reason: v.reason.trim() } });
      setResults(r);
      setPurpose(v.reason.trim());
    } catch (err) {
      if (!applyFieldErrors(form, err, { idNumber: 'value', name: 'value' })) setError(err as ApiError);
      setResults(null);
    } finally {
      setBusy(false);
    }
  };
  // Household and house by what people call them (户号 and 户主; the address), never by internal id.
  const linkText = (r: ResidentOut, key: string): string | null => {
    if (key === 'householdId' && r[key] !== null && r[key] !== undefined) {
      const h = r.householdRef;
      if (!h) return t('（户信息不在授权范围内）', '(household outside your grant)');
      return h.headName ? t('户号 {no}（户主：{head}）', 'Household {no} (head: {head})', { no: h.householdNo, head: h.headName }) : t('户号 {no}', 'Household {no}', { no: h.householdNo });
    }
    if (key === 'houseId' && r[key] !== null && r[key] !== undefined) return r.houseRef?.address ?? t('（房屋不在授权范围内）', '(house outside your grant)');
    return null;
  };
  const labelName = (c: string) => {
    const k = kinds?.find((x) => x.code === c);
    return k ? (lang === 'en' ? k.nameEn : k.nameZh) : c;
  };

  return (
    <div>
      <PageHeader title={t('实时调阅', 'Live look-up')} subtitle={t('在授权范围内按身份证号或姓名查询居民，读取的是社区维护的实时数据', 'Find a resident by ID number or name within your grants: live data as the community keeps it')} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ by: 'idNumber' }} requiredMark={false}>
          <Row gutter={12}>
            <Col xs={24} md={6}>
              <Form.Item name="by" label={t('查询方式', 'Find by')}>
                <Segmented block options={[{ value: 'idNumber', label: t('身份证号', 'ID number') }, { value: 'name', label: t('姓名', 'Name') }]} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="value" label={by === 'idNumber' ? t('身份证号', 'ID number') : t('姓名（全名）', 'Full name')} rules={[{ required: true, whitespace: true, message: t('请输入查询条件', 'Enter what to look for') }]}>
                <Input allowClear className={by === 'idNumber' ? 'qc-masked' : undefined} maxLength={by === 'idNumber' ? 18 : 40} data-testid="lookup-value" />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="reason" label={t('调阅事由（必填，记入审计日志）', 'Purpose (required, logged)')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写调阅事由（至少 2 个字）', 'Give the purpose (2 characters at least)') }]}>
                <Input maxLength={500} placeholder={t('如：低保年审入户核查', 'e.g. annual allowance review')} data-testid="lookup-reason" />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={busy} data-testid="lookup-submit">
            {t('查询', 'Look up')}
          </Button>
        </Form>
      </Card>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} /> : null}
      {results && !results.length ? <Empty description={t('授权范围内没有找到此人', 'Nobody found within your grants')} /> : null}
      <Flex vertical gap={12} data-testid="lookup-results">
        {(results ?? []).map((r) => (
          <Card
            key={r.id}
            size="small"
            title={
              <Flex gap={8} align="center" wrap>
                <span>{String(r.name ?? t('（姓名未授权）', '(name not granted)'))}</span>
                {(r.labels ?? []).map((l) => (
                  <Tag key={l.code} color="orange">
                    {labelName(l.code)}
                  </Tag>
                ))}
              </Flex>
            }
            extra={<a onClick={() => navigate(`/residents/${r.id}?reason=${encodeURIComponent(purpose)}`)}>{t('查看档案', 'Open')}</a>}
          >
            <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
              {fields('resident')
                .filter((f) => r[f.key] !== undefined && !shown.has(f.key))
                .map((f) => (
                  <Descriptions.Item key={f.key} label={label('resident', f.key)}>
                    {f.secret ? <MaskedValue residentId={r.id} field={f.secret} value={r[f.key] as string | null} masked={r.maskedFields.includes(f.key)} canUnmask /> : linkText(r, f.key) ?? text('resident', f.key, r[f.key])}
                  </Descriptions.Item>
                ))}
            </Descriptions>
          </Card>
        ))}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 16 }}>
        {t('只显示授权给本部门的字段；未授权的字段不会出现在结果、档案和导出中。', 'Only fields granted to your department are shown; others never appear in results, records or exports.')}
      </Typography.Paragraph>
    </div>
  );
}
