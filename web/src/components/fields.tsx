// Turning catalogue fields into words: a field's heading, a code's name (性别 "2" → 女), dates,
// and the masked ID numbers and phones with their explicit, logged "show" action.
import { EyeOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Tooltip, Typography } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { UserText } from './UserText';
import type { ApiError } from '../api/client';
import { call } from '../api/typed';
import type { Catalogue, FieldInfo, RecordKind } from '../api/types';
import { useCatalogue } from '../hooks/useReference';
import { useI18n } from '../i18n';

export interface FieldHelpers {
  catalogue: Catalogue | undefined;
  fields(kind: RecordKind): FieldInfo[];
  field(kind: RecordKind, key: string): FieldInfo | undefined;
  label(kind: RecordKind, key: string): string;
  /** The value as a person reads it: code names, "—" for nothing. */
  text(kind: RecordKind, key: string, value: unknown): string;
  /** The same for display: a code's name as the app's word, anything typed marked as user data. */
  show(kind: RecordKind, key: string, value: unknown): ReactNode;
  code(table: string, value: string | null | undefined): string;
}

export function useFields(): FieldHelpers {
  const catalogue = useCatalogue();
  const { lang } = useI18n();
  const fields = useCallback((kind: RecordKind) => catalogue?.kinds[kind] ?? [], [catalogue]);
  const field = useCallback((kind: RecordKind, key: string) => catalogue?.kinds[kind]?.find((f) => f.key === key), [catalogue]);
  const label = useCallback(
    (kind: RecordKind, key: string) => {
      if (key.startsWith('label:')) return key.slice(6);
      const f = catalogue?.kinds[kind]?.find((x) => x.key === key);
      // The catalogue's English names are lower case (they also serve inside sentences); headings start with a capital.
      return f ? (lang === 'en' ? f.en.charAt(0).toUpperCase() + f.en.slice(1) : f.zh) : key;
    },
    [catalogue, lang],
  );
  const text = useCallback(
    (kind: RecordKind, key: string, value: unknown) => {
      if (value === null || value === undefined || value === '') return '—';
      const f = catalogue?.kinds[kind]?.find((x) => x.key === key);
      if (f?.codes) {
        const c = f.codes[String(value)];
        if (c) return lang === 'en' ? c.en : c.zh;
      }
      return String(value);
    },
    [catalogue, lang],
  );
  const show = useCallback(
    (kind: RecordKind, key: string, value: unknown): ReactNode => {
      if (value === null || value === undefined || value === '') return '—';
      const f = catalogue?.kinds[kind]?.find((x) => x.key === key);
      if (f?.codes?.[String(value)]) return text(kind, key, value);
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return <UserText>{String(value)}</UserText>;
    },
    [catalogue, text],
  );
  const code = useCallback(
    (table: string, value: string | null | undefined) => {
      if (!value) return '—';
      const c = catalogue?.codeTables[table]?.[value];
      return c ? (lang === 'en' ? c.en : c.zh) : value;
    },
    [catalogue, lang],
  );
  return { catalogue, fields, field, label, text, show, code };
}

/**
 * A masked ID number or phone. With permission, "show" asks why, reveals the value through the
 * logged unmask action, and keeps it visible on this screen only.
 */
export function MaskedValue({ residentId, field, value, masked, canUnmask, testId }: { residentId: number; field: 'idNumber' | 'phone'; value: string | number | null | undefined; masked: boolean; canUnmask: boolean; testId?: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [clear, setClear] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  if (!value) return <span>—</span>;
  if (clear !== null || !masked) {
    return (
      <Typography.Text className="qc-masked" copyable={clear !== null} data-testid={testId}>
        {clear ?? value}
      </Typography.Text>
    );
  }
  const submit = async (v: { reason: string }) => {
    setBusy(true);
    try {
      const r = await call.post('/api/residents/{id}/unmask', { path: { id: residentId }, body: { field, reason: v.reason.trim() } });
      setClear(r.value ?? '');
      setOpen(false);
      message.success(t('已显示完整号码，此次查看已记入审计日志', 'Shown in full; this look has been logged'));
    } catch (err) {
      const e = err as ApiError;
      form.setFields([{ name: 'reason', errors: [e.message] }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <span className="qc-masked" data-testid={testId}>
        {value}
      </span>
      {canUnmask ? (
        <Tooltip title={t('查看完整号码（需填写事由，将记入审计日志）', 'Show in full (give a reason; the look is logged)')}>
          <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setOpen(true)} data-testid={testId ? `${testId}-unmask` : undefined}>
            {t('查看', 'Show')}
          </Button>
        </Tooltip>
      ) : null}
      <Modal
        open={open}
        title={field === 'idNumber' ? t('查看完整证件号码', 'Show the full ID number') : t('查看完整电话号码', 'Show the full phone number')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('查看', 'Show')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('个人敏感信息默认遮蔽显示。请说明查看原因，此次查看将连同事由记入审计日志，居民的访问记录中也可看到。', 'Personal data is masked by default. Say why you need it: the look is logged with your reason and appears in the resident’s access trail.')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
          <Form.Item name="reason" label={t('查看事由', 'Reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('请填写查看事由（至少 2 个字）', 'Give a reason (2 characters at least)') }]}>
            <Input.TextArea rows={2} maxLength={500} placeholder={t('如：核实低保申请材料', 'e.g. checking an allowance application')} autoFocus data-testid="unmask-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </span>
  );
}
