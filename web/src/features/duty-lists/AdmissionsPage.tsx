// 准入: a department applies to push work down and sees, before filing, what the check finds on
// the lists; the reviewer opens each application with its findings (checked again against
// today's lists) and admits or refuses with a reason; a street sees what would reach it.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Flex, Form, Input, List, Modal, Radio, Segmented, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ApiError } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { userText, UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { admissionStatus, adviceName, listName, type Admission } from './texts';

type Check = ResponseOf<'/api/duty-admissions/check', 'post'>;
type AdmissionBody = BodyOf<'/api/duty-admissions'>;

export default function AdmissionsPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const [status, setStatus] = useState<string>(can('duty:review') ? 'pending' : 'all');
  const [applying, setApplying] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const data = useApi((signal) => call.get('/api/duty-admissions', { query: status === 'all' ? {} : { status: status as 'pending' }, signal }), [status]);
  return (
    <>
      <PageHeader title={t('村社工作事项准入', 'Admission of work for townships and communities')} subtitle={t('部门拟向街道（乡镇）、社区下派工作须申请准入，经比对权责清单后由减负办审核', 'Departments apply before pushing work down; the application is checked against the lists and reviewed')}
        extra={can('duty:apply') ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setApplying(true)} data-testid="duty-apply">{t('申请准入', 'Apply')}</Button> : null} />
      <Segmented value={status} onChange={(v) => setStatus(String(v))} options={[{ value: 'all', label: t('全部', 'All') }, ...Object.entries(admissionStatus).map(([value, l]) => ({ value, label: t(l[0], l[1]) }))]} style={{ marginBottom: 12 }} />
      <ErrorAlert error={data.error} onRetry={data.reload} />
      <Table<Admission> rowKey="id" size="small" loading={data.loading} dataSource={data.data?.items ?? []} onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })} data-testid="duty-admissions"
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          { title: t('事项', 'Work'), dataIndex: 'title', render: (v: string) => userText(v) },
          { title: t('申请部门', 'Department'), dataIndex: ['department', 'name'], render: (v: string) => userText(v) },
          { title: t('承接单位', 'Units'), dataIndex: 'targets', render: (ts: Admission['targets']) => userText(ts.map((x) => x.name).join('、')) },
          { title: t('比对结果', 'Check'), dataIndex: 'advice', render: (a: string, r: Admission) => (r.status === 'pending' ? <Tag color={adviceName[a]![2]}>{t(adviceName[a]![0], adviceName[a]![1])}</Tag> : null) },
          { title: t('状态', 'Status'), dataIndex: 'status', render: (s: string) => <Tag color={admissionStatus[s]![2]}>{t(admissionStatus[s]![0], admissionStatus[s]![1])}</Tag> },
          { title: t('申请时间', 'Filed'), dataIndex: 'createdAt', render: (v: string) => v.slice(0, 10) },
        ]} />
      {applying ? <ApplyModal onClose={() => setApplying(false)} onFiled={(id) => { setApplying(false); data.reload(); setOpen(id); }} /> : null}
      {open ? <AdmissionDrawer id={open} onClose={() => setOpen(null)} onDecided={data.reload} /> : null}
    </>
  );
}

export function Findings({ check }: { check: Pick<Check, 'findings' | 'advice'> }) {
  const { t } = useI18n();
  const a = adviceName[check.advice]!;
  return (
    <div data-testid="duty-findings">
      <Alert type={a[2] as 'success'} showIcon title={t(a[0], a[1])} style={{ marginBottom: 8 }} />
      {check.findings.length ? <List size="small" bordered dataSource={check.findings} renderItem={(f) => <List.Item>{f.message}</List.Item>} /> : null}
    </div>
  );
}

interface ApplyForm { title: string; listKind: 'basic' | 'cooperative'; category?: string; purpose: string; basis: string; cooperation?: string; targetNodeIds: number[]; range: [Dayjs, Dayjs | null]; resources: string }

function ApplyModal({ onClose, onFiled }: { onClose(): void; onFiled(id: number): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ApplyForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [picked, setPicked] = useState<{ id: number; name: string } | null>(null);
  const [units, setUnits] = useState<{ id: number; name: string }[]>([]);
  const setTargets = (next: { id: number; name: string }[]) => {
    setUnits(next);
    form.setFieldValue('targetNodeIds', next.map((u) => u.id));
    setCheck(null);
  };
  const body = (v: ApplyForm): AdmissionBody => ({
    title: v.title, listKind: v.listKind, category: v.category || null, purpose: v.purpose, basis: v.basis, cooperation: v.cooperation || null, targetNodeIds: v.targetNodeIds ?? [],
    startDate: v.range?.[0]?.format('YYYY-MM-DD') ?? '', endDate: v.range?.[1] ? v.range[1].format('YYYY-MM-DD') : null, resources: v.resources,
  });
  const run = async (file: boolean) => {
    setError(null);
    try {
      const v = await form.validateFields();
      if (!file) setCheck(await call.post('/api/duty-admissions/check', { body: body(v) }));
      else {
        const r = await call.post('/api/duty-admissions', { body: body(v) });
        message.success(t('已提交准入申请 #{id}', 'Application #{id} filed', { id: r.id }));
        onFiled(r.id);
      }
    } catch (e) {
      if ((e as { errorFields?: unknown }).errorFields) return;
      const err = toApiError(e);
      applyFieldErrors(form, err);
      setError(err);
    }
  };
  return (
    <Modal open title={t('申请工作事项准入', 'Apply for admission')} onCancel={onClose} width={760} destroyOnHidden
      footer={[<Button key="c" onClick={() => void run(false)} data-testid="duty-apply-check">{t('比对清单', 'Check against the lists')}</Button>, <Button key="f" type="primary" onClick={() => void run(true)} data-testid="duty-apply-file">{t('提交申请', 'File the application')}</Button>]}>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" initialValues={{ listKind: 'cooperative', targetNodeIds: [] }} onValuesChange={() => setCheck(null)}>
        <Form.Item name="title" label={t('拟下派的工作事项', 'The work')} rules={[{ required: true, min: 2, max: 200 }]}><Input data-testid="duty-apply-title" /></Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="listKind" label={t('列入', 'Would join')}><Radio.Group options={(['cooperative', 'basic'] as const).map((k) => ({ value: k, label: t(...listName[k]) }))} /></Form.Item>
          <Form.Item name="category" label={t('事项类别', 'Category')} style={{ flex: 1, minWidth: 160 }}><Input maxLength={60} /></Form.Item>
        </Flex>
        <Form.Item name="purpose" label={t('为什么需要由街道（社区）承担', 'Why townships or communities must do it')} rules={[{ required: true, min: 2 }]}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item name="basis" label={t('法律政策依据', 'Legal or policy basis')} rules={[{ required: true, min: 2 }]}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item name="cooperation" label={t('街道（社区）具体做什么', 'What they would do')}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
        <Form.Item label={t('承接单位（街道或社区）', 'Units (streets or communities)')} required>
          <Flex gap={8}>
            <div style={{ flex: 1 }}><NodePicker value={picked?.id ?? null} onChange={(v, node) => setPicked(v && node ? { id: v, name: node.name } : null)} levels={['street', 'community']} placeholder={t('选择后点“添加”', 'Choose, then add')} testId="duty-apply-unit" /></div>
            <Button onClick={() => { if (picked && !units.some((u) => u.id === picked.id)) setTargets([...units, picked]); setPicked(null); }} data-testid="duty-apply-add-unit">{t('添加', 'Add')}</Button>
          </Flex>
        </Form.Item>
        <Flex gap={4} wrap style={{ marginTop: -16, marginBottom: 16 }} data-testid="duty-apply-units">
          {units.length ? units.map((u) => <Tag key={u.id} closable onClose={() => setTargets(units.filter((x) => x.id !== u.id))}><UserText>{u.name}</UserText></Tag>) : <Typography.Text type="secondary">{t('尚未选择单位', 'No unit chosen yet')}</Typography.Text>}
        </Flex>
        <Form.Item name="targetNodeIds" hidden><Input /></Form.Item>
        <Form.Item name="range" label={t('期限（不填结束日期为长期）', 'Period (no end date: open-ended)')} rules={[{ required: true }]}><DatePicker.RangePicker allowEmpty={[false, true]} /></Form.Item>
        <Form.Item name="resources" label={t('随事下沉的经费、人员、装备和培训（费随事转）', 'Funds, staff, equipment and training that come with it')} rules={[{ required: true, min: 2 }]}><Input.TextArea rows={2} maxLength={4000} /></Form.Item>
      </Form>
      {check ? <Findings check={check} /> : null}
    </Modal>
  );
}

function AdmissionDrawer({ id, onClose, onDecided }: { id: number; onClose(): void; onDecided(): void }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const d = useApi((signal) => call.get('/api/duty-admissions/{id}', { path: { id }, signal }), [id]);
  const [decision, setDecision] = useState<'admit' | 'refuse'>('admit');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const a = d.data;
  const decide = async () => {
    setError(null);
    try {
      d.setData(await call.post('/api/duty-admissions/{id}/decide', { path: { id }, body: { decision, reason } }));
      onDecided();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Drawer open onClose={onClose} width={Math.min(720, window.innerWidth)} title={a ? <UserText>{a.title}</UserText> : t('准入申请', 'Application')}>
      <ErrorAlert error={d.error ?? error} />
      {a ? (
        <>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('状态', 'Status')}><Tag color={admissionStatus[a.status]![2]}>{t(admissionStatus[a.status]![0], admissionStatus[a.status]![1])}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('申请部门', 'Department')}>{userText(a.department.name)}{a.applicant ? <> · {userText(a.applicant.name)}</> : null}</Descriptions.Item>
            <Descriptions.Item label={t('列入', 'Would join')}>{t(...listName[a.listKind])}</Descriptions.Item>
            <Descriptions.Item label={t('理由', 'Why')}><UserText>{a.purpose}</UserText></Descriptions.Item>
            <Descriptions.Item label={t('依据', 'Basis')}><UserText>{a.basis}</UserText></Descriptions.Item>
            {a.cooperation ? <Descriptions.Item label={t('具体工作', 'What they would do')}><UserText>{a.cooperation}</UserText></Descriptions.Item> : null}
            <Descriptions.Item label={t('承接单位', 'Units')}>{userText(a.targets.map((x) => (x.nodeId === x.townshipId ? x.name : `${x.townshipName} ${x.name}`)).join('、'))}</Descriptions.Item>
            <Descriptions.Item label={t('期限', 'Period')}>{a.startDate} ~ {a.endDate ?? t('长期', 'open-ended')}</Descriptions.Item>
            <Descriptions.Item label={t('随事资源', 'Resources')}><UserText>{a.resources}</UserText></Descriptions.Item>
            {a.decisionReason ? <Descriptions.Item label={t('审核意见', 'Decision')}><UserText>{a.decisionReason}</UserText>{a.decidedBy ? <> · {userText(a.decidedBy.name)}</> : null}</Descriptions.Item> : null}
          </Descriptions>
          <Card size="small" title={t('与权责清单比对', 'Checked against the lists')} style={{ marginTop: 12 }}>
            <Findings check={a} />
          </Card>
          {a.status === 'pending' && can('duty:review') ? (
            <Card size="small" title={t('审核决定', 'Decision')} style={{ marginTop: 12 }}>
              <Flex vertical gap={8}>
                <Radio.Group value={decision} onChange={(e) => setDecision(e.target.value)} options={[{ value: 'admit', label: t('准入（列入各单位清单，生成新版本）', 'Admit (joins each unit’s lists as a new version)') }, { value: 'refuse', label: t('不予准入', 'Refuse') }]} />
                <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('审核意见（必填）', 'Reason (required)')} data-testid="duty-decide-reason" />
                <Button type="primary" danger={decision === 'refuse'} disabled={reason.trim().length < 2} onClick={() => void decide()} data-testid="duty-decide">{t('确定', 'Decide')}</Button>
              </Flex>
            </Card>
          ) : null}
          {a.status === 'admitted' ? <Typography.Paragraph style={{ marginTop: 12 }}>{t('已列入 {n} 个街道（乡镇）的清单。', 'Added to the lists of {n} townships.', { n: a.admittedItemIds.length })}</Typography.Paragraph> : null}
        </>
      ) : null}
    </Drawer>
  );
}
