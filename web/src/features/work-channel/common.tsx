// Pieces the work channel's pages share: where an item's link leads, the tag of its source, the
// deadline as working days left.
import { LinkOutlined } from '@ant-design/icons';
import { Button, Tag } from 'antd';
import { useNavigate } from 'react-router-dom';
import type { ResponseOf } from '../../api/typed';
import { UserText } from '../../components/UserText';
import { useI18n } from '../../i18n';

export type InboxItem = ResponseOf<'/api/channel/inbox'>['items'][number];
export type Link = NonNullable<InboxItem['link']>;

export function linkPath(l: Link): string {
  if (l.kind === 'report') return '/reports';
  if (l.kind === 'report_due') return `/reports/due/${l.dueId}`;
  if (l.kind === 'stale') return `/stale`;
  if (l.recordKind === 'resident') return l.label ? `/residents?label=${encodeURIComponent(l.label)}` : '/residents';
  return `/records/${l.recordKind}`;
}

/** "Answer it from the base data": the report to make in one click, or the list that holds the records. */
export function LinkButton({ link, block }: { link: Link; block?: boolean }) {
  const { t } = useI18n();
  const nav = useNavigate();
  const label =
    link.kind === 'report' ? t('一键生成报表', 'Make the report in one click')
    : link.kind === 'report_due' ? t('去填报', 'Open the report')
    : link.kind === 'stale' ? t('去核实', 'Review the records')
    : t('查看已有数据', 'See the records already held');
  return (
    <Button icon={<LinkOutlined />} block={block} onClick={(e) => { e.stopPropagation(); nav(linkPath(link)); }} data-testid="inbox-link">
      {label}
      {link.kind !== 'stale' ? <>{t('：', ': ')}<UserText>{link.title}</UserText></> : null}
    </Button>
  );
}

export function SourceTag({ source }: { source: InboxItem['source'] }) {
  const { t } = useI18n();
  const map = { task: ['blue', t('任务', 'Task')], notice: ['cyan', t('通知', 'Notice')], report: ['purple', t('报表', 'Report')], registry: ['gold', t('数据维护', 'Base data')] } as const;
  const [color, label] = map[source];
  return <Tag color={color} style={{ marginInlineEnd: 0 }}>{label}</Tag>;
}

/** The item's title: what people wrote, or (stale base data) the platform's own words. */
export function ItemTitle({ item }: { item: InboxItem }) {
  const { tn } = useI18n();
  if (item.source === 'registry' && item.link?.kind === 'stale') return <>{tn('{g}：{n} 条基础数据逾期未核', '{g}: {n} records overdue for review', { g: <UserText>{item.link.title}</UserText>, n: item.amount ?? 0 })}</>;
  return <UserText>{item.title}</UserText>;
}

export function FromText({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  if (item.source === 'registry') return <>{t('基础数据定期维护', 'Base-data maintenance')}</>;
  return <UserText>{item.fromName}</UserText>;
}

export function ItemName({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  if (item.source === 'registry') return <>{t('字段维护周期（社区负责）', 'Review periods of community-owned fields')}</>;
  return <UserText>{item.itemName}</UserText>;
}

export function DeadlineTag({ item }: { item: Pick<InboxItem, 'deadline' | 'daysLeft' | 'overdue' | 'doneAt'> }) {
  const { t } = useI18n();
  if (item.doneAt) return <Tag color="green" style={{ marginInlineEnd: 0 }}>{t('已办结', 'Done')}</Tag>;
  if (!item.deadline) return null;
  if (item.overdue) return <Tag color="red" style={{ marginInlineEnd: 0 }}>{t('已逾期', 'Overdue')}</Tag>;
  if (item.daysLeft === 0) return <Tag color="orange" style={{ marginInlineEnd: 0 }}>{t('今天截止', 'Due today')}</Tag>;
  return <Tag color={item.daysLeft !== null && item.daysLeft <= 1 ? 'orange' : undefined} style={{ marginInlineEnd: 0 }}>{t('剩 {n} 个工作日', '{n} working days left', { n: item.daysLeft ?? 0 })}</Tag>;
}

export const dutyListNames = { basic: ['基本履职事项', 'Basic duty'], cooperative: ['配合履职事项', 'Cooperative duty'], taken_back: ['上级部门收回事项', 'Taken back'] } as const;
