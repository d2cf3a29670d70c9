// 审批: requests that need a second person. An auditor decides accounts of the oversight roles,
// a security officer decides grants, tokens and accounts that reveal personal data in clear; each
// decision carries a reason. The administrator who asked sees the status of the own requests,
// withdraws one, and collects an approved machine token's secret once. The auditor sees them all.
import { CheckOutlined, CloseOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { Page } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { deciderNames, kindNames, statusNames, type Approval } from '../../components/approvals';

type View = 'decide' | 'mine' | 'all';

export default function ApprovalsPage() {
  const { t, lang } = useI18n();
  const { me, can } = useAuth();
  const { message, modal } = App.useApp();
  const decider = can(['approvals:accounts', 'approvals:data']);
  const overseer = can('approvals:read');
  const [view, setView] = useState<View>(decider ? 'decide' : 'mine');
  const [deciding, setDeciding] = useState<{ a: Approval; approve: boolean } | null>(null);
  const [secret, setSecret] = useState<{ title: string; value: string; note: string } | null>(null);
  const query = view === 'decide' ? { decidable: true, status: 'pending' as const } : view === 'mine' ? { mine: true } : {};
  const { data, error, loading, reload } = useApi((signal) => api.get<Page<Approval>>('/approvals', { ...query, limit: 200 }, signal), [view]);
  const L = (x: readonly [string, string]) => (lang === 'en' ? x[1] : x[0]);

  const cancel = (a: Approval) =>
    modal.confirm({
      title: t('撤回申请 #{id}？', 'Withdraw request #{id}?', { id: a.id }),
      onOk: async () => {
        try {
          await api.post(`/approvals/${a.id}/cancel`);
          message.success(t('已撤回', 'Withdrawn'));
          reload();
        } catch (err) {
          message.error((err as ApiError).message);
        }
      },
    });

  const collect = async (a: Approval) => {
    try {
      const r = await api.post<{ id: number; token: string }>(`/approvals/${a.id}/collect`);
      setSecret({ title: t('机器凭证（仅显示这一次）', 'Machine token (shown this once)'), value: r.token, note: t('请立即配置到对接系统中，关闭后无法再次查看。', 'Configure it in the other system now; it cannot be shown again.') });
      reload();
    } catch (err) {
      message.error((err as ApiError).message);
    }
  };

  const views = [
    ...(decider ? [{ value: 'decide', label: t('待我审批', 'For me to decide') }] : []),
    { value: 'mine', label: t('我提交的', 'My requests') },
    ...(overseer ? [{ value: 'all', label: t('全部申请', 'All requests') }] : []),
  ];

  return (
    <div>
      <PageHeader
        title={t('审批', 'Approvals')}
        subtitle={t('三员分立：审计员、安全管理员账号，不遮蔽授权与含个人信息的机器凭证须由另一角色审批', 'Separation of duties: oversight accounts, unmasking grants and personal-data tokens need a person of another role')}
      />
      <Segmented options={views} value={view} onChange={(v) => setView(v as View)} style={{ marginBottom: 12 }} data-testid="approvals-view" />
      <ErrorAlert error={error} onRetry={reload} style={{ marginBottom: 12 }} />
      <Table<Approval>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="approvals-table"
        expandable={{
          expandedRowRender: (a) => (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('申请理由', 'Reason')}>{a.reason}</Descriptions.Item>
              <Descriptions.Item label={t('内容', 'What')}>
                <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(a.payload, null, 2)}</Typography.Text>
              </Descriptions.Item>
              {a.decisionReason ? <Descriptions.Item label={t('审批意见', 'Decision')}>{a.decisionReason}</Descriptions.Item> : null}
              <Descriptions.Item label={t('有效期至', 'Lapses')}>{dayjs(a.expiresAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
            </Descriptions>
          ),
        }}
        columns={[
          { key: 'id', title: '#', dataIndex: 'id', width: 60 },
          { key: 'kind', title: t('类别', 'Kind'), render: (_, a) => L(kindNames[a.kind]) },
          { key: 'summary', title: t('事项', 'Request'), dataIndex: 'summary' },
          { key: 'decider', title: t('审批人', 'Decided by'), render: (_, a) => L(deciderNames[a.decidedWith]) },
          { key: 'at', title: t('提交时间', 'Asked'), render: (_, a) => dayjs(a.requestedAt).format('YYYY-MM-DD HH:mm') },
          { key: 'status', title: t('状态', 'Status'), render: (_, a) => <Tag color={statusNames[a.status][2]} data-testid={`approval-status-${a.id}`}>{lang === 'en' ? statusNames[a.status][1] : statusNames[a.status][0]}</Tag> },
          {
            key: 'actions',
            title: t('操作', 'Actions'),
            render: (_, a) => (
              <Space>
                {view === 'decide' && a.status === 'pending' && a.requestedBy !== me?.user.id ? (
                  <>
                    <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => setDeciding({ a, approve: true })} data-testid={`approve-${a.id}`}>{t('批准', 'Approve')}</Button>
                    <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDeciding({ a, approve: false })} data-testid={`reject-${a.id}`}>{t('驳回', 'Reject')}</Button>
                  </>
                ) : null}
                {a.requestedBy === me?.user.id && a.status === 'pending' ? <Button size="small" onClick={() => cancel(a)}>{t('撤回', 'Withdraw')}</Button> : null}
                {a.requestedBy === me?.user.id && a.collectable ? <Button size="small" type="primary" onClick={() => void collect(a)} data-testid={`collect-${a.id}`}>{t('领取凭证', 'Collect token')}</Button> : null}
              </Space>
            ),
          },
        ]}
      />
      {deciding ? (
        <DecideModal
          approval={deciding.a}
          approve={deciding.approve}
          onClose={() => setDeciding(null)}
          onDone={(initialPassword) => {
            setDeciding(null);
            reload();
            if (initialPassword) {
              setSecret({
                title: t('初始密码（仅显示这一次）', 'Initial password (shown this once)'),
                value: initialPassword,
                note: t('请当面或以保密方式交给本人；提出申请的管理员看不到此密码。本人首次登录须修改密码并绑定动态验证码。', 'Hand it to the person in person or in confidence; the administrator who asked never sees it. At first log-in the person changes it and sets up the authenticator.'),
              });
            }
          }}
        />
      ) : null}
      {secret ? (
        <Modal open title={secret.title} onCancel={() => setSecret(null)} footer={<Button type="primary" onClick={() => setSecret(null)}>{t('我已妥善保存', 'I have kept it safe')}</Button>}>
          <Alert type="warning" showIcon title={secret.note} style={{ marginBottom: 12 }} />
          <Flex gap={8} align="center">
            <Typography.Text code copyable={{ icon: <CopyOutlined /> }} style={{ fontSize: 16, wordBreak: 'break-all' }} data-testid="approval-secret">
              {secret.value}
            </Typography.Text>
          </Flex>
        </Modal>
      ) : null}
    </div>
  );
}

function DecideModal({ approval, approve, onClose, onDone }: { approval: Approval; approve: boolean; onClose(): void; onDone(initialPassword?: string): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (v: { reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ initialPassword?: string }>(`/approvals/${approval.id}/${approve ? 'approve' : 'reject'}`, { reason: v.reason.trim() });
      message.success(approve ? t('已批准并执行', 'Approved and carried out') : t('已驳回', 'Rejected'));
      onDone(approve ? r.initialPassword : undefined);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={approve ? t('批准申请 #{id}', 'Approve request #{id}', { id: approval.id }) : t('驳回申请 #{id}', 'Reject request #{id}', { id: approval.id })} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ danger: !approve }} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph>{approval.summary}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('申请理由：{r}', 'Reason given: {r}', { r: approval.reason })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="reason" label={t('审批意见（记入审计日志）', 'Your reason (kept in the audit log)')} rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}>
          <Input.TextArea rows={3} data-testid="decision-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
