// One grid's party organisation (网格党组织) and chain of responsibility (三级四长).
import { Alert, Button, Descriptions, Empty, Flex, Skeleton, Tag, Typography } from 'antd';
import { call } from '../../api/typed';
import { PersonName } from '../../components/PersonName';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { gridColours } from './GridMap';
import { UserText } from '../../components/UserText';

const orgTypes: Record<string, [string, string]> = { branch: ['党支部', 'party branch'], group: ['党小组', 'party group'], joint_branch: ['联合党支部', 'joint party branch'] };
const specialKinds: Record<string, [string, string]> = { school: ['学校', 'school'], hospital: ['医院', 'hospital'], market: ['市场', 'market'], industrial_park: ['园区', 'industrial park'], other: ['其他', 'other'] };

export function GridPanel({ gridId, onOpenDashboard }: { gridId: number; onOpenDashboard?(): void }) {
  const { t, tt, lang } = useI18n();
  const { data, error, loading } = useApi((signal) => call.get('/api/tree/grids/{id}', { path: { id: gridId }, signal }), [gridId]);
  if (loading && !data) return <Skeleton active />;
  if (error) return <Alert type="error" showIcon title={error.message} />;
  if (!data) return null;
  const g = data.grid;
  const pair = (p: [string, string] | undefined, fallback: string) => (p ? p[lang === 'en' ? 1 : 0] : fallback);
  return (
    <Flex vertical gap={12} data-testid="grid-panel">
      <div>
        <Typography.Title level={5} style={{ margin: 0 }}>
          <UserText>{g.name}</UserText>
        </Typography.Title>
        <Flex gap={6} style={{ marginTop: 6 }} wrap>
          <Tag color={gridColours[g.kind]}>{tt(`grid_${g.kind}` as 'grid_urban')}</Tag>
          {g.specialKind ? <Tag>{pair(specialKinds[g.specialKind], g.specialKind)}</Tag> : null}
          <Typography.Text type="secondary" copyable>
            {g.code}
          </Typography.Text>
        </Flex>
      </div>
      <div>
        <Typography.Text strong>{t('网格党组织', 'Party organisation')}</Typography.Text>
        {data.partyOrg ? (
          <Descriptions size="small" column={1} style={{ marginTop: 6 }}>
            <Descriptions.Item label={tt('name')}>{<UserText>{data.partyOrg.name}</UserText>}</Descriptions.Item>
            <Descriptions.Item label={t('类型', 'Type')}>{pair(orgTypes[data.partyOrg.orgType], data.partyOrg.orgType)}</Descriptions.Item>
            <Descriptions.Item label={t('书记', 'Secretary')}>{data.partyOrg.secretaryName ? <UserText>{data.partyOrg.secretaryName}</UserText> : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('党员人数', 'Members')}>{data.partyOrg.memberCount}</Descriptions.Item>
            {data.partyOrg.establishedOn ? <Descriptions.Item label={t('成立日期', 'Founded')}>{data.partyOrg.establishedOn}</Descriptions.Item> : null}
          </Descriptions>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('尚未登记', 'Not recorded yet')} />
        )}
      </div>
      <div>
        <Typography.Text strong>{t('三级四长', 'Chain of responsibility')}</Typography.Text>
        {data.leaders.length ? (
          <Descriptions size="small" column={1} style={{ marginTop: 6 }} data-testid="grid-leaders">
            {data.leaders.map((l) => (
              <Descriptions.Item key={`${l.tier}-${l.personName}`} label={tt(`tier_${l.tier}` as 'tier_grid_chief')}>
                {l.person ? <PersonName person={{ ...l.person, role: '' }} /> : <UserText>{l.personName}</UserText>}
                {l.title ? <Typography.Text type="secondary"> <UserText>（{l.title}）</UserText></Typography.Text> : null}
              </Descriptions.Item>
            ))}
          </Descriptions>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('尚未登记', 'Not recorded yet')} />
        )}
      </div>
      {onOpenDashboard ? (
        <Button onClick={onOpenDashboard} block>
          {t('查看该网格看板', 'Open this grid’s dashboard')}
        </Button>
      ) : null}
    </Flex>
  );
}
