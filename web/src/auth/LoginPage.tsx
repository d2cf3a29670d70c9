// Log-in: user name and password; the authenticator code when the server asks for it
// (MFA_CODE_REQUIRED); the server's message for every refusal (wrong password, locked account).
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import { LangSwitch } from '../components/LangSwitch';
import { useI18n } from '../i18n';
import { useAuth } from './AuthContext';

interface LoginForm {
  username: string;
  password: string;
  totp?: string;
}

export function LoginPage() {
  const { t, tt } = useI18n();
  const { refresh, lostReason } = useAuth();
  const [form] = Form.useForm<LoginForm>();
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      await api.quiet.post('/auth/login', { username: v.username.trim(), password: v.password, ...(needTotp && v.totp ? { totp: v.totp.trim() } : {}) });
      await refresh();
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err));
      if (e.code === 'MFA_CODE_REQUIRED') {
        setNeedTotp(true);
        setTimeout(() => form.getFieldInstance('totp')?.focus?.(), 50);
      } else if (e.code === 'MFA_CODE_INVALID') {
        form.setFields([{ name: 'totp', errors: [e.message] }]);
      } else if (e.code === 'VALIDATION_FAILED' && e.field === 'totp') {
        form.setFields([{ name: 'totp', errors: [t('请输入 6 位数字动态码', 'Enter the 6-digit code')] }]);
      } else {
        setError(e);
        if (e.code === 'LOGIN_FAILED') form.setFieldValue('password', '');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="qc-login">
      <div className="qc-login-lang">
        <LangSwitch />
      </div>
      <Card className="qc-login-card" variant="borderless">
        <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
          <img src="/favicon.svg" width={56} height={56} alt="" />
          <Typography.Title level={2} style={{ margin: '8px 0 0' }}>
            {tt('appName')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('基层治理赋能平台 · 让基层减负，把时间还给群众', 'Grassroots governance: less paperwork, more time with residents')}</Typography.Text>
        </Flex>
        {lostReason && !error ? <Alert type="warning" showIcon title={lostReason} style={{ marginBottom: 16 }} /> : null}
        {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} size="large" autoComplete="on">
          <Form.Item name="username" label={t('用户名', 'User name')} rules={[{ required: true, whitespace: true, message: t('请输入用户名', 'Enter your user name') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus placeholder={t('用户名', 'User name')} />
          </Form.Item>
          <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" placeholder={t('密码', 'Password')} />
          </Form.Item>
          {needTotp ? (
            <Form.Item
              name="totp"
              label={t('动态验证码', 'Authenticator code')}
              extra={t('打开手机上的身份验证器，输入 6 位数字', 'Open the authenticator app on your phone and enter the 6 digits')}
              rules={[{ required: true, pattern: /^\d{6}$/, message: t('请输入 6 位数字动态码', 'Enter the 6-digit code') }]}
            >
              <Input prefix={<SafetyOutlined />} inputMode="numeric" maxLength={6} autoComplete="one-time-code" placeholder="123456" />
            </Form.Item>
          ) : null}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('登录', 'Log in')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 20, fontSize: 12, textAlign: 'center' }}>
          {t('连续输错密码将锁定账号；忘记密码请联系系统管理员重置。', 'Repeated wrong passwords lock the account; ask your administrator to reset a forgotten password.')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
