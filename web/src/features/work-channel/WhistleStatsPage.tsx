// 吹哨报到统计: each street's whistle rate (whistles per 30 days) and the summoned departments'
// response times (median minutes to acknowledge and to be on site, share on site in time).
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Card, DatePicker, Flex, Table } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { UserText, userText } from '../../components/UserText';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type Stats = ResponseOf<'/api/whistles/stats'>;

function Chart({ option, height, testId }: { option: echarts.EChartsCoreOption; height: number; testId: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={el} style={{ height, width: '100%' }} data-testid={testId} />;
}

export default function WhistleStatsPage() {
  const { t } = useI18n();
  const [range, setRange] = useState<[string, string] | null>(null);
  const s = useApi((signal) => call.get('/api/whistles/stats', { query: range ? { from: range[0], to: range[1] } : {}, signal }), [range?.[0], range?.[1]]);
  const d: Stats | undefined = s.data;
  return (
    <div data-testid="whistle-stats-page">
      <PageHeader title={t('吹哨报到统计', 'Whistles: rates and response times')} subtitle={d ? t('{f} 至 {t}', '{f} to {t}', { f: d.from, t: d.to }) : null}
        extra={<DatePicker.RangePicker allowClear onChange={(v) => setRange(v && v[0] && v[1] ? [v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')] : null)} defaultValue={undefined} maxDate={dayjs()} />} />
      <ErrorAlert error={s.error} onRetry={s.reload} />
      <Flex vertical gap={12}>
        <Card size="small" title={t('各街道吹哨率（次/30天）', 'Whistle rate per street (per 30 days)')}>
          <Chart testId="chart-streets" height={Math.max(200, (d?.streets.length ?? 0) * 28 + 60)} option={{
            tooltip: { trigger: 'axis' }, legend: { data: [t('吹哨率', 'Rate'), t('其中紧急', 'Emergencies')] }, grid: { left: 120, right: 20, top: 30, bottom: 20 },
            xAxis: { type: 'value' }, yAxis: { type: 'category', data: d?.streets.map((x) => x.name) ?? [] },
            series: [
              { name: t('吹哨率', 'Rate'), type: 'bar', data: d?.streets.map((x) => x.per30Days) ?? [] },
              { name: t('其中紧急', 'Emergencies'), type: 'bar', data: d?.streets.map((x) => x.emergencies) ?? [], itemStyle: { color: '#cf1322' } },
            ],
          }} />
        </Card>
        <Card size="small" title={t('部门响应时间（中位数，分钟）', 'Departments’ response times (median, minutes)')}>
          <Chart testId="chart-departments" height={Math.max(200, (d?.departments.length ?? 0) * 36 + 60)} option={{
            tooltip: { trigger: 'axis' }, legend: { data: [t('接单', 'Acknowledge'), t('到场', 'On site')] }, grid: { left: 140, right: 20, top: 30, bottom: 20 },
            xAxis: { type: 'value' }, yAxis: { type: 'category', data: d?.departments.map((x) => x.name) ?? [] },
            series: [
              { name: t('接单', 'Acknowledge'), type: 'bar', data: d?.departments.map((x) => x.medianMinutesToAcknowledge) ?? [] },
              { name: t('到场', 'On site'), type: 'bar', data: d?.departments.map((x) => x.medianMinutesToSite) ?? [] },
            ],
          }} />
          <Table size="small" rowKey="id" pagination={false} dataSource={d?.departments ?? []} scroll={{ x: 700 }} columns={[
            { title: t('部门', 'Department'), dataIndex: 'name', render: (v: string) => <UserText>{v}</UserText> },
            { title: t('被召集', 'Summoned'), dataIndex: 'calls' },
            { title: t('接单', 'Acknowledged'), dataIndex: 'acknowledged' },
            { title: t('到场', 'On site'), dataIndex: 'onSite' },
            { title: t('处置', 'Acted'), dataIndex: 'acted' },
            { title: t('按时到场率', 'On site in time'), dataIndex: 'onTimeRate', render: (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`) },
          ]} />
        </Card>
        <Card size="small" title={t('各街道', 'Streets')}>
          <Table size="small" rowKey="id" pagination={false} dataSource={d?.streets ?? []} columns={[
            { title: t('街道（乡镇）', 'Street / township'), dataIndex: 'name', render: (v: string) => userText(v) },
            { title: t('吹哨次数', 'Whistles'), dataIndex: 'whistles' },
            { title: t('其中紧急', 'Emergencies'), dataIndex: 'emergencies' },
            { title: t('次/30天', 'Per 30 days'), dataIndex: 'per30Days' },
            { title: t('社区数', 'Communities'), dataIndex: 'communities' },
          ]} />
        </Card>
      </Flex>
    </div>
  );
}
