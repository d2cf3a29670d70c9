// Generic drawing of dashboard tiles: numbers, bars, a pie, a table. A module's new tiles appear
// without new web code; a feature can still register its own renderer for a tile key.
import { Card, Empty, Flex, Statistic, Table, Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import type { DashboardTile } from '../../api/types';
import { useI18n } from '../../i18n';
import { escapeHtml } from '../../lib/safeHtml';
import { tileRenderer } from '../../shell/tileRenderers';
import type { TileProps } from '../types';
import { EChart, type ChartOption } from './EChart';
import { UserText } from '../../components/UserText';

const toneColor: Record<string, string | undefined> = { danger: '#cf1322', warning: '#d48806', success: '#389e0d', default: undefined };
const palette = ['#1f5fbf', '#36a3a0', '#f2a93b', '#e0655c', '#7b61c4', '#5b8ff9', '#9fb40f', '#c9758f', '#6dc8ec', '#945fb9', '#ff9845', '#1e9493', '#ff99c3'];

function StatsTile({ tile }: TileProps) {
  const navigate = useNavigate();
  const { t } = useI18n();
  const stats = tile.stats ?? [];
  return (
    <Flex wrap gap={8} style={{ rowGap: 12 }}>
      {stats.map((s) => (
        <div
          key={s.key}
          className={`qc-stat${s.link ? ' qc-link' : ''}`}
          style={{ flex: '1 1 120px', minWidth: 110, padding: '4px 8px' }}
          onClick={s.link ? () => navigate(s.link!) : undefined}
          data-testid={`stat-${tile.key}-${s.key}`}
          role={s.link ? 'link' : undefined}
        >
          <Statistic
            title={s.label}
            value={s.value ?? '—'}
            suffix={s.suffix}
            styles={{ content: { color: toneColor[s.tone ?? 'default'], fontWeight: 600 } }}
          />
          {s.hint ? <div className="qc-stat-hint">{s.hint}</div> : null}
          {s.value === null ? <div className="qc-stat-hint">{t('数量过少，不予显示', 'too few to show')}</div> : null}
        </div>
      ))}
    </Flex>
  );
}

function BarsTile({ tile }: TileProps) {
  const navigate = useNavigate();
  const { t } = useI18n();
  const series = useMemo(() => tile.series ?? [], [tile.series]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      // ECharts shows what a formatter function returns as HTML: names are escaped.
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number | null }) => `${escapeHtml(p.name)}: ${escapeHtml(p.value ?? t('不予显示', 'not shown'))}` },
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#f0f0f0' } } },
      yAxis: { type: 'category', inverse: true, data: series.map((s) => s.label), axisTick: { show: false }, axisLabel: { width: 120, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          data: series.map((s, i) => ({ value: s.value ?? 0, itemStyle: { color: s.value === null ? '#d9d9d9' : palette[i % palette.length], borderRadius: [0, 4, 4, 0] } })),
          barMaxWidth: 18,
          label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => (series[p.dataIndex]?.value === null ? '—' : String(series[p.dataIndex]?.value ?? '')) },
          cursor: series.some((s) => s.link) ? 'pointer' : 'default',
        },
      ],
    }),
    [series, t],
  );
  if (!series.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return <EChart option={option} height={Math.max(160, series.length * 28 + 24)} onClick={(_n, i) => series[i]?.link && navigate(series[i]!.link!)} testId={`chart-${tile.key}`} />;
}

function PieTile({ tile }: TileProps) {
  const navigate = useNavigate();
  const series = (tile.series ?? []).filter((s) => (s.value ?? 0) > 0);
  const option = useMemo<ChartOption>(
    () => ({
      color: palette,
      tooltip: { trigger: 'item', formatter: '{b}: {c}（{d}%）' },
      legend: { bottom: 0, type: 'scroll', itemWidth: 10, itemHeight: 10 },
      series: [{ type: 'pie', radius: ['42%', '68%'], center: ['50%', '44%'], avoidLabelOverlap: true, label: { show: false }, data: series.map((s) => ({ name: s.label, value: s.value })) }],
    }),
    [series],
  );
  if (!series.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return <EChart option={option} height={240} onClick={(_n, i) => series[i]?.link && navigate(series[i]!.link!)} testId={`chart-${tile.key}`} />;
}

function TableTile({ tile, openNode }: TileProps) {
  const { t } = useI18n();
  const table = tile.table!;
  return (
    <Table
      size="small"
      rowKey={(r) => String(r.nodeId ?? r.name ?? JSON.stringify(r))}
      dataSource={table.rows}
      pagination={table.rows.length > 20 ? { pageSize: 20, size: 'small' } : false}
      scroll={{ x: 'max-content' }}
      columns={table.columns.map((c) => ({
        key: c.key,
        dataIndex: c.key,
        title: c.title,
        align: c.numeric ? ('right' as const) : undefined,
        sorter: c.numeric ? (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a[c.key] ?? 0) - Number(b[c.key] ?? 0) : undefined,
        render: (v: string | number | null, row: Record<string, string | number | null>) =>
          c.key === 'name' && row.nodeId ? (
            <Tooltip title={t('查看其看板', 'Open its dashboard')}>
              <a onClick={() => openNode(Number(row.nodeId))} data-testid={`open-node-${row.nodeId}`}>
                <UserText>{v}</UserText>
              </a>
            </Tooltip>
          ) : c.key === 'overdue' && Number(v) > 0 ? (
            <Typography.Text type="danger">{v}</Typography.Text>
          ) : c.key === 'name' ? (
            <UserText>{v ?? '—'}</UserText>
          ) : (
            (v ?? '—')
          ),
      }))}
    />
  );
}

const generic: Record<DashboardTile['kind'], (p: TileProps) => React.ReactElement> = { stats: StatsTile, bars: BarsTile, pie: PieTile, table: TableTile };

export function TileCard({ tile, openNode }: TileProps) {
  const navigate = useNavigate();
  const { t } = useI18n();
  const Custom = tileRenderer(tile.key);
  const Body = Custom ?? generic[tile.kind] ?? StatsTile;
  return (
    <Card
      title={tile.title}
      size="small"
      className={`qc-span-${Math.min(3, Math.max(1, tile.width))}`}
      extra={tile.link ? <a onClick={() => navigate(tile.link!)}>{t('查看', 'Open')}</a> : null}
      data-testid={`tile-${tile.key}`}
    >
      <Body tile={tile} openNode={openNode} />
      {tile.note ? (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
          {tile.note}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
