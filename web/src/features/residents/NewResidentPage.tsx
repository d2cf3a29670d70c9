// 登记居民: a new person on a grid of the current place. The ID number is checked (GB 11643) and
// one person is one record across the city: a number already registered is refused with where.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Flex, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import { call } from '../../api/typed';
import { applyFieldErrors } from '../../components/errors';
import { useFields } from '../../components/fields';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { RecordFields, toBody } from '../../components/RecordForm';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { UserText } from '../../components/UserText';

export default function NewResidentPage() {
  const { t, tt } = useI18n();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { place } = usePlace();
  const { fields } = useFields();
  const [form] = Form.useForm();
  const gridId = Form.useWatch('gridId', form) as number | undefined;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: Record<string, unknown>) => {
    const { gridId: grid, reason, ...rest } = values as Record<string, unknown> & { gridId: number; reason?: string };
    setBusy(true);
    setError(null);
    try {
      const created = await call.post('/api/residents', { body: { gridId: grid, ...toBody(fields('resident'), rest), reason: reason?.trim() || undefined } });
      message.success(t('已登记 {n}', '{n} registered', { n: created.name ?? '' }));
      navigate(`/residents/${created.id}`, { replace: true });
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'RESIDENT_DUPLICATE_ID') {
        form.setFields([{ name: 'idNumber', errors: [e.message] }]);
        setError(e);
      } else if (!applyFieldErrors(form, err)) setError(e);
      else setError(e.code === 'RECORD_INVALID' || e.code === 'VALIDATION_FAILED' ? null : e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageHeader
        title={
          <Flex align="center" gap={8}>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={tt('back')} />
            {t('登记居民', 'Register a resident')}
          </Flex>
        }
        subtitle={<UserText>{place?.name}</UserText>}
      />
      <Card>
        {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} data-testid="resident-create-error" /> : null}
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ idType: '01', residenceStatus: 'registered', ethnicity: '01', gridId: place?.level === 'grid' ? place.id : undefined }} scrollToFirstError>
          <RecordFields
            kind="resident"
            form={form}
            gridId={gridId}
            extra={
              <Col xs={24} md={12}>
                <Form.Item name="gridId" label={t('所属网格', 'Grid')} rules={[{ required: true, message: t('请选择所属网格', 'Choose the grid') }]}>
                  <NodePicker levels={['grid']} testId="field-gridId" />
                </Form.Item>
              </Col>
            }
          />
          <Form.Item name="reason" label={t('登记说明', 'Note')}>
            <Input maxLength={500} placeholder={t('如：新迁入', 'e.g. newly moved in')} />
          </Form.Item>
          <Flex gap={8} justify="flex-end">
            <Button onClick={() => navigate(-1)}>{tt('cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="resident-create">
              {t('登记', 'Register')}
            </Button>
          </Flex>
        </Form>
      </Card>
    </div>
  );
}
