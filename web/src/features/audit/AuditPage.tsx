// 审计日志: the auditor searches who did or read what, whose, when, from where, why and with what
// result, and verifies the SM3 hash chain that reveals any row altered behind the app's back.
// Nothing here edits or deletes a row: the server offers no such route.
import { SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Flex, Form, Input, InputNumber, Row, Select, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import type { Page, Person } from '../../api/types';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

interface AuditRow {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string;
  /** The account as it is now: name, role, unit. */
  actor: Person | null;
  actorRole: string;
  departmentId: number | null;
  category: string;
  action: string;
  entityType: string | null;
  entityId: string | null;
  subjectId: number | null;
  treePath: string | null;
  ip: string | null;
  requestId: string | null;
  reason: string | null;
  result: string;
  detail: unknown;
  hash: string;
}

const categories: Record<string, [string, string, string]> = {
  read: ['查看', 'read', 'blue'],
  write: ['修改', 'write', 'green'],
  auth: ['登录', 'auth', 'purple'],
  admin: ['管理', 'admin', 'orange'],
  export: ['导出', 'export', 'cyan'],
};
const PAGE = 50;

/** What the common actions mean, for people who do not read action codes. */
const actionNames: Record<string, [string, string]> = {
  'auth.login': ['登录', 'log-in'], 'auth.logout': ['退出', 'log-out'], 'auth.password_change': ['修改密码', 'password change'], 'auth.totp_start': ['开始绑定动态码', 'authenticator set-up started'],
  'auth.totp_enabled': ['启用动态码', 'authenticator on'], 'resident.read': ['查看居民档案', 'resident card read'], 'resident.list': ['查看居民列表', 'resident list read'],
  'resident.lookup': ['部门实时调阅', 'department look-up'], 'resident.unmask': ['查看完整号码', 'number shown in full'], 'resident.trail': ['查看访问记录', 'access trail read'],
  'resident.create': ['登记居民', 'resident registered'], 'resident.update': ['修改居民信息', 'resident changed'], 'resident.status': ['居民状态变更', 'resident status changed'],
  'resident.label': ['设置标签', 'label set'], 'resident.label_end': ['结束标签', 'label ended'], 'resident.merge': ['合并重复记录', 'duplicates merged'],
  'visit.record': ['记录走访', 'visit recorded'], 'user.create': ['新建账号', 'account created'], 'user.update': ['修改账号', 'account changed'], 'policy.mfa': ['动态码策略', 'second-factor policy'],
  'token.create': ['签发机器凭证', 'token issued'], 'token.revoke': ['吊销机器凭证', 'token revoked'], 'grant.create': ['新建部门授权', 'grant created'], 'grant.revoke': ['撤销部门授权', 'grant revoked'],
  'audit.search': ['查询审计日志', 'audit log searched'], 'audit.verify': ['校验审计链', 'audit chain verified'],
};

export default function AuditPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const roles = useApi((signal) => api.get<{ role: string; zh: string; en: string }[]>('/roles', undefined, signal), []);
  const roleName = (r: string) => {
    const x = roles.data?.find((y) => y.role === r);
    return x ? (lang === 'en' ? x.en : x.zh) : r === 'machine' ? t('系统/设备', 'system / device') : r;
  };
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm();
  const [verify, setVerify] = useState<{ ok: boolean; checked: number; firstBrokenId?: number; problem?: string } | null>(null);
  const [verifyError, setVerifyError] = useState<ApiError | null>(null);
  const [verifying, setVerifying] = useState(false);
  const q = Object.fromEntries(params.entries());
  const page = Number(q.page ?? 1) || 1;
  const { data, error, loading, reload } = useApi(
    (signal) =>
      api.get<Page<AuditRow>>(
        '/audit',
        {
          category: q.category, action: q.action, actorId: q.actorId, subjectId: q.subjectId, entityType: q.entityType, entityId: q.entityId, from: q.from, to: q.to, limit: PAGE, offset: (page - 1) * PAGE,
        },
        signal,
      ),
    [params.toString()],
  );

  const search = (v: { category?: string; action?: string; actorId?: number; subjectId?: number; entityType?: string; entityId?: string; range?: [Dayjs, Dayjs] }) => {
    const next: Record<string, string> = {};
    if (v.category) next.category = v.category;
    if (v.action?.trim()) next.action = v.action.trim();
    if (v.actorId) next.actorId = String(v.actorId);
    if (v.subjectId) next.subjectId = String(v.subjectId);
    if (v.entityType?.trim()) next.entityType = v.entityType.trim();
    if (v.entityId?.trim()) next.entityId = v.entityId.trim();
    if (v.range) {
      next.from = v.range[0].startOf('day').toISOString();
      next.to = v.range[1].endOf('day').toISOString();
    }
    setParams(next, { replace: true });
  };

  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      const r = await api.post<{ ok: boolean; checked: number; firstBrokenId?: number; problem?: string }>('/audit/verify');
      setVerify(r);
      if (r.ok) message.success(t('校验通过：{n} 条记录未被篡改', 'Chain intact: {n} rows checked', { n: r.checked }));
    } catch (err) {
      setVerifyError(err as ApiError);
    } finally {
      setVerifying(false);
    }
  };

  const initial = { ...q, actorId: q.actorId ? Number(q.actorId) : undefined, subjectId: q.subjectId ? Number(q.subjectId) : undefined, range: q.from && q.to ? [dayjs(q.from), dayjs(q.to)] : undefined };

  return (
    <div>
      <PageHeader
        title={t('审计日志', 'Audit log')}
        subtitle={t('所有写操作与个人信息读取：谁、何时、从哪里、对谁、因何、结果如何', 'Every write and every read of personal data: who, when, from where, whose, why, and the result')}
        extra={
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={runVerify} data-testid="audit-verify">
            {t('校验防篡改链', 'Verify the chain')}
          </Button>
        }
      />
      {verifyError ? <Alert type="error" showIcon title={verifyError.message} style={{ marginBottom: 12 }} /> : null}
      {verify ? (
        verify.ok ? (
          <Alert type="success" showIcon closable onClose={() => setVerify(null)} style={{ marginBottom: 12 }} title={t('哈希链完整：已校验 {n} 条记录，未发现篡改或删除', 'The hash chain is intact: {n} rows checked, nothing altered or removed', { n: verify.checked })} data-testid="audit-verify-result" />
        ) : (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('发现篡改：第 {id} 条记录起哈希链断裂', 'Tampering found: the chain breaks at row {id}', { id: verify.firstBrokenId ?? '?' })}
            description={verify.problem}
            data-testid="audit-verify-result"
          />
        )
      ) : null}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form form={form} layout="vertical" onFinish={search} initialValues={initial}>
          <Row gutter={12}>
            <Col xs={12} md={4}>
              <Form.Item name="category" label={t('类别', 'Category')} style={{ marginBottom: 8 }}>
                <Select allowClear options={Object.entries(categories).map(([k, v]) => ({ value: k, label: lang === 'en' ? v[1] : v[0] }))} placeholder={t('全部', 'All')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={5}>
              <Form.Item name="action" label={t('动作', 'Action')} style={{ marginBottom: 8 }}>
                <Input placeholder="resident.unmask" allowClear />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="actorId" label={t('操作人编号', 'Actor id')} style={{ marginBottom: 8 }}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={3}>
              <Form.Item name="subjectId" label={t('居民编号', 'Resident id')} style={{ marginBottom: 8 }}>
                <InputNumber min={1} style={{ width: '100%' }} data-testid="audit-subject" />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="range" label={t('时间范围', 'Period')} style={{ marginBottom: 8 }}>
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={3}>
              <Form.Item label=" " style={{ marginBottom: 8 }}>
                <Button type="primary" htmlType="submit" icon={<SearchOutlined />} block data-testid="audit-search">
                  {t('查询', 'Search')}
                </Button>
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Card>
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<AuditRow>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false, showTotal: (n) => t('共 {n} 条', '{n} rows', { n }), onChange: (p) => setParams({ ...q, page: String(p) }, { replace: true }) }}
        expandable={{
          expandedRowRender: (r) => (
            <div>
              <Typography.Paragraph style={{ marginBottom: 4 }}>
                <Typography.Text type="secondary">{t('请求编号', 'Request')}：</Typography.Text>
                {r.requestId ?? '—'} · <Typography.Text type="secondary">{t('辖区路径', 'Tree path')}：</Typography.Text>
                {r.treePath ?? '—'}
              </Typography.Paragraph>
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12, maxHeight: 280, overflow: 'auto' }}>{JSON.stringify(r.detail, null, 2)}</pre>
              <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                SM3 {r.hash}
              </Typography.Text>
            </div>
          ),
        }}
        data-testid="audit-table"
        columns={[
          { key: 'at', title: t('时间', 'When'), render: (_, r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss') },
          {
            key: 'actor',
            title: t('操作人', 'Who'),
            // The person by name and unit; the log-in name (what the row recorded) under it for the auditor.
            render: (_, r) => (
              <Flex vertical style={{ lineHeight: 1.3 }}>
                <UserText>{r.actor ? [r.actor.name, r.actor.unit].filter(Boolean).join(' · ') : r.actorName}</UserText>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  <UserText>{r.actorName}</UserText>
                  {r.actorId ? ` #${r.actorId}` : ''}
                </Typography.Text>
              </Flex>
            ),
          },
          { key: 'role', title: t('角色', 'Role'), render: (_, r) => roleName(r.actorRole) },
          { key: 'cat', title: t('类别', 'Category'), render: (_, r) => <Tag color={categories[r.category]?.[2]}>{categories[r.category]?.[lang === 'en' ? 1 : 0] ?? r.category}</Tag> },
          {
            key: 'action',
            title: t('动作', 'Action'),
            render: (_, r) => (
              <span>
                {actionNames[r.action]?.[lang === 'en' ? 1 : 0] ?? r.action}
                {actionNames[r.action] ? <Typography.Text type="secondary" style={{ fontSize: 11, marginInlineStart: 6 }}>{r.action}</Typography.Text> : null}
              </span>
            ),
          },
          { key: 'entity', title: t('对象', 'What'), render: (_, r) => (r.entityType ? `${r.entityType}${r.entityId ? ` #${r.entityId}` : ''}` : '—') },
          { key: 'subject', title: t('涉及居民', 'Whose'), render: (_, r) => (r.subjectId ? <a onClick={() => setParams({ subjectId: String(r.subjectId) }, { replace: true })}>#{r.subjectId}</a> : '—') },
          { key: 'reason', title: t('事由', 'Why'), render: (_, r) => r.reason ?? '—' },
          { key: 'ip', title: t('来源地址', 'From'), render: (_, r) => r.ip ?? '—' },
          { key: 'result', title: t('结果', 'Result'), render: (_, r) => (r.result === 'ok' ? <Tag color="green">{t('成功', 'ok')}</Tag> : <Tag color="red">{r.result}</Tag>) },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('审计记录至少保存 180 天；审计员的每次查询本身也记入审计日志。', 'Audit rows are kept for at least 180 days; each search by an auditor is itself logged.')}
      </Typography.Paragraph>
    </div>
  );
}
