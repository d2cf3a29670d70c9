// Recording a visit (走访): kind, notes, when; "confirm" marks the person's record as checked, so
// it leaves the to-do list until its next review is due. It is never ticked in advance: the
// worker ticks it after checking, and the form names the review items the tick confirms.
import { Alert, Button, Checkbox, DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { applyFieldErrors } from '../../components/errors';
import { useFields } from '../../components/fields';
import { useI18n } from '../../i18n';

export type VisitResult = ResponseOf<'/api/visits', 'post'>;
type VisitKind = BodyOf<'/api/visits'>['kind'];

export function VisitForm({ residentId, householdId, onDone, compact, confirms, withHousehold }: { residentId?: number; householdId?: number; onDone(r: VisitResult): void; compact?: boolean; /** Names of the review items a confirming visit restarts. */ confirms?: string[]; /** The person's household is confirmed too. */ withHousehold?: boolean }) {
  const { t, lang } = useI18n();
  const { catalogue } = useFields();
  const [form] = Form.useForm<{ kind: VisitKind; notes?: string; visitedAt?: Dayjs; confirm: boolean }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const kinds = Object.entries(catalogue?.codeTables.visitKind ?? { routine: { zh: '例行走访', en: 'routine visit' } });

  const submit = async (v: { kind: VisitKind; notes?: string; visitedAt?: Dayjs; confirm: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call.post('/api/visits', {
        body: {
          ...(residentId ? { residentId } : { householdId }),
          kind: v.kind,
          notes: v.notes?.trim() || undefined,
          visitedAt: v.visitedAt ? v.visitedAt.toISOString() : undefined,
          confirm: v.confirm,
        },
      });
      form.resetFields();
      onDone(r);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'routine', confirm: false }} requiredMark={false} data-testid="visit-form">
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form.Item name="kind" label={t('走访类型', 'Kind of visit')} rules={[{ required: true }]}>
        <Select options={kinds.map(([k, n]) => ({ value: k, label: lang === 'en' ? n.en : n.zh }))} data-testid="visit-kind" />
      </Form.Item>
      <Form.Item name="notes" label={t('走访情况', 'Notes')}>
        <Input.TextArea rows={compact ? 2 : 3} maxLength={2000} placeholder={t('如：身体状况良好，已提醒冬季用电安全', 'e.g. in good health; reminded about heating safety')} data-testid="visit-notes" />
      </Form.Item>
      {compact ? null : (
        <Form.Item name="visitedAt" label={t('走访时间（默认现在）', 'When (default: now)')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} />
        </Form.Item>
      )}
      <Form.Item
        name="confirm"
        valuePropName="checked"
        extra={
          <span data-testid="visit-confirm-items">
            {confirms?.filter(Boolean).length
              ? t('勾选即确认以下信息无误：{items}', 'Ticking confirms these as right: {items}', { items: confirms.filter(Boolean).join(lang === 'en' ? ', ' : '、') }) + (withHousehold ? t('，及所在户的户信息', ', and the household’s record') : '')
              : t('勾选即确认此人（及所在户）由社区维护的信息无误', 'Ticking confirms the community-kept data of this person (and household) as right')}
          </span>
        }
      >
        <Checkbox data-testid="visit-confirm">{t('已当面核实，信息无误（更新维护时间）', 'Checked in person: the record is right (restarts its review clock)')}</Checkbox>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block={compact} size={compact ? 'large' : 'middle'} data-testid="visit-submit">
        {t('记录走访', 'Record the visit')}
      </Button>
    </Form>
  );
}
