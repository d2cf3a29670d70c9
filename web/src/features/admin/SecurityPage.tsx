// 安全策略与机器凭证: which roles must log in with a second factor, and the tokens machines use
// (entrance cameras and water meters posting readings, other platforms calling the API).
import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, DatePicker, Form, Input, Modal, Radio, Select, Switch, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import type { Role } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useDepartments } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { pendingOf } from '../../components/approvals';
import { useRoles } from './UsersPage';
import { UserText } from '../../components/UserText';

type TokenRow = ResponseOf<'/api/admin/api-tokens'>[number];
type NewToken = BodyOf<'/api/admin/api-tokens'>;

const machinePermissions: { key: string; label: [string, string] }[] = [
  { key: 'devices:ingest', label: ['上报设备数据（门禁抓拍、水表读数）', 'post device readings (entrance captures, water meters)'] },
  { key: 'registry:lookup', label: ['按授权调阅居民数据', 'look up residents within grants'] },
  { key: 'reports:read', label: ['读取报表', 'read reports'] },
  { key: 'tree:read', label: ['读取区划与网格', 'read the tree and grids'] },
];

export function MfaPolicyCard() {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const roles = useRoles();
  const policies = useApi((signal) => call.get('/api/admin/role-policies', { signal }), []);
  const [busy, setBusy] = useState<string | null>(null);
  const name = useMemo(() => new Map((roles.data ?? []).map((r) => [r.role, lang === 'en' ? r.en : r.zh])), [roles.data, lang]);
  const toggle = async (role: Role, mfaRequired: boolean) => {
    setBusy(role);
    try {
      await call.put('/api/admin/role-policies/{role}', { path: { role }, body: { mfaRequired } });
      message.success(mfaRequired ? t('已要求 {r} 使用动态验证码', '{r} must now use an authenticator', { r: name.get(role) ?? role }) : t('已取消 {r} 的动态验证码要求', '{r} no longer needs an authenticator', { r: name.get(role) ?? role }));
      policies.reload();
    } catch (err) {
      message.error((err as ApiError).message);
    } finally {
      setBusy(null);
    }
  };
  if (!can('policy:manage')) return null;
  return (
    <Card size="small" title={t('登录第二重验证（按角色）', 'Second factor at log-in, per role')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('开启后，该角色的用户登录时须输入手机身份验证器的 6 位动态码；尚未绑定的用户下次登录时会被引导完成绑定。', 'When on, users of the role must give the 6-digit code from an authenticator app; those without one are led through setting it up at their next log-in.')}</Typography.Paragraph>
      <ErrorAlert error={policies.error} onRetry={policies.reload} />
      <Table
        size="small"
        rowKey="role"
        loading={policies.loading}
        pagination={false}
        dataSource={policies.data ?? []}
        data-testid="mfa-policies"
        columns={[
          { key: 'role', title: t('角色', 'Role'), render: (_, p) => name.get(p.role) ?? p.role },
          { key: 'mfa', title: t('须用动态验证码', 'Authenticator required'), render: (_, p) => <Switch checked={p.mfaRequired} loading={busy === p.role} onChange={(v) => void toggle(p.role, v)} data-testid={`mfa-${p.role}`} /> },
        ]}
      />
    </Card>
  );
}

export function TokensCard() {
  const { t, tt, lang } = useI18n();
  const { can } = useAuth();
  const { modal, message } = App.useApp();
  const tokens = useApi((signal) => call.get('/api/admin/api-tokens', { signal }), []);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<string | null>(null);
  if (!can('tokens:manage')) return null;
  const revoke = (tk: TokenRow) =>
    modal.confirm({
      title: t('吊销凭证「{n}」？', 'Revoke "{n}"?', { n: tk.name }),
      content: t('吊销立即生效，使用该凭证的设备或平台将无法再接入。', 'Takes effect at once: devices or platforms using it can no longer connect.'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await call.del('/api/admin/api-tokens/{id}', { path: { id: tk.id } });
          message.success(t('已吊销', 'Revoked'));
          tokens.reload();
        } catch (err) {
          message.error((err as ApiError).message);
        }
      },
    });
  const permLabel = (p: string) => {
    const m = machinePermissions.find((x) => x.key === p);
    return m ? m.label[lang === 'en' ? 1 : 0] : p;
  };
  return (
    <Card
      size="small"
      title={t('机器凭证（设备与外部平台）', 'Machine tokens (devices and other platforms)')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-new">
          {t('签发凭证', 'Issue a token')}
        </Button>
      }
    >
      <ErrorAlert error={tokens.error} onRetry={tokens.reload} />
      <Table
        size="small"
        rowKey="id"
        loading={tokens.loading}
        dataSource={tokens.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="tokens-table"
        columns={[
          { key: 'name', title: tt('name'), render: (_, k) => <UserText>{k.name}</UserText> },
          { key: 'kind', title: t('类型', 'Kind'), render: (_, k) => (k.kind === 'device' ? t('设备', 'device') : t('外部平台', 'platform')) },
          { key: 'perms', title: t('权限', 'Permissions'), render: (_, k) => k.permissions.map((p) => <Tag key={p}>{permLabel(p)}</Tag>) },
          { key: 'used', title: t('最近使用', 'Last used'), render: (_, k) => (k.lastUsedAt ? dayjs(k.lastUsedAt).format('YYYY-MM-DD HH:mm') : '—') },
          { key: 'exp', title: t('有效期至', 'Expires'), render: (_, k) => (k.expiresAt ? dayjs(k.expiresAt).format('YYYY-MM-DD') : t('长期', 'never')) },
          {
            key: 'state',
            title: tt('status'),
            render: (_, k) => (k.revokedAt ? <Tag>{t('已吊销', 'revoked')}</Tag> : k.expiresAt && dayjs(k.expiresAt).isBefore(dayjs()) ? <Tag>{t('已过期', 'expired')}</Tag> : <Tag color="green">{t('有效', 'active')}</Tag>),
          },
          { key: 'actions', title: '', render: (_, k) => (k.revokedAt ? null : <Button size="small" danger onClick={() => revoke(k)}>{t('吊销', 'Revoke')}</Button>) },
        ]}
      />
      {creating ? (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onDone={(token) => {
            setCreating(false);
            setIssued(token);
            tokens.reload();
          }}
        />
      ) : null}
      <Modal open={issued !== null} title={t('凭证已签发', 'Token issued')} onCancel={() => setIssued(null)} footer={<Button type="primary" onClick={() => setIssued(null)}>{t('我已妥善保存', 'I have stored it')}</Button>}>
        <Alert type="warning" showIcon title={t('凭证只显示这一次，请立即复制并妥善保存到设备或平台的配置中。', 'This is the only time the token is shown: copy it into the device or platform configuration now.')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: issued ?? '', icon: <CopyOutlined /> }} code style={{ wordBreak: 'break-all' }} data-testid="token-secret">
          {issued}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

function CreateTokenModal({ onClose, onDone }: { onClose(): void; onDone(token: string | null): void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const departments = useDepartments();
  const [form] = Form.useForm();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const permissions = (Form.useWatch('permissions', form) as string[] | undefined) ?? [];
  const personal = permissions.includes('registry:lookup');
  const submit = async (v: { name: string; kind: NewToken['kind']; nodeId: number; departmentId?: number; permissions: NewToken['permissions']; expiresAt?: Dayjs; reason?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await call.post('/api/admin/api-tokens', { body: { name: v.name.trim(), kind: v.kind, nodeId: v.nodeId, departmentId: v.departmentId, permissions: v.permissions, expiresAt: v.expiresAt ? v.expiresAt.endOf('day').toISOString() : undefined, reason: v.reason?.trim() || undefined } });
      const pending = pendingOf(r);
      if (pending) {
        message.info(t('已提交安全管理员审批（#{id}）；批准后在「审批」页领取凭证', 'Sent to a security officer (#{id}); once approved, collect the token on the Approvals page', { id: pending.id }));
        onDone(null);
      } else onDone(r.token);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open width={600} title={t('签发机器凭证', 'Issue a machine token')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'device', permissions: ['devices:ingest'] }} preserve={false}>
        <Form.Item name="name" label={t('名称', 'Name')} rules={[{ required: true, whitespace: true, min: 2, max: 80 }]}>
          <Input placeholder={t('如：滨体社区 3 号楼门禁', 'e.g. building 3 entrance camera')} />
        </Form.Item>
        <Form.Item name="kind" label={t('类型', 'Kind')}>
          <Radio.Group options={[{ value: 'device', label: t('设备', 'Device') }, { value: 'platform', label: t('外部平台', 'Platform') }]} />
        </Form.Item>
        <Form.Item name="nodeId" label={t('数据范围（辖区）', 'Area (data scope)')} rules={[{ required: true, message: t('请选择', 'Choose one') }]}>
          <NodePicker levels={['city', 'district', 'street', 'community', 'grid']} testId="token-node" />
        </Form.Item>
        <Form.Item name="departmentId" label={t('代表部门（调阅时按该部门授权）', 'On behalf of a department (look-ups use its grants)')}>
          <Select allowClear options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))} />
        </Form.Item>
        <Form.Item name="permissions" label={t('权限', 'Permissions')} rules={[{ required: true, type: 'array', min: 1, message: t('至少选择一项', 'Choose at least one') }]}>
          <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 4 }} options={machinePermissions.map((m) => ({ value: m.key, label: m.label[lang === 'en' ? 1 : 0] }))} />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('有效期至（可空）', 'Expires (optional)')}>
          <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
        </Form.Item>
        {personal ? (
          <Form.Item name="reason" label={t('申请理由（调阅居民数据的凭证须经安全管理员审批）', 'Reason (a token that looks up residents needs a security officer’s approval)')} rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}>
            <Input.TextArea rows={2} data-testid="token-reason" />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

export default function SecurityPage() {
  const { t } = useI18n();
  return (
    <div>
      <PageHeader title={t('安全设置', 'Security')} subtitle={t('登录策略与机器凭证', 'Log-in policy and machine tokens')} />
      <MfaPolicyCard />
      <TokensCard />
    </div>
  );
}
