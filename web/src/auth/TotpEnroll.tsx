// Setting up the authenticator (TOTP): a fresh secret as a QR code and as text, then one current
// code to prove the phone has it. Used when the role requires a second factor, and on the account
// page for anyone who wants one.
import { Alert, Button, Flex, Form, Input, Spin, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { useI18n } from '../i18n';

export function TotpEnroll({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<{ qrDataUrl: string; secret: string; otpauthUrl: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string }>();

  const start = async () => {
    setError(null);
    try {
      setSetup(await api.post('/auth/totp/start'));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  useEffect(() => {
    void start();
  }, []);

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
      {error ? <Alert type="error" showIcon title={error.message} action={<Button size="small" onClick={start}>{t('重新生成', 'Start again')}</Button>} /> : null}
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
