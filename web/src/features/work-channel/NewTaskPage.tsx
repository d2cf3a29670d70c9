// 派发任务: a task or notice down the work channel. It must cite the duty item admitted on the
// receiving townships' lists (the server refuses anything else, with the reason); the deadline
// is given in working days and shown as the date it comes to, holidays and 调休 counted; where
// the base data already holds the answer, the task links to the report or the records instead.
import { DeleteOutlined, PaperClipOutlined, SendOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Radio, Select, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { call, type BodyOf, type ResponseOf } from '../../api/typed';
import { applyFieldErrors, ErrorAlert } from '../../components/errors';
import { NodePicker } from '../../components/NodePicker';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import type { ApiError } from '../../api/client';

type NewTask = BodyOf<'/api/channel/tasks'>;
type Attachment = ResponseOf<'/api/channel/attachments', 'post'>;
type Reach = 'community' | 'grid' | 'street' | 'chosen';

export default function NewTaskPage() {
  const { t } = useI18n();
  const nav = useNavigate();
  const { message } = App.useApp();
  const { home } = usePlace();
  const [form] = Form.useForm();
  const [reach, setReach] = useState<Reach>(home?.level === 'street' ? 'community' : 'street');
  const [chosen, setChosen] = useState<{ id: number; name: string }[]>([]);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [linkKind, setLinkKind] = useState<'none' | 'report' | 'records'>('none');
  const days = Form.useWatch('workingDays', form) as number | undefined;
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const due = useApi(days ? (signal) => call.get('/api/calendar/working-days', { query: { from: today, days }, signal }) : null, [days]);

  const upload = async (file: File) => {
    const fd = new FormData();
    fd.append('file', file);
    try {
      const a = await api.post<Attachment>('/channel/attachments', fd);
      setFiles((f) => [...f, a]);
    } catch (err) {
      message.error(toApiError(err).message);
    }
    return false;
  };

  const submit = async (v: { kind: 'task' | 'notice'; title: string; body?: string; dutyItemId: number; workingDays: number; reportCode?: string; recordKind?: string; label?: string }) => {
    setBusy(true);
    setError(null);
    const body: NewTask = {
      kind: v.kind, title: v.title, body: v.body ?? '', dutyItemId: v.dutyItemId, workingDays: v.workingDays,
      ...(reach === 'chosen' ? { unitIds: chosen.map((c) => c.id) } : { allUnder: { nodeId: home!.id, level: reach } }),
      ...(linkKind === 'report' && v.reportCode ? { link: { kind: 'report' as const, code: v.reportCode } } : {}),
      ...(linkKind === 'records' && v.recordKind ? { link: { kind: 'records' as const, recordKind: v.recordKind as 'resident', ...(v.label ? { label: v.label } : {}) } } : {}),
      ...(files.length ? { attachmentIds: files.map((f) => f.id) } : {}),
    };
    try {
      const r = await call.post('/api/channel/tasks', { body });
      message.success(t('已派发给 {n} 个单位', 'Sent to {n} units', { n: r.progress.units }));
      nav(`/channel/tasks/${r.id}`);
    } catch (err) {
      const e = toApiError(err);
      if (!applyFieldErrors(form, e)) setError(e);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="new-task-page">
      <PageHeader title={t('派发任务', 'Send a task')} subtitle={t('工作通道只派发权责清单上已准入的事项：未准入、已收回或非本部门的事项会被拒绝', 'The work channel sends only items admitted on the duty lists: items not admitted, taken back, or another department’s are refused')} />
      <Card size="small" style={{ maxWidth: 760 }}>
        <ErrorAlert error={error} style={{ marginBottom: 12 }} />
        <Form form={form} layout="vertical" initialValues={{ kind: 'task', workingDays: 5 }} onFinish={submit}>
          <Form.Item name="kind" label={t('类型', 'Kind')}>
            <Radio.Group optionType="button" options={[{ value: 'task', label: t('任务（需办结并填写结果）', 'Task (done with a result)') }, { value: 'notice', label: t('通知（阅知即可）', 'Notice (read only)') }]} />
          </Form.Item>
          <Form.Item name="title" label={t('标题', 'Title')} rules={[{ required: true, min: 2, message: t('请填写标题', 'Give a title') }]}>
            <Input maxLength={200} data-testid="task-title" />
          </Form.Item>
          <Form.Item name="body" label={t('内容', 'Text')}>
            <Input.TextArea rows={4} maxLength={10000} />
          </Form.Item>
          <Form.Item name="dutyItemId" label={t('依据的职责事项编号（权责清单）', 'Duty item number (duty lists)')} rules={[{ required: true, message: t('必须引用已准入的职责事项', 'Cite an admitted duty item') }]} extra={t('不在接收单位所属街道（乡镇）清单上的事项不能派发', 'Items not on the lists of the receiving units’ township cannot be sent')}>
            <InputNumber min={1} style={{ width: 200 }} data-testid="task-duty-item" />
          </Form.Item>
          <Form.Item label={t('接收单位', 'Receiving units')} required>
            <Radio.Group value={reach} onChange={(e) => setReach(e.target.value as Reach)} options={[
              ...(home?.level !== 'street' ? [{ value: 'street', label: t('辖区全部街道（乡镇）', 'Every street in my area') }] : []),
              { value: 'community', label: t('辖区全部社区（村）', 'Every community in my area') },
              { value: 'grid', label: t('辖区全部网格', 'Every grid in my area') },
              { value: 'chosen', label: t('指定单位', 'Chosen units') },
            ]} />
            {reach === 'chosen' ? (
              <Flex vertical gap={8} style={{ marginTop: 8 }}>
                <NodePicker levels={['street', 'community', 'grid']} value={null} onChange={(id, n) => id && n && !chosen.some((c) => c.id === id) && setChosen((c) => [...c, { id, name: n.name }])} placeholder={t('选择街道、社区或网格', 'Choose a street, community or grid')} testId="task-units" />
                <Flex gap={4} wrap>{chosen.map((c) => <Tag key={c.id} closable onClose={() => setChosen((x) => x.filter((y) => y.id !== c.id))}><UserText>{c.name}</UserText></Tag>)}</Flex>
              </Flex>
            ) : null}
          </Form.Item>
          <Form.Item name="workingDays" label={t('办理时限（工作日）', 'Time allowed (working days)')} rules={[{ required: true }]} extra={due.data?.deadline ? t('截止 {d}（已扣除节假日，计入调休上班日）', 'Due {d} (holidays skipped, make-up working days counted)', { d: due.data.deadline }) : null}>
            <InputNumber min={1} max={60} style={{ width: 200 }} data-testid="task-days" />
          </Form.Item>
          <Form.Item label={t('基础数据已有的，直接链接，不再重复填报', 'Where the base data already answers it, link to it instead of asking again')}>
            <Radio.Group value={linkKind} onChange={(e) => setLinkKind(e.target.value as typeof linkKind)} options={[{ value: 'none', label: t('不链接', 'No link') }, { value: 'report', label: t('备案报表', 'A filed report') }, { value: 'records', label: t('基础数据列表', 'A base-data list') }]} />
          </Form.Item>
          {linkKind === 'report' ? (
            <Form.Item name="reportCode" label={t('报表编码', 'Report code')} rules={[{ required: true }]}><Input maxLength={40} style={{ width: 260 }} /></Form.Item>
          ) : null}
          {linkKind === 'records' ? (
            <Flex gap={12} wrap>
              <Form.Item name="recordKind" label={t('记录类别', 'Records')} rules={[{ required: true }]}>
                <Select style={{ width: 180 }} options={[['resident', '居民', 'Residents'], ['household', '户', 'Households'], ['house', '房屋', 'Houses'], ['building', '楼栋', 'Buildings'], ['organisation', '单位', 'Organisations'], ['facility', '设施', 'Facilities']].map(([v, zh, en]) => ({ value: v, label: t(zh!, en!) }))} />
              </Form.Item>
              <Form.Item name="label" label={t('标签编码（可选）', 'Label code (optional)')}><Input maxLength={32} style={{ width: 200 }} placeholder="elderly_alone" /></Form.Item>
            </Flex>
          ) : null}
          <Form.Item label={t('附件', 'Attachments')}>
            <Upload beforeUpload={(f) => upload(f)} showUploadList={false} multiple>
              <Button icon={<PaperClipOutlined />} disabled={files.length >= 10}>{t('添加附件', 'Add a file')}</Button>
            </Upload>
            <Flex vertical gap={4} style={{ marginTop: 8 }}>
              {files.map((f) => (
                <Typography.Text key={f.id}>
                  <UserText>{f.fileName}</UserText> ({Math.max(1, Math.round(f.size / 1024))} KB) <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('移除', 'Remove')} onClick={() => setFiles((x) => x.filter((y) => y.id !== f.id))} />
                </Typography.Text>
              ))}
            </Flex>
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy} disabled={reach === 'chosen' && !chosen.length} data-testid="task-send">
            {t('派发', 'Send')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
