// 街乡吹哨、部门报到: a street blows the whistle for a problem it cannot solve alone and names the
// departments summoned; each department reports in order (acknowledge, staff on site, act) by
// the deadline. Streets see their whistles; a department sees those that summon it and answers.
import { AlertOutlined, CheckCircleOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Form, Input, InputNumber, Modal, Radio, Segmented, Select, Skeleton, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

type Whistle = ResponseOf<'/api/whistles'>['items'][number];
type Call = Whistle['calls'][number];
const when = (s: string | null) => (s ? new Date(Date.parse(s) + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ') : '');

export function useReasonNames() {
  const { t } = useI18n();
  return { cannot_enforce: t('无执法权', 'Cannot enforce'), joint_action: t('需联合行动', 'Joint action'), emergency: t('突发紧急', 'Emergency') } as const;
}

export default function WhistlesPage() {
  const { t } = useI18n();
  const { can, me } = useAuth();
  const nav = useNavigate();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [raising, setRaising] = useState(false);
  const list = useApi((signal) => call.get('/api/whistles', { query: { status, limit: 50, offset: 0 }, signal }), [status]);
  return (
    <div data-testid="whistles-page">
      <PageHeader
        title={t('街乡吹哨 · 部门报到', 'Whistles: streets summon departments')}
        subtitle={t('街道解决不了的问题吹哨，被召集的部门须在时限内接单、到场、处置', 'A street whistles for what it cannot solve alone; summoned departments acknowledge, come and act within the deadline')}
        extra={
          <>
            <Button onClick={() => nav('/whistles/stats')}>{t('响应统计', 'Response times')}</Button>
            {can('whistle:raise') ? <Button type="primary" danger icon={<AlertOutlined />} onClick={() => setRaising(true)} data-testid="whistle-raise">{t('吹哨', 'Blow the whistle')}</Button> : null}
          </>
        }
      />
      <Segmented value={status} onChange={(v) => setStatus(v as 'open' | 'closed')} options={[{ value: 'open', label: t('进行中', 'Open') }, { value: 'closed', label: t('已办结', 'Closed') }]} style={{ marginBottom: 12 }} />
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Skeleton active /> : null}
      {list.data && !list.data.items.length ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('没有吹哨事项', 'No whistles')} /> : null}
      <Flex vertical gap={12}>
        {list.data?.items.map((w) => <WhistleCard key={w.id} w={w} myDept={me?.user.departmentId ?? null} canReport={can('whistle:report')} canClose={can('whistle:raise')} onChanged={list.reload} />)}
      </Flex>
      {raising ? <RaiseModal onClose={() => setRaising(false)} onDone={() => { setRaising(false); list.reload(); }} /> : null}
    </div>
  );
}

function WhistleCard({ w, myDept, canReport, canClose, onChanged }: { w: Whistle; myDept: number | null; canReport: boolean; canClose: boolean; onChanged(): void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const reasons = useReasonNames();
  const step = async (c: Call) => {
    const next = c.status === 'summoned' ? 'acknowledge' : c.status === 'acknowledged' ? 'on_site' : 'act';
    let note = '';
    if (next !== 'acknowledge') {
      const ok = await new Promise<boolean>((resolve) => modal.confirm({ title: next === 'on_site' ? t('到场报到：派了谁？', 'On site: who came?') : t('处置情况', 'What was done'), content: <Input.TextArea rows={3} onChange={(e) => (note = e.target.value)} />, onOk: () => resolve(true), onCancel: () => resolve(false) }));
      if (!ok) return;
    }
    try {
      await call.post('/api/whistles/{id}/report', { path: { id: w.id }, body: { step: next, ...(note ? { note } : {}) } });
      onChanged();
    } catch (err) {
      message.error(toApiError(err).message);
    }
  };
  const close = async () => {
    let note = '';
    const ok = await new Promise<boolean>((resolve) => modal.confirm({ title: t('办结吹哨事项', 'Close the whistle'), content: <Input.TextArea rows={3} placeholder={t('处理结果', 'Outcome')} onChange={(e) => (note = e.target.value)} />, onOk: () => resolve(true), onCancel: () => resolve(false) }));
    if (!ok) return;
    try {
      await call.post('/api/whistles/{id}/close', { path: { id: w.id }, body: { note } });
      onChanged();
    } catch (err) {
      message.error(toApiError(err).message);
    }
  };
  return (
    <Card size="small" data-testid={`whistle-${w.id}`} title={<Flex gap={8} align="center" wrap><Tag color={w.reason === 'emergency' ? 'red' : 'orange'}>{reasons[w.reason]}</Tag><UserText>{w.street.name}</UserText><Typography.Text type="secondary" style={{ fontWeight: 400 }}>{when(w.raisedAt)} · <UserText>{w.raisedByName}</UserText></Typography.Text></Flex>}
      extra={canClose && w.status === 'open' ? <Button size="small" onClick={close}>{t('办结', 'Close')}</Button> : null}>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}><UserText>{w.problem}</UserText></Typography.Paragraph>
      <Typography.Paragraph type="secondary"><EnvironmentOutlined /> <UserText>{w.placeText}</UserText>{w.lat !== null && w.lng !== null ? ` (${w.lat.toFixed(5)}, ${w.lng.toFixed(5)})` : ''} · {t('报到时限 {d}', 'Report by {d}', { d: when(w.deadlineAt) })}</Typography.Paragraph>
      {w.closingNote ? <Typography.Paragraph type="success"><CheckCircleOutlined /> <UserText>{w.closingNote}</UserText></Typography.Paragraph> : null}
      <Flex vertical gap={10}>
        {w.calls.map((c) => (
          <Flex key={c.id} gap={12} align="center" wrap>
            <div style={{ minWidth: 120, fontWeight: 600 }}><UserText>{c.departmentName}</UserText> {c.overdue ? <Tag color="red">{t('超时', 'Late')}</Tag> : null}</div>
            <Steps size="small" style={{ flex: 1, minWidth: 260 }} current={['summoned', 'acknowledged', 'on_site', 'acted'].indexOf(c.status)} items={[
              { title: t('召集', 'Summoned') },
              { title: t('接单', 'Acknowledged'), description: when(c.acknowledgedAt) },
              { title: t('到场', 'On site'), description: c.staffNote ? <UserText>{c.staffNote}</UserText> : when(c.onSiteAt) },
              { title: t('处置', 'Acted'), description: c.actionNote ? <UserText>{c.actionNote}</UserText> : when(c.actedAt) },
            ]} />
            {canReport && c.departmentId === myDept && c.status !== 'acted' && w.status === 'open' ? (
              <Button type="primary" onClick={() => step(c)} data-testid={`whistle-step-${w.id}`}>{c.status === 'summoned' ? t('接单', 'Acknowledge') : c.status === 'acknowledged' ? t('到场报到', 'Report on site') : t('处置完毕', 'Acted')}</Button>
            ) : null}
          </Flex>
        ))}
      </Flex>
    </Card>
  );
}

function RaiseModal({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const reasons = useReasonNames();
  const reason = Form.useWatch('reason', form) as string | undefined;
  const depts = useApi((signal) => call.get('/api/departments', { signal }), []);
  const [error, setError] = useState<ReturnType<typeof toApiError> | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: BodyOf<'/api/whistles'>) => {
    setBusy(true);
    try {
      await call.post('/api/whistles', { body: { ...v, ...(v.reason === 'emergency' ? { deadlineWorkingDays: undefined } : { deadlineHours: undefined }) } });
      onDone();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('吹哨：召集部门', 'Blow the whistle: summon departments')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('吹哨', 'Blow the whistle')} okButtonProps={{ danger: true }}>
      <ErrorAlert error={error} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" initialValues={{ reason: 'joint_action', deadlineHours: 2, deadlineWorkingDays: 2 }} onFinish={submit}>
        <Form.Item name="reason" label={t('原因', 'Why')}><Radio.Group optionType="button" options={Object.entries(reasons).map(([value, label]) => ({ value, label }))} /></Form.Item>
        <Form.Item name="problem" label={t('问题', 'Problem')} rules={[{ required: true, min: 4 }]}><Input.TextArea rows={3} maxLength={4000} data-testid="whistle-problem" /></Form.Item>
        <Form.Item name="placeText" label={t('地点', 'Place')} rules={[{ required: true, min: 2 }]}><Input maxLength={300} /></Form.Item>
        <Flex gap={12}>
          <Form.Item name="lat" label={t('纬度（可选）', 'Latitude (optional)')}><InputNumber min={3} max={54} step={0.0001} style={{ width: 160 }} /></Form.Item>
          <Form.Item name="lng" label={t('经度（可选）', 'Longitude (optional)')}><InputNumber min={73} max={136} step={0.0001} style={{ width: 160 }} /></Form.Item>
        </Flex>
        <Form.Item name="departmentIds" label={t('召集部门', 'Departments summoned')} rules={[{ required: true }]}>
          <Select mode="multiple" loading={depts.loading} options={(depts.data ?? []).map((d) => ({ value: d.id, label: <UserText>{d.name}</UserText> }))} optionFilterProp="label" />
        </Form.Item>
        {reason === 'emergency' ? (
          <Form.Item name="deadlineHours" label={t('报到时限（小时）', 'Report within (hours)')}><InputNumber min={1} max={72} /></Form.Item>
        ) : (
          <Form.Item name="deadlineWorkingDays" label={t('报到时限（工作日）', 'Report within (working days)')}><InputNumber min={1} max={10} /></Form.Item>
        )}
      </Form>
    </Modal>
  );
}
