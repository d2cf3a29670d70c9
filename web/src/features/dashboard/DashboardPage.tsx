// 首页看板: the counts of the place the user is looking at (their own node by default), drawn from
// GET /api/dashboard, plus the map of its grids, or for a grid its party organisation and leaders.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Skeleton, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { call } from '../../api/typed';
import { ErrorPage } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { levelTerm, nodeView, toPlace } from '../../shell/tree';
import { GridMap } from './GridMap';
import { GridPanel } from './GridPanel';
import { TileCard } from './tiles';
import { UserText } from '../../components/UserText';

export default function DashboardPage() {
  const { t, tt, lang } = useI18n();
  const mobile = useMobile();
  const navigate = useNavigate();
  const { place, setPlace } = usePlace();
  const [grid, setGrid] = useState<number | null>(null);
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/dashboard', { query: { nodeId: place?.id }, signal }), [place?.id]);

  const openNode = (id: number) => {
    void nodeView(id).then((v) => setPlace(toPlace(v.node)));
  };

  if (error && !data) return <ErrorPage error={error} onRetry={reload} />;
  if (!data) return <Skeleton active paragraph={{ rows: 10 }} />;

  const node = data.node;
  // A street and up are counted every few minutes: say when these numbers were counted.
  const countedAt = data.tiles.reduce((min, x) => (x.asOf && x.asOf < min ? x.asOf : min), data.generatedAt);
  const kept = dayjs(data.generatedAt).diff(dayjs(countedAt), 'second') > 60;
  const entries: { order: number; key: string; el: ReactNode }[] = data.tiles.map((tile) => ({ order: tile.order, key: tile.key, el: <TileCard key={tile.key} tile={tile} openNode={openNode} /> }));
  if (node.level === 'grid') {
    entries.push({
      order: 45,
      key: 'grid',
      el: (
        <Card key="grid" size="small" title={t('网格党组织与三级四长', 'Party organisation and chain of responsibility')} className="qc-span-1" data-testid="tile-grid-detail">
          <GridPanel gridId={node.id} />
        </Card>
      ),
    });
  } else {
    entries.push({
      order: 45,
      key: 'map',
      el: (
        <Card key="map" size="small" title={t('网格地图', 'Grid map')} className={data.tiles.some((x) => x.key === 'tree.gridKinds') ? 'qc-span-2' : 'qc-span-3'} extra={<a onClick={() => navigate('/map')}>{t('全屏查看', 'Full map')}</a>} data-testid="tile-map">
          <GridMap nodeId={node.id} className="qc-map qc-map-small" selectedId={grid} onSelect={(id) => setGrid(id)} />
        </Card>
      ),
    });
  }
  entries.sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));

  return (
    <div data-testid="dashboard">
      <PageHeader
        title={<UserText>{node.name}</UserText>}
        tags={<Tag color="blue">{tt(levelTerm(node.level))}</Tag>}
        subtitle={
          <>
            <UserText>{data.trail.slice(0, -1).join(' / ')}</UserText>
            {data.trail.length > 1 ? ' · ' : ''}
            {t('统计于 {time}', 'as of {time}', { time: dayjs(countedAt).format('YYYY-MM-DD HH:mm') })}
            {kept ? t('（街道及以上每 5 分钟更新）', ' (streets and above are recounted every 5 minutes)') : ''}
          </>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading}>
            {mobile ? null : tt('refresh')}
          </Button>
        }
      />
      {data.unavailable.length ? <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={data.unavailable.map((u) => u.message).join(lang === 'en' ? '; ' : '；')} /> : null}
      {error ? <Alert type="error" showIcon style={{ marginBottom: 12 }} title={error.message} /> : null}
      <div className="qc-card-grid">{entries.map((e) => e.el)}</div>
      <Drawer open={grid !== null} onClose={() => setGrid(null)} title={t('网格信息', 'Grid')} size={mobile ? '100%' : 380} placement={mobile ? 'bottom' : 'right'} destroyOnHidden>
        {grid !== null ? <GridPanel gridId={grid} onOpenDashboard={() => { openNode(grid); setGrid(null); }} /> : null}
      </Drawer>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 16 }}>
        {t('数字为当前在册记录；点击数字或图形可查看明细。', 'Figures count active records; click a figure or a bar for the list behind it.')}
      </Typography.Paragraph>
    </div>
  );
}
