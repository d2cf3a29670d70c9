// Setting up the authenticator (TOTP): a fresh secret as a QR code and as text, then one current
// code to prove the phone has it. Used when the role requires a second factor, and on the account
// page for anyone who wants one. Replacing a factor already on first asks for the password and a
// code from the current authenticator: a session alone cannot move the second factor.
import { Alert, Button, Flex, Form, Input, Spin, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { useI18n } from '../i18n';

export function TotpEnroll({ onDone, replacing = false }: { onDone(): void; replacing?: boolean }) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<{ qrDataUrl: string; secret: string; otpauthUrl: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string }>();
  const [proofForm] = Form.useForm<{ password: string; code: string }>();

  const start = async (proof?: { password: string; code: string }) => {
    setError(null);
    try {
      setSetup(await api.post('/auth/totp/start', proof ? { password: proof.password, code: proof.code.trim() } : {}));
    } catch (err) {
      const e = err as ApiError;
      if (proof && (e.field === 'password' || e.field === 'code')) proofForm.setFields([{ name: e.field, errors: [e.message] }]);
      else setError(e);
    }
  };
  useEffect(() => {
    if (!replacing) void start();
  }, []);

  if (replacing && !setup) {
    return (
      <Flex vertical gap={12} style={{ maxWidth: 520 }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('更换身份验证器前，请输入登录密码和当前手机上显示的 6 位动态码。新的验证器绑定完成前，原来的继续有效。', 'Before moving to a new authenticator, enter your password and the 6-digit code your current one shows. The current one stays in force until the new one is set up.')}
        </Typography.Paragraph>
        {error ? <Alert type="error" showIcon title={error.message} /> : null}
        <Form form={proofForm} layout="vertical" onFinish={(v) => void start(v)}>
          <Form.Item name="password" label={t('登录密码', 'Password')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="totp-reauth-password" />
          </Form.Item>
          <Form.Item name="code" label={t('当前动态码', 'Current code')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('请输入 6 位数字', 'Enter 6 digits') }]}>
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" style={{ width: 160 }} data-testid="totp-reauth-code" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('下一步', 'Next')}
          </Button>
        </Form>
      </Flex>
    );
  }

  const confirm = async (v: { code: string }) => {
    setBusy(true);
    try {
      await api.post('/auth/totp/confirm', { code: v.code.trim() });
      onDone();
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'MFA_CODE_INVALID' || e.field === 'code') form.setFields([{ name: 'code', errors: [e.message] }]);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={16} style={{ maxWidth: 520 }}>
      <Steps
        size="small"
        current={1}
        items={[{ title: t('安装身份验证器', 'Install an authenticator') }, { title: t('扫描二维码', 'Scan the code') }, { title: t('输入动态码', 'Enter a code') }]}
      />
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('在手机上安装任一支持 TOTP 的身份验证器（如 Microsoft Authenticator、Google 身份验证器、FreeOTP），扫描下方二维码，然后输入显示的 6 位数字。', 'Install any TOTP authenticator on your phone (Microsoft Authenticator, Google Authenticator, FreeOTP …), scan the code below, then enter the 6 digits it shows.')}
      </Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error.message} action={<Button size="small" onClick={() => void start()}>{t('重新生成', 'Start again')}</Button>} /> : null}
      {!setup && !error ? <Spin /> : null}
      {setup ? (
        <Flex gap={24} wrap align="center">
          <img src={setup.qrDataUrl} width={180} height={180} alt={t('动态验证码二维码', 'Authenticator QR code')} data-testid="totp-qr" style={{ border: '1px solid #eee', borderRadius: 8 }} />
          <div style={{ minWidth: 0, flex: 1 }}>
            <Typography.Text type="secondary">{t('无法扫码时手动输入密钥：', 'Cannot scan? Enter this key by hand:')}</Typography.Text>
            <Typography.Paragraph copyable={{ text: setup.secret }} code style={{ wordBreak: 'break-all' }} data-testid="totp-secret">
              {setup.secret}
            </Typography.Paragraph>
          </div>
        </Flex>
      ) : null}
      <Form form={form} layout="inline" onFinish={confirm} disabled={!setup}>
        <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: t('请输入 6 位数字', 'Enter 6 digits') }]}>
          <Input inputMode="numeric" maxLength={6} placeholder="123456" autoComplete="one-time-code" style={{ width: 160 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('完成绑定', 'Turn it on')}
        </Button>
      </Form>
    </Flex>
  );
}
