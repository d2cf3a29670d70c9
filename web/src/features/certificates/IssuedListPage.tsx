// 已出具证明: every certificate issued in the current place, searchable by number, verification
// code or name; a certificate opens with its text, its signature and how often it was printed and
// checked; it can be printed again or revoked (作废) with a reason, which the verification page
// shows at once. Street staff see their communities' certificates and the counts per community.
import { call } from '../../api/typed';
import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Flex, Form, Input, Modal, Pagination, Select, Table, Tabs, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { toApiError, useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { StateTag, useKindTitle, useRevokeCategories } from './common';
import { PrintButton } from './PrintButton';
import type { Certificate } from './types';
import { UserText } from '../../components/UserText';

const PAGE = 20;

function Detail({ id, onChanged }: { id: number; onChanged(): void }) {
  const { t, lang } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { data: c, error, reload, setData } = useApi((signal) => call.get('/api/certificates/{id}', { path: { id }, signal }), [id]);
  const [revoking, setRevoking] = useState(false);
  const [form] = Form.useForm<{ category: string; reason: string }>();
  const categories = useRevokeCategories();
  const categoryName = (code: string | null) => {
    const k = categories?.find((x) => x.code === code);
    return k ? (lang === 'en' ? k.nameEn : k.nameZh) : (code ?? '');
  };
  const [busy, setBusy] = useState(false);
  if (error) return <ErrorAlert error={error} onRetry={reload} />;
  if (!c) return null;
  const revoke = async ({ category, reason }: { category: string; reason: string }) => {
    setBusy(true);
    try {
      const u = await call.post('/api/certificates/{id}/revoke', { path: { id: c.id }, body: { category, reason } });
      setData(u);
      setRevoking(false);
      message.success(t('已作废，核验页即时显示“已作废”', 'Revoked: the verification page shows it at once'));
      onChanged();
    } catch (e) {
      const err = toApiError(e);
      form.setFields([{ name: err.field === 'category' ? 'category' : 'reason', errors: [err.message] }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        {can('certificates:issue') && c.state !== 'revoked' ? (
          <PrintButton pdfUrl={c.pdfUrl} filename={`${c.number}.pdf`} testId="cert-detail-print" onPrinted={reload} label={c.state === 'expired' ? t('打印存档副本（加盖“已过期”）', 'Print a record copy (stamped “expired”)') : undefined} />
        ) : null}
        <Button href={c.verifyUrl} target="_blank" data-testid="cert-detail-verify">{t('打开核验页', 'Verification page')}</Button>
        {can('certificates:revoke') && c.state !== 'revoked' ? (
          <Button danger icon={<StopOutlined />} onClick={() => setRevoking(true)} data-testid="cert-revoke">
            {t('作废', 'Revoke')}
          </Button>
        ) : null}
      </Flex>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('状态', 'State')}><StateTag state={c.state} />{c.state === 'revoked' ? (
            <Typography.Text type="danger" data-testid="cert-revoked-detail">
              {t('作废类别：{k}（核验页只显示类别）', 'Category: {k} (all the verification page shows)', { k: c.revokeCategory ? categoryName(c.revokeCategory) : t('未注明', 'not stated') })}
              {c.revokeReason ? t('；作废原因：{r}（{by}，{at}）', '; reason: {r} ({by}, {at})', { r: c.revokeReason, by: c.revokedByName ?? '', at: dayjs(c.revokedAt).format('YYYY-MM-DD HH:mm') }) : null}
            </Typography.Text>
          ) : null}</Descriptions.Item>
        <Descriptions.Item label={t('编号', 'Number')}>{c.number}</Descriptions.Item>
        <Descriptions.Item label={t('核验码', 'Code')}><Typography.Text copyable strong>{c.verifyCode}</Typography.Text></Descriptions.Item>
        <Descriptions.Item label={t('居民', 'Resident')}><Link to={`/residents/${c.residentId}`}>{c.subjectName}</Link> <span className="qc-masked">{c.subjectIdMasked}</span></Descriptions.Item>
        <Descriptions.Item label={t('出具单位', 'Unit')}>{c.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('用途', 'Purpose')}>{c.purpose}{c.recipient ? t('（致{r}）', ' (to {r})', { r: c.recipient }) : ''}</Descriptions.Item>
        <Descriptions.Item label={t('出具', 'Issued')}>{dayjs(c.issuedAt).format('YYYY-MM-DD HH:mm')} · {c.issuedByName}</Descriptions.Item>
        <Descriptions.Item label={t('有效期至', 'Valid until')}>{c.validUntil}</Descriptions.Item>
        <Descriptions.Item label={t('打印 / 核验', 'Printed / checked')}>{t('打印 {p} 次，被核验 {v} 次', 'printed {p}×, checked {v}×', { p: c.printCount, v: c.verifyCount })}</Descriptions.Item>
        <Descriptions.Item label={t('电子签名', 'Signature')}>{c.algorithm === 'SM2' ? 'SM2/SM3（GB/T 32918）' : c.algorithm} · {t('密钥', 'key')} {c.kid}</Descriptions.Item>
        <Descriptions.Item label={t('目录版本', 'Catalogue version')}>{c.kind} v{c.kindVersion}</Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t('证明内容（证件号码已遮蔽）', 'Text (ID numbers masked)')} style={{ marginTop: 12 }}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.publicText}</Typography.Paragraph>
      </Card>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, wordBreak: 'break-all' }}>
        {t('签名内容', 'Signed statement')}（{c.statementFormat}）：<code>{c.statementText}</code>
      </Typography.Paragraph>
      <Modal open={revoking} title={t('作废证明 {n}', 'Revoke {n}', { n: c.number })} onCancel={() => setRevoking(false)} onOk={() => form.submit()} okButtonProps={{ danger: true, loading: busy, ...{ 'data-testid': 'cert-revoke-confirm' } }} okText={t('作废', 'Revoke')} destroyOnHidden>
        <Typography.Paragraph type="secondary">{t('作废后不能恢复，核验页会立即显示“已作废”和作废类别，证明不能再打印。作废原因只有工作人员能看到。', 'Revocation cannot be undone; the verification page shows it with the category at once and the certificate can no longer be printed. The reason is seen by staff only.')}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => void revoke(v)}>
          <Form.Item name="category" label={t('作废类别（公开显示）', 'Category (shown publicly)')} rules={[{ required: true, message: t('请选择作废类别', 'Choose a category') }]}>
            <Select data-testid="cert-revoke-category" placeholder={t('请选择', 'Choose')} options={(categories ?? []).filter((k) => k.active).map((k) => ({ value: k.code, label: lang === 'en' ? k.nameEn : k.nameZh }))} />
          </Form.Item>
          <Form.Item name="reason" label={t('作废原因（仅工作人员可见）', 'Reason (staff only)')} rules={[{ required: true, min: 2, message: t('请写明作废原因', 'State the reason') }]}>
            <Input.TextArea rows={3} maxLength={500} data-testid="cert-revoke-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Stats() {
  const { t } = useI18n();
  const kindTitle = useKindTitle();
  const { place } = usePlace();
  const { data, error, loading } = useApi((signal) => call.get('/api/certificates/stats', { query: { nodeId: place?.id }, signal }), [place?.id]);
  return (
    <>
      <ErrorAlert error={error} />
      <Table
        size="small"
        loading={loading}
        rowKey={(r) => `${r.unitNodeId}-${r.kind}`}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: t('出具单位', 'Unit'), dataIndex: 'unitName', render: (v: string) => <UserText>{v}</UserText> },
          { title: t('证明', 'Kind'), dataIndex: 'title', render: (v: string, r) => kindTitle(r.kind, v) },
          { title: t('出具', 'Issued'), dataIndex: 'issued', align: 'right' },
          { title: t('作废', 'Revoked'), dataIndex: 'revoked', align: 'right' },
          { title: t('帮办代办', 'Assisted'), dataIndex: 'assisted', align: 'right' },
        ]}
      />
    </>
  );
}

const states = ['valid', 'expired', 'revoked'] as const;
const stateOf = (s: string | null) => states.find((x) => x === s);

export default function IssuedListPage() {
  const { t, tn } = useI18n();
  const kindTitle = useKindTitle();
  const { can } = useAuth();
  const mobile = useMobile();
  const { place } = usePlace();
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState<number | null>(null);
  const f = { q: params.get('q') ?? '', kind: params.get('kind') ?? undefined, state: stateOf(params.get('state')), from: params.get('from') ?? undefined, to: params.get('to') ?? undefined, page: Number(params.get('page') ?? 1) || 1 };
  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      next.delete(k);
      if (v) next.set(k, v);
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  const kinds = useApi((signal) => call.get('/api/certificates/kinds', { query: { includeInactive: true }, signal }), []);
  const list = useApi(
    (signal) => call.get('/api/certificates', { query: { nodeId: place?.id, q: f.q || undefined, kind: f.kind, state: f.state, from: f.from, to: f.to, limit: PAGE, offset: (f.page - 1) * PAGE }, signal }),
    [place?.id, params.toString()],
  );
  const table = (
    <>
      <Flex gap={8} wrap className="qc-filters">
        <Input.Search defaultValue={f.q} placeholder={t('编号、核验码或姓名', 'Number, code or name')} allowClear onSearch={(v) => set({ q: v.trim() || undefined })} style={{ width: 240 }} data-testid="cert-search" />
        <Select allowClear placeholder={t('证明种类', 'Kind')} value={f.kind} onChange={(v) => set({ kind: v })} options={(kinds.data ?? []).map((k) => ({ value: k.code, label: k.title }))} style={{ width: 180 }} />
        <Select allowClear placeholder={t('状态', 'State')} value={f.state} onChange={(v) => set({ state: v })} options={[{ value: 'valid', label: t('有效', 'Valid') }, { value: 'expired', label: t('已过期', 'Expired') }, { value: 'revoked', label: t('已作废', 'Revoked') }]} style={{ width: 120 }} />
        <DatePicker.RangePicker value={f.from && f.to ? [dayjs(f.from), dayjs(f.to)] : null} onChange={(r) => set({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD') })} />
      </Flex>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      <Table
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('编号', 'Number'), dataIndex: 'number', width: 210, render: (v: string) => <span data-testid="cert-row-number">{v}</span> },
          { title: t('证明', 'Kind'), dataIndex: 'title', render: (v: string, r) => kindTitle(r.kind, v) },
          { title: t('居民', 'Resident'), dataIndex: 'subjectName', width: 230, render: (v: string, r) => <span style={{ whiteSpace: 'nowrap' }}><UserText>{v}</UserText> <span className="qc-masked" style={{ color: 'rgba(0,0,0,0.45)' }}>{r.subjectIdMasked}</span></span> },
          { title: t('用途', 'Purpose'), dataIndex: 'purpose', ellipsis: { showTitle: false }, render: (v: string) => <UserText title={v}>{v}</UserText> },
          { title: t('出具日期', 'Issued'), dataIndex: 'issuedOn', width: 110 },
          { title: t('有效期至', 'Valid until'), dataIndex: 'validUntil', width: 110 },
          { title: t('状态', 'State'), dataIndex: 'state', width: 90, render: (s: Certificate['state']) => <StateTag state={s} /> },
          { title: t('打印/核验', 'Printed/checked'), width: 100, render: (_: unknown, r) => `${r.printCount} / ${r.verifyCount}` },
        ]}
      />
      <Flex justify="flex-end" style={{ marginTop: 12 }}>
        <Pagination current={f.page} pageSize={PAGE} total={list.data?.total ?? 0} showSizeChanger={false} onChange={(p) => set({ page: String(p) })} showTotal={(n) => t('共 {n} 份', '{n} in all', { n })} />
      </Flex>
    </>
  );
  return (
    <>
      <PageHeader
        title={t('已出具证明', 'Issued certificates')}
        subtitle={place ? tn('{p}出具的证明；点开一份可打印、作废、查看核验情况。', 'Certificates issued in {p}; open one to print, revoke or see its checks.', { p: <UserText>{place.name}</UserText> }) : undefined}
        extra={can('certificates:issue') ? <Link to="/certificates/issue"><Button type="primary" icon={<PlusOutlined />}>{t('出具证明', 'Issue')}</Button></Link> : undefined}
      />
      <Card size="small">
        <Tabs items={[{ key: 'list', label: t('证明列表', 'List'), children: table }, { key: 'stats', label: t('按社区统计', 'Per community'), children: <Stats /> }]} />
      </Card>
      <Drawer open={open !== null} onClose={() => setOpen(null)} title={t('证明详情', 'Certificate')} size={mobile ? '90%' : 560} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
        {open !== null ? <Detail id={open} onChanged={list.reload} /> : null}
      </Drawer>
    </>
  );
}
