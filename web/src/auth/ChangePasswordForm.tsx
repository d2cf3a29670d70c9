// Changing the own password: the forced change after an initial or reset password, and the
// voluntary one on the account page. The policy is checked here first and again by the server.
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import { applyFieldErrors } from '../components/errors';
import { useI18n } from '../i18n';
import { useAuth } from './AuthContext';
import { passwordHint, passwordProblem } from './passwordRules';

export function ChangePasswordForm({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const { ui } = useAuth();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; repeat: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} style={{ maxWidth: 420 }}>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} /> : null}
      <Form.Item name="currentPassword" label={t('当前密码', 'Current password')} rules={[{ required: true, message: t('请输入当前密码', 'Enter the current password') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('新密码', 'New password')}
        extra={passwordHint(ui, t)}
        rules={[
          { required: true, message: t('请输入新密码', 'Enter a new password') },
          { validator: async (_r, v: string) => { const p = v ? passwordProblem(v, ui, t) : null; if (p) throw new Error(p); } },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="repeat"
        label={t('再次输入新密码', 'Repeat the new password')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('请再次输入新密码', 'Repeat the new password') },
          ({ getFieldValue }) => ({ validator: async (_r, v: string) => { if (v && v !== getFieldValue('newPassword')) throw new Error(t('两次输入不一致', 'The two entries differ')); } }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('修改密码', 'Change password')}
      </Button>
    </Form>
  );
}
