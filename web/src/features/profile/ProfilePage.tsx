// 个人设置: who I am and where, my password, my authenticator.
import { CheckCircleTwoTone } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Modal, Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import { roleNames } from '../../../../src/platform/auth/roles';
import { useAuth } from '../../auth/AuthContext';
import { ChangePasswordForm } from '../../auth/ChangePasswordForm';
import { TotpEnroll } from '../../auth/TotpEnroll';
import { PageHeader } from '../../components/PageHeader';
import { LangSwitch } from '../../components/LangSwitch';
import { useI18n } from '../../i18n';
import { UserText } from '../../components/UserText';

export default function ProfilePage() {
  const { t, tt, pick } = useI18n();
  const { me, refresh } = useAuth();
  const { message } = App.useApp();
  const [enrol, setEnrol] = useState(false);
  if (!me) return null;
  const u = me.user;
  return (
    <div>
      <PageHeader title={tt('profile')} subtitle={<UserText>{u.displayName}</UserText>} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('账号', 'Account')} size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('用户名', 'User name')}>{u.username}</Descriptions.Item>
              <Descriptions.Item label={t('姓名', 'Name')}><UserText>{u.displayName}</UserText></Descriptions.Item>
              <Descriptions.Item label={t('角色', 'Role')}>
                {roleNames[u.role] ? pick(roleNames[u.role]) : u.roleName}
                {u.gridWorkerKind ? <Tag style={{ marginInlineStart: 8 }}>{tt(`worker_${u.gridWorkerKind}` as 'worker_full_time')}</Tag> : null}
              </Descriptions.Item>
              <Descriptions.Item label={t('所在辖区', 'Place')}>{me.node ? <UserText>{me.node.trail.join(' / ')}</UserText> : '—'}</Descriptions.Item>
              <Descriptions.Item label={tt('language')}>
                <LangSwitch />
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('动态验证码（第二重验证）', 'Authenticator (second factor)')} size="small" style={{ marginTop: 16 }}>
            {u.totpEnabled ? (
              <Typography.Paragraph>
                <CheckCircleTwoTone twoToneColor="#52c41a" /> {t('已启用。登录时需要输入手机身份验证器上的 6 位动态码。', 'On. Logging in asks for the 6-digit code from your authenticator app.')}
              </Typography.Paragraph>
            ) : (
              <Typography.Paragraph type="secondary">{t('未启用。启用后，即使密码泄露，他人也无法登录您的账号。', 'Off. With it on, a leaked password alone cannot open your account.')}</Typography.Paragraph>
            )}
            <Button onClick={() => setEnrol(true)}>{u.totpEnabled ? t('更换手机 / 重新绑定', 'Move to a new phone') : t('启用动态验证码', 'Turn it on')}</Button>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('修改密码', 'Change password')} size="small">
            <Typography.Paragraph type="secondary">{t('修改后，您在其他设备上的登录将全部失效。', 'Changing it logs you out on every other device.')}</Typography.Paragraph>
            <ChangePasswordForm onDone={() => message.success(t('密码已修改', 'Password changed'))} />
          </Card>
        </Col>
      </Row>
      <Modal open={enrol} title={t('绑定动态验证码', 'Set up your authenticator')} footer={null} onCancel={() => setEnrol(false)} destroyOnHidden width={600}>
        <TotpEnroll
          replacing={u.totpEnabled}
          onDone={() => {
            setEnrol(false);
            message.success(t('动态验证码已启用', 'Authenticator turned on'));
            void refresh();
          }}
        />
      </Modal>
    </div>
  );
}
