// 网格地图: every grid of the current place on one map, coloured by kind; a click shows the grid's
// party organisation and chain of responsibility beside the map (below it on a phone).
import { Card, Col, Empty, Row, Tag, Typography } from 'antd';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { useMobile } from '../../hooks/useMobile';
import { useI18n } from '../../i18n';
import { usePlace } from '../../shell/PlaceContext';
import { levelTerm, nodeView, toPlace } from '../../shell/tree';
import { GridMap } from './GridMap';
import { GridPanel } from './GridPanel';
import { UserText } from '../../components/UserText';

export default function MapPage() {
  const { t, tt } = useI18n();
  const mobile = useMobile();
  const { place, setPlace } = usePlace();
  const [grid, setGrid] = useState<number | null>(null);
  if (!place) return null;
  return (
    <div>
      <PageHeader title={t('网格地图', 'Grid map')} tags={<Tag color="blue">{tt(levelTerm(place.level))}</Tag>} subtitle={<UserText>{place.name}</UserText>} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <GridMap nodeId={place.id} className="qc-map" selectedId={grid} onSelect={(id) => setGrid(id)} height={mobile ? undefined : 620} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('网格信息', 'Grid')}>
            {grid ? (
              <GridPanel gridId={grid} onOpenDashboard={() => void nodeView(grid).then((v) => setPlace(toPlace(v.node)))} />
            ) : (
              <Empty description={t('点击地图上的网格查看党组织和三级四长', 'Click a grid on the map to see its party organisation and leaders')} />
            )}
          </Card>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
            {t('虚线为社区边界；颜色表示网格类型。', 'Dashed lines are community boundaries; colours show the grid kind.')}
          </Typography.Paragraph>
        </Col>
      </Row>
    </div>
  );
}
