// Nothing of the app shows until the caller is known: log-in first, then what the server still
// demands (the second factor the role requires, a new password to replace an initial one).
import { Button, Card, Flex, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { LangSwitch } from '../components/LangSwitch';
import { useI18n } from '../i18n';
import { useAuth } from './AuthContext';
import { ChangePasswordForm } from './ChangePasswordForm';
import { LoginPage } from './LoginPage';
import { TotpEnroll } from './TotpEnroll';

function Interstitial({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  const { t } = useI18n();
  const { logout, me } = useAuth();
  return (
    <div className="qc-login">
      <div className="qc-login-lang">
        <LangSwitch />
      </div>
      <Card className="qc-login-card qc-login-card-wide" variant="borderless">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {title}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>
        {children}
        <Flex justify="space-between" align="center" style={{ marginTop: 24 }}>
          <Typography.Text type="secondary">{me?.user.displayName}</Typography.Text>
          <Button type="link" onClick={() => void logout()}>
            {t('退出登录', 'Log out')}
          </Button>
        </Flex>
      </Card>
    </div>
  );
}

export function AuthGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, checking, refresh } = useAuth();
  if (checking) {
    return (
      <Flex align="center" justify="center" style={{ height: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (!me) return <LoginPage />;
  if (me.mfaPending) {
    return (
      <Interstitial title={t('绑定动态验证码', 'Set up your authenticator')} intro={t('您的角色要求使用动态验证码（第二重验证）登录，请先完成绑定。', 'Your role requires a second factor at log-in: set up your authenticator first.')}>
        <TotpEnroll onDone={() => void refresh()} />
      </Interstitial>
    );
  }
  if (me.user.mustChangePassword) {
    return (
      <Interstitial title={t('请修改初始密码', 'Change your initial password')} intro={t('这是管理员为您设置的初始密码，继续使用前请改为只有您知道的密码。', 'This password was set by an administrator: change it to one only you know before you continue.')}>
        <ChangePasswordForm onDone={() => void refresh()} />
      </Interstitial>
    );
  }
  return <>{children}</>;
}
