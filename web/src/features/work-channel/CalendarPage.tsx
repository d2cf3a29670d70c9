// 节假日安排: the public holidays and make-up working days (调休) that deadlines count with. The
// platform ships the State Council's published years; an administrator loads the next one when it
// is published, as an xlsx sheet (日期 | 类型 | 名称) or by typing the days.
import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Input, InputNumber, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText } from '../../components/UserText';
import { toApiError, useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

type YearOut = ResponseOf<'/api/calendar/{year}'>;

export default function CalendarPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const years = useApi((signal) => call.get('/api/calendar/years', { signal }), []);
  const data = useApi((signal) => call.get('/api/calendar/{year}', { path: { year }, signal }), [year]);
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<ReturnType<typeof toApiError> | null>(null);

  const loaded = (r: YearOut) => {
    data.setData(r);
    years.reload();
    setError(null);
    message.success(t('{y} 年节假日安排已载入', 'The {y} arrangement is loaded', { y: r.year }));
  };
  const uploadSheet = async (file: File) => {
    const fd = new FormData();
    fd.append('file', file);
    try {
      loaded(await api.post<YearOut>(`/calendar/${year}/sheet`, fd, { source }));
    } catch (err) {
      setError(toApiError(err));
    }
    return false;
  };
  // Typed lines: 2027-01-01 放假 元旦 (or: 2027-02-06 上班 春节)
  const saveTyped = async () => {
    const days = text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const [day = '', kind = '', ...name] = l.split(/[\s,，\t]+/);
      return { day, kind: /上班|班|workday/.test(kind) ? ('workday' as const) : ('holiday' as const), name: name.join(' ') };
    });
    try {
      loaded(await call.put('/api/calendar/{year}', { path: { year }, body: { source, days } }));
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <div data-testid="calendar-page">
      <PageHeader title={t('节假日安排', 'Public holidays')} subtitle={t('期限按工作日计：节假日不计，调休上班日计入', 'Deadlines count working days: holidays are skipped, make-up working days count')} />
      <Flex gap={12} wrap align="flex-start">
        <Card size="small" style={{ flex: '1 1 360px' }} title={<Flex gap={8} align="center">{t('年份', 'Year')}<InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} data-testid="calendar-year" /></Flex>}>
          <Flex gap={6} wrap style={{ marginBottom: 8 }}>
            {(years.data ?? []).map((y) => <Tag key={y.year} color={y.year === year ? 'blue' : undefined} style={{ cursor: 'pointer' }} onClick={() => setYear(y.year)}>{t('{y}：放假 {h} 天，调休上班 {w} 天', '{y}: {h} days off, {w} make-up days', { y: y.year, h: y.holidays, w: y.workdays })}</Tag>)}
          </Flex>
          {data.data && !data.data.loaded ? <Typography.Paragraph type="warning">{t('该年尚未载入，暂只按周末计算', 'Not loaded yet: only weekends are counted for this year')}</Typography.Paragraph> : null}
          {data.data?.source ? <Typography.Paragraph type="secondary">{t('依据：', 'Source: ')}<UserText>{data.data.source}</UserText></Typography.Paragraph> : null}
          <Table size="small" rowKey="day" loading={data.loading} pagination={false} dataSource={data.data?.days ?? []} columns={[
            { title: t('日期', 'Date'), dataIndex: 'day' },
            { title: t('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => (k === 'holiday' ? <Tag color="red">{t('放假', 'Day off')}</Tag> : <Tag color="blue">{t('调休上班', 'Make-up working day')}</Tag>) },
            { title: t('节日', 'Festival'), dataIndex: 'name', render: (v: string) => <UserText>{v}</UserText> },
          ]} />
        </Card>
        {can('calendar:manage') ? (
          <Card size="small" style={{ flex: '1 1 360px' }} title={t('载入 {y} 年安排', 'Load the {y} arrangement', { y: year })}>
            <ErrorAlert error={error} style={{ marginBottom: 12 }} />
            <Flex vertical gap={8}>
              <Input value={source} onChange={(e) => setSource(e.target.value)} placeholder={t('依据的通知，如：国务院办公厅关于2027年部分节假日安排的通知', 'The notice it comes from')} data-testid="calendar-source" />
              <Upload beforeUpload={(f) => uploadSheet(f)} showUploadList={false} accept=".xlsx">
                <Button icon={<UploadOutlined />} disabled={!source.trim()}>{t('上传 xlsx（日期 | 类型 | 名称）', 'Upload xlsx (date | kind | name)')}</Button>
              </Upload>
              <Typography.Text type="secondary">{t('或逐行输入：2027-01-01 放假 元旦；2027-02-06 上班 春节', 'Or one day a line: 2027-01-01 holiday New Year; 2027-02-06 workday Spring Festival')}</Typography.Text>
              <Input.TextArea rows={8} value={text} onChange={(e) => setText(e.target.value)} data-testid="calendar-text" />
              <Button type="primary" onClick={saveTyped} disabled={!source.trim() || !text.trim()} data-testid="calendar-save">{t('保存（替换该年全部安排）', 'Save (replaces the whole year)')}</Button>
            </Flex>
          </Card>
        ) : null}
      </Flex>
    </div>
  );
}
