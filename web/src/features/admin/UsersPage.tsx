// 账号管理: staff accounts in the administrator's area. Create one on a tree node (the role decides
// the level), disable or enable it, unlock it after failed log-ins, reset its password (the user
// must change it at the next log-in).
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Col, Dropdown, Form, Input, Modal, Row, Select, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import type { Role, TreeLevel } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { passwordHint, passwordProblem } from '../../auth/passwordRules';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useDepartments } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { deciderNames, pendingOf } from '../../components/approvals';
import { UserText } from '../../components/UserText';
import { roleNames, roles as allRoles } from '../../../../src/platform/auth/roles';

/** Accounts whose creation and changes an auditor approves; their passwords go to the approver. */
const OVERSIGHT: Role[] = ['auditor', 'security_officer'];

type UserRow = ResponseOf<'/api/admin/users'>['items'][number];
export type RoleInfo = ResponseOf<'/api/roles'>[number];
type NewUser = BodyOf<'/api/admin/users'>;
type UserPatch = BodyOf<'/api/admin/users/{id}', 'patch'>;

/** Which tree level each role's account hangs on (the server checks the same). */
const roleLevels: Record<Role, TreeLevel[]> = {
  community_worker: ['community'], grid_worker: ['grid'], street_staff: ['street'], department_staff: ['city', 'district'], reviewer: ['city', 'district'],
  assessment_office: ['city', 'district'], staffing_office: ['city', 'district'], auditor: ['city', 'district'], security_officer: ['city', 'district'], admin: ['city', 'district'],
};

export function useRoles() {
  return useApi((signal) => call.get('/api/roles', { signal }), []);
}

const PAGE = 20;

export default function UsersPage() {
  const { t, tt, tn, lang } = useI18n();
  const { me } = useAuth();
  const { place } = usePlace();
  const { message, modal } = App.useApp();
  const roles = useRoles();
  const departments = useDepartments();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const role = allRoles.find((r) => r === params.get('role'));
  const page = Number(params.get('page') ?? 1) || 1;
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/admin/users', { query: { nodeId: place?.id, role, q: q || undefined, limit: PAGE, offset: (page - 1) * PAGE }, signal }), [place?.id, role, q, page]);
  // Role names from the list the server uses, in the reader's language (the API's own names are in the caller's).
  const roleName = useMemo(() => new Map((roles.data ?? []).map((r) => [r.role, roleNames[r.role as Role] ? (lang === 'en' ? roleNames[r.role as Role]!.en : roleNames[r.role as Role]!.zh) : lang === 'en' ? r.en : r.zh])), [roles.data, lang]);
  const deptName = useMemo(() => new Map((departments ?? []).map((d) => [d.id, d.shortName])), [departments]);

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const [asking, setAsking] = useState<{ u: UserRow; body: UserPatch; title: string } | null>(null);
  const patch = async (u: UserRow, body: UserPatch, done: string) => {
    // Changes to oversight accounts go to an approver and need a reason.
    if (OVERSIGHT.includes(u.role) && !body.reason) {
      setAsking({ u, body, title: done });
      return;
    }
    try {
      const res = await call.patch('/api/admin/users/{id}', { path: { id: u.id }, body });
      const pending = pendingOf(res);
      if (pending) message.info(t('已提交{d}审批（#{id}），批准后生效', 'Sent to {d} for approval (#{id}); it takes effect once approved', { d: lang === 'en' ? deciderNames[pending.decidedWith][1] : deciderNames[pending.decidedWith][0], id: pending.id }));
      else message.success(done);
      setAsking(null);
      reload();
    } catch (err) {
      message.error((err as ApiError).message);
    }
  };

  const locked = (u: UserRow) => u.lockedUntil && dayjs(u.lockedUntil).isAfter(dayjs());

  return (
    <div>
      <PageHeader
        title={t('账号管理', 'Accounts')}
        subtitle={tn('{p} 及下级的工作人员账号', 'Staff accounts at {p} and below', { p: <UserText>{place?.name}</UserText> })}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-new">
            {t('新建账号', 'New account')}
          </Button>
        }
      />
      <Row gutter={8} style={{ marginBottom: 12 }}>
        <Col xs={24} md={8}>
          <Input.Search key={q} defaultValue={q} allowClear placeholder={t('用户名或姓名', 'User name or name')} onSearch={(v) => set({ q: v.trim() || undefined })} />
        </Col>
        <Col xs={24} md={6}>
          <Select allowClear value={role} onChange={(v) => set({ role: v })} placeholder={t('全部角色', 'All roles')} style={{ width: '100%' }} options={(roles.data ?? []).map((r) => ({ value: r.role, label: lang === 'en' ? r.en : r.zh }))} />
        </Col>
      </Row>
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<UserRow>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false, onChange: (p) => set({ page: String(p) }) }}
        data-testid="users-table"
        columns={[
          { key: 'username', title: t('用户名', 'User name'), dataIndex: 'username' },
          { key: 'name', title: t('姓名', 'Name'), render: (_, u) => <UserText>{u.displayName}</UserText> },
          {
            key: 'role',
            title: t('角色', 'Role'),
            render: (_, u) => (
              <>
                {roleNames[u.role as Role] ? (lang === 'en' ? roleNames[u.role as Role]!.en : roleNames[u.role as Role]!.zh) : (roleName.get(u.role) ?? u.role)}
                {u.gridWorkerKind ? <Tag style={{ marginInlineStart: 6 }}>{tt(`worker_${u.gridWorkerKind}` as 'worker_full_time')}</Tag> : null}
                {u.departmentId ? <Tag color="purple" style={{ marginInlineStart: 6 }}><UserText>{deptName.get(u.departmentId) ?? u.departmentId}</UserText></Tag> : null}
              </>
            ),
          },
          { key: 'node', title: t('所在辖区', 'Place'), render: (_, u) => (u.nodeName ? <UserText>{u.nodeName}</UserText> : u.nodeId) },
          {
            key: 'status',
            title: tt('status'),
            render: (_, u) =>
              u.status === 'disabled' ? <Badge status="default" text={t('已停用', 'disabled')} /> : locked(u) ? <Badge status="error" text={t('已锁定', 'locked')} /> : u.mustChangePassword ? <Badge status="warning" text={t('待改初始密码', 'must change password')} /> : <Badge status="success" text={t('正常', 'active')} />,
          },
          { key: 'totp', title: t('动态码', '2FA'), render: (_, u) => (u.totpEnabled ? <Tag color="green">{t('已启用', 'on')}</Tag> : <Typography.Text type="secondary">—</Typography.Text>) },
          { key: 'last', title: t('最近登录', 'Last log-in'), render: (_, u) => (u.lastLoginAt ? dayjs(u.lastLoginAt).format('YYYY-MM-DD HH:mm') : '—') },
          {
            key: 'actions',
            title: tt('actions'),
            render: (_, u) =>
              u.id === me?.user.id ? (
                <Typography.Text type="secondary">{t('本人', 'you')}</Typography.Text>
              ) : (
                <Dropdown
                  trigger={['click']}
                  menu={{
                    items: [
                      ...(locked(u) ? [{ key: 'unlock', label: t('解除锁定', 'Unlock') }] : []),
                      { key: 'reset', label: t('重置密码', 'Reset password') },
                      u.status === 'active' ? { key: 'disable', label: t('停用账号', 'Disable'), danger: true } : { key: 'enable', label: t('启用账号', 'Enable') },
                    ],
                    onClick: ({ key }) => {
                      if (key === 'unlock') void patch(u, { unlock: true }, t('已解除锁定', 'Unlocked'));
                      if (key === 'reset') setResetting(u);
                      if (key === 'enable') void patch(u, { status: 'active' }, t('已启用', 'Enabled'));
                      if (key === 'disable')
                        modal.confirm({
                          title: t('停用账号 {u}？', 'Disable {u}?', { u: u.username }),
                          content: t('停用后该账号立即退出登录且无法再登录，记录保留，可随时重新启用。', 'The account is logged out at once and cannot log in; it is kept and can be enabled again.'),
                          okButtonProps: { danger: true },
                          onOk: () => patch(u, { status: 'disabled' }, t('已停用', 'Disabled')),
                        });
                    },
                  }}
                >
                  <Button size="small" data-testid={`user-actions-${u.username}`}>
                    {tt('actions')}
                  </Button>
                </Dropdown>
              ),
          },
        ]}
      />
      {creating ? <CreateUserModal roles={roles.data ?? []} onClose={() => setCreating(false)} onDone={() => { setCreating(false); reload(); }} /> : null}
      {resetting ? <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onDone={() => { setResetting(null); reload(); }} /> : null}
      {asking ? <ReasonModal title={asking.title} onClose={() => setAsking(null)} onSubmit={(reason) => patch(asking.u, { ...asking.body, reason }, asking.title)} /> : null}
    </div>
  );
}

function CreateUserModal({ roles, onClose, onDone }: { roles: RoleInfo[]; onClose(): void; onDone(): void }) {
  const { t, tt, lang } = useI18n();
  const { ui } = useAuth();
  const { message } = App.useApp();
  const departments = useDepartments();
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as Role | undefined;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const oversight = role ? OVERSIGHT.includes(role) : false;
  const submit = async (v: { username: string; displayName: string; role: Role; gridWorkerKind?: NewUser['gridWorkerKind']; nodeId: number; departmentId?: number; password?: string; reason?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await call.post('/api/admin/users', { body: { ...v, username: v.username.trim(), displayName: v.displayName.trim(), password: v.password || undefined, reason: v.reason?.trim() || undefined } });
      const pending = pendingOf(res);
      if (pending) {
        message.info(t('已提交{d}审批（#{id}）：批准后账号生效，初始密码交给审批人', 'Sent to {d} for approval (#{id}): the account is made once approved, and the approver receives its password', { d: lang === 'en' ? deciderNames[pending.decidedWith][1] : deciderNames[pending.decidedWith][0], id: pending.id }));
      } else message.success(t('账号 {u} 已创建，首次登录须修改密码', 'Account {u} created; the user changes the password at first log-in', { u: v.username }));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const levels: TreeLevel[] = role ? roleLevels[role] : ['city', 'district', 'street', 'community', 'grid'];
  return (
    <Modal open width={640} title={t('新建账号', 'New account')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ gridWorkerKind: 'full_time' }} preserve={false}>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="username" label={t('用户名', 'User name')} rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: t('3-64 位字母、数字、下划线、点或短横', '3-64 letters, digits, _ . -') }]}>
              <Input autoComplete="off" data-testid="user-username" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="displayName" label={t('姓名', 'Name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
              <Input data-testid="user-displayName" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="role" label={t('角色', 'Role')} rules={[{ required: true }]}>
              <Select options={roles.map((r) => ({ value: r.role, label: lang === 'en' ? r.en : r.zh }))} onChange={() => form.setFieldValue('nodeId', undefined)} data-testid="user-new-role" />
            </Form.Item>
          </Col>
          {role === 'grid_worker' ? (
            <Col xs={24} md={12}>
              <Form.Item name="gridWorkerKind" label={t('网格员类型', 'Kind of grid worker')}>
                <Select options={(['full_time', 'part_time', 'professional'] as const).map((k) => ({ value: k, label: tt(`worker_${k}`) }))} />
              </Form.Item>
            </Col>
          ) : null}
          {role === 'department_staff' ? (
            <Col xs={24} md={12}>
              <Form.Item name="departmentId" label={t('所属部门', 'Department')} rules={[{ required: true }]}>
                <Select options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))} />
              </Form.Item>
            </Col>
          ) : null}
          <Col xs={24}>
            <Form.Item name="nodeId" label={t('所在辖区', 'Place')} rules={[{ required: true, message: t('请选择', 'Choose one') }]} extra={role ? t('该角色的账号设在：{l}', 'This role sits on: {l}', { l: levels.map((l) => tt(`level_${l}`)).join(' / ') }) : undefined}>
              <NodePicker levels={levels} testId="user-node" />
            </Form.Item>
          </Col>
          {oversight ? (
            <Col xs={24}>
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 12 }}
                title={t('此角色的账号须经审计员审批（三员分立）。批准后由系统生成初始密码交给审批人，由其转交本人；管理员不设置、也看不到该密码。', 'Accounts of this role need an auditor’s approval (separation of duties). On approval the platform makes the initial password and gives it to the approver, who hands it over; the administrator neither sets nor sees it.')}
              />
            </Col>
          ) : (
            <Col xs={24}>
              <Form.Item
                name="password"
                label={t('初始密码', 'Initial password')}
                extra={role === 'department_staff' ? `${passwordHint(ui, t)} ${t('（部门已获不遮蔽授权时，账号须经安全管理员审批，请留空并填写申请理由。）', '(If the department sees data unmasked, the account needs a security officer’s approval: leave this empty and give a reason.)')}` : passwordHint(ui, t)}
                rules={[{ required: role !== 'department_staff' }, { validator: async (_r, v: string) => { const p = v ? passwordProblem(v, ui, t) : null; if (p) throw new Error(p); } }]}
              >
                <Input.Password autoComplete="new-password" data-testid="user-password" />
              </Form.Item>
            </Col>
          )}
          {oversight || role === 'department_staff' ? (
            <Col xs={24}>
              <Form.Item name="reason" label={t('申请理由（审批人可见）', 'Reason (shown to the approver)')} rules={[{ required: oversight, whitespace: true, min: 2, max: 500 }]}>
                <Input.TextArea rows={2} data-testid="user-reason" />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose, onDone }: { user: UserRow; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const { ui } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ resetPassword?: string; reason?: string }>();
  const [busy, setBusy] = useState(false);
  const oversight = OVERSIGHT.includes(user.role);
  const submit = async (v: { resetPassword?: string; reason?: string }) => {
    setBusy(true);
    try {
      const res = await call.patch('/api/admin/users/{id}', { path: { id: user.id }, body: oversight ? { requestPasswordReset: true, reason: v.reason?.trim() } : { resetPassword: v.resetPassword } });
      if (pendingOf(res)) message.info(t('已提交审计员审批：批准后新密码交给审批人', 'Sent to an auditor: once approved, the approver receives the new password'));
      else message.success(t('密码已重置，{u} 下次登录须修改', 'Password reset; {u} must change it at the next log-in', { u: user.username }));
      onDone();
    } catch (err) {
      if (!applyFieldErrors(form, err)) message.error((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('重置 {u} 的密码', 'Reset the password of {u}', { u: user.username })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('重置后该账号的所有登录立即失效，用户须用新密码登录并改为自己的密码。', 'Every session of the account ends; the user logs in with this password and must change it.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        {oversight ? (
          <Form.Item name="reason" label={t('申请理由（新密码由审计员批准后生成并交给审批人）', 'Reason (an auditor approves; the approver receives the new password)')} rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        ) : (
          <Form.Item name="resetPassword" label={t('临时密码', 'Temporary password')} extra={passwordHint(ui, t)} rules={[{ required: true }, { validator: async (_r, v: string) => { const p = v ? passwordProblem(v, ui, t) : null; if (p) throw new Error(p); } }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}


function ReasonModal({ title, onClose, onSubmit }: { title: string; onClose(): void; onSubmit(reason: string): Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal open title={t('须经审计员审批：{w}', 'Needs an auditor’s approval: {w}', { w: title })} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => onSubmit(v.reason.trim())} preserve={false}>
        <Form.Item name="reason" label={t('申请理由', 'Reason')} rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}>
          <Input.TextArea rows={2} data-testid="change-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
