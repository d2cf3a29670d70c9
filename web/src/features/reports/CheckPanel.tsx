// What the platform says about a template: how much of it base data answers ("18 of 20 computed"),
// which approved templates it overlaps (named, item by item), grants the department lacks, the
// size of the table, problems with their place in the template, and the burden before and after.
import { Alert, Card, Flex, List, Progress, Statistic, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n';
import type { Coverage, Overlap, TemplateCheck } from './api';

export function CoverageCard({ coverage }: { coverage: Coverage }) {
  const { t, pick } = useI18n();
  const pct = coverage.total ? Math.round((coverage.computed / coverage.total) * 100) : 0;
  return (
    <Flex gap={16} align="center" data-testid="coverage">
      <Progress type="circle" size={64} percent={pct} format={() => `${coverage.computed}/${coverage.total}`} />
      <div>
        <Typography.Text strong>{pick(coverage)}</Typography.Text>
        <div>
          <Typography.Text type="secondary">{t('手工项越少，基层负担越轻', 'The fewer hand-entered items, the lighter the load')}</Typography.Text>
        </div>
      </div>
    </Flex>
  );
}

export function OverlapList({ overlaps }: { overlaps: Overlap[] }) {
  const { t, pick } = useI18n();
  if (!overlaps.length) return <Alert type="success" showIcon title={t('与已批准的报表没有重叠', 'No overlap with approved reports')} />;
  return (
    <List
      size="small"
      bordered
      data-testid="overlaps"
      dataSource={overlaps}
      renderItem={(o) => (
        <List.Item>
          <Flex vertical gap={4} style={{ width: '100%' }}>
            <Flex gap={8} align="center" wrap>
              <Tag color={o.share >= 0.5 ? 'red' : 'orange'}>{t('重叠 {p}%', '{p}% overlap', { p: Math.round(o.share * 100) })}</Tag>
              <Typography.Text strong>{`《${o.title}》`}</Typography.Text>
              <Typography.Text type="secondary">{o.department}</Typography.Text>
            </Flex>
            <Typography.Text>{pick(o)}</Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
}

export function CheckPanel({ check }: { check: TemplateCheck }) {
  const { t, pick } = useI18n();
  return (
    <Card size="small" title={t('检查结果', 'Check')} data-testid="check-panel">
      <Flex vertical gap={12}>
        {check.problems.length ? (
          <Alert
            type="error"
            showIcon
            title={t('模板有 {n} 处问题', '{n} problem(s)', { n: check.problems.length })}
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {check.problems.map((p) => (
                  <li key={`${p.field}-${p.zh}`}>
                    <Typography.Text code>{p.field}</Typography.Text> {pick(p)}
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
        {check.missingGrants.length ? (
          <Alert
            type="warning"
            showIcon
            title={t('本部门未获授权的字段（提交备案时将被拒绝）', 'Fields your department is not granted (filing will be refused)')}
            description={check.missingGrants.map((m) => pick(m)).join(t('、', ', '))}
          />
        ) : null}
        {check.ok ? <Alert type="success" showIcon title={t('可以提交备案', 'Ready to file')} /> : null}
        <CoverageCard coverage={check.coverage} />
        <Flex gap={32} wrap>
          <Statistic title={t('每份报表单元格', 'Cells per report')} value={check.cells} suffix={`/ ${check.maxCells.toLocaleString()}`} />
          <Statistic title={t('原手工填报（分钟/次）', 'By hand before (min/fill)')} value={check.burden.minutesBefore} />
          <Statistic title={t('平台生成后（分钟/次）', 'With the platform (min/fill)')} value={check.burden.minutesAfter} />
        </Flex>
        <div>
          <Typography.Title level={5}>{t('与已批准报表的重叠', 'Overlaps with approved reports')}</Typography.Title>
          <OverlapList overlaps={check.overlaps} />
        </div>
      </Flex>
    </Card>
  );
}
