// 一键报表: the reports a unit owes, overdue first, each with its deadline and one button that
// computes it from base data. Submitted ones are a tab away. A street also sees how its
// communities stand.
import { ThunderboltOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Empty, Flex, Space, Tabs, Tag, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { call } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { cadenceNames, dueStatusNames, type Due } from './api';
import { UserText } from '../../components/UserText';
import { templateDepartment, templateTitle } from './texts';

export default function DueListPage() {
  const { t, lang, pick } = useI18n();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'submitted' ? 'submitted' : 'open';
  const dues = useApi((signal) => call.get('/api/reports/due', { query: { status: tab === 'open' ? ['pending', 'overdue'] : ['submitted'], limit: 200, offset: 0 }, signal }), [tab]);
  const myNode = me?.node?.id;
  const own = (dues.data?.items ?? []).filter((d) => d.unit.id === myNode);
  const below = (dues.data?.items ?? []).filter((d) => d.unit.id !== myNode);
  const L = (pair: [string, string, string?] | [string, string] | undefined, fallback = '') => (pair ? (lang === 'en' ? pair[1] : pair[0]) : fallback);

  const card = (d: Due) => {
    const st = dueStatusNames[d.status];
    const mine = d.unit.id === myNode;
    return (
      <Card
        key={d.id}
        size="small"
        data-testid={`due-${d.templateCode}`}
        title={
          <Flex gap={8} align="center" wrap>
            <span>{templateTitle(lang, d)}</span>
            <Tag>{L(cadenceNames[d.cadence])}</Tag>
            <Badge status={(st?.[2] ?? 'default') as 'success'} text={L(st)} />
            {d.late ? <Tag color="orange">{t('逾期报送', 'late')}</Tag> : null}
          </Flex>
        }
        extra={
          mine && d.status !== 'submitted' ? (
            <Button type="primary" icon={<ThunderboltOutlined />} onClick={() => navigate(`/reports/due/${d.id}`)} data-testid={`generate-${d.templateCode}`}>
              {t('一键生成', 'Generate')}
            </Button>
          ) : d.submissionId ? (
            <Button onClick={() => navigate(`/reports/submissions/${d.submissionId}`)} data-testid={`open-${d.templateCode}`}>
              {t('查看', 'Open')}
            </Button>
          ) : null
        }
      >
        <Flex gap={24} wrap>
          {!mine ? <Typography.Text>{t('报送单位：', 'Unit: ')}<UserText>{d.unit.name}</UserText></Typography.Text> : null}
          <Typography.Text>{t('报告期：', 'Period: ')}{lang === 'en' ? d.period : d.periodLabel}</Typography.Text>
          <Typography.Text type={d.status === 'overdue' ? 'danger' : undefined}>
            {t('截止：', 'Due: ')}
            {d.deadline}
            {d.status === 'pending' ? t('（还剩 {n} 天）', ' ({n} days left)', { n: d.daysLeft }) : ''}
          </Typography.Text>
          <Typography.Text type="secondary">{t('制表：', 'From: ')}{templateDepartment(lang, d.department, d.en)}</Typography.Text>
          {d.coverage ? <Typography.Text type="secondary">{pick(d.coverage)}</Typography.Text> : null}
          {d.reminders ? <Tag color="gold">{t('已催报 {n} 次', 'reminded {n}×', { n: d.reminders })}</Tag> : null}
          {d.submittedAt ? <Typography.Text type="secondary">{t('报送于 ', 'submitted ')}{new Date(d.submittedAt).toLocaleString(lang === 'en' ? 'en-CA' : 'zh-CN')}</Typography.Text> : null}
        </Flex>
      </Card>
    );
  };

  return (
    <div>
      <PageHeader
        title={t('一键报表', 'One-click reports')}
        subtitle={t('报表由基础数据自动生成：点“一键生成”预览，核对后报送，一次报送供所有有权部门使用', 'Reports are computed from base data: generate, check, submit once for every entitled department')}
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'submitted' ? { tab: 'submitted' } : {})}
        items={[
          { key: 'open', label: t('待报', 'Due') },
          { key: 'submitted', label: t('已报送', 'Submitted') },
        ]}
      />
      <ErrorAlert error={dues.error} onRetry={dues.reload} style={{ marginBottom: 12 }} />
      <Space orientation="vertical" style={{ width: "100%" }} size={12}>
        {!dues.loading && !own.length && !below.length ? <Empty description={tab === 'open' ? t('没有待报的报表', 'Nothing due') : t('还没有报送过报表', 'Nothing submitted yet')} /> : null}
        {own.map(card)}
        {below.length ? <Typography.Title level={5}>{t('下辖单位', 'Units below')}</Typography.Title> : null}
        {below.map(card)}
      </Space>
    </div>
  );
}
