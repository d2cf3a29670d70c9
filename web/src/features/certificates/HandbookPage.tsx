// 办事指南 (public): what the community can still issue (each with its basis, purpose, process,
// materials, conditions and template), and the 减证便民 handbook of certificates it no longer
// issues, with where to go instead. Searchable, printable, and downloadable as a PDF.
import { call } from '../../api/typed';
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Flex, Input, Skeleton, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/errors';
import { useApi } from '../../hooks/useApi';
import { bi, biList } from '../../components/UserText';
import { useI18n } from '../../i18n';
import { HandbookCard } from './HandbookCard';
import { PublicLayout } from './PublicLayout';
import type { CertificateKind } from './types';

function KindCard({ k }: { k: CertificateKind }) {
  const { t, lang, list } = useI18n();
  return (
    <Card size="small" className="qc-print-break" title={<Space wrap><span>{bi(lang, k.title, k.en?.title)}</span><Tag color="green">{t('社区可出具', 'Issued by the community')}</Tag></Space>} data-testid={`kind-${k.code}`}>
      <Descriptions column={1} size="small" styles={{ label: { width: 96 } }}>
        <Descriptions.Item label={t('用途', 'Used for')}>{bi(lang, k.purpose, k.en?.purpose)}</Descriptions.Item>
        <Descriptions.Item label={t('出具条件', 'Conditions')}>{k.preconditions.length ? list(k.preconditions.map((p) => p.text)) : t('无', 'none')}</Descriptions.Item>
        <Descriptions.Item label={t('所需材料', 'Bring')}>{biList(lang, k.materials, k.en?.materials)}</Descriptions.Item>
        <Descriptions.Item label={t('办理流程', 'Process')}>{bi(lang, k.process, k.en?.process)}</Descriptions.Item>
        <Descriptions.Item label={t('有效期', 'Validity')}>{t('{d} 天', '{d} days', { d: k.validityDays })}</Descriptions.Item>
        <Descriptions.Item label={t('设定依据', 'Basis')}>{bi(lang, k.basis, k.en?.basis)}</Descriptions.Item>
        <Descriptions.Item label={t('证明样式', 'Template')}><Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }} lang="zh-CN">{k.sample}</Typography.Text></Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export default function HandbookPage() {
  const { t } = useI18n();
  const initialQ = new URLSearchParams(window.location.search).get('q') ?? '';
  const [q, setQ] = useState(initialQ);
  const [online, setOnline] = useState(false);
  const handbook = useApi((signal) => call.get('/api/public/handbook', { query: { q: q || undefined, online: online || undefined }, signal }), [q, online]);
  const kinds = useApi((signal) => call.get('/api/public/certificates/kinds', { signal }), []);
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shownKinds = (kinds.data ?? []).filter((k) => words.every((w) => `${k.title}${k.purpose}`.toLowerCase().includes(w)));
  // A search shows the tab that has answers (elsewhere first: that is what residents most often ask).
  const [tab, setTab] = useState(initialQ ? 'elsewhere' : 'here');
  useEffect(() => {
    if (!q || !handbook.data || !kinds.data) return;
    setTab(handbook.data.length || !shownKinds.length ? 'elsewhere' : 'here');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, handbook.data, kinds.data]);
  const search = (v: string) => {
    setQ(v.trim());
    window.history.replaceState(null, '', v.trim() ? `/handbook?q=${encodeURIComponent(v.trim())}` : '/handbook');
  };
  return (
    <PublicLayout active="handbook">
      <Flex justify="space-between" align="flex-start" wrap gap={8}>
        <div>
          <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>{t('减证便民办事指南', 'Service guide')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('哪些证明可以在社区（村）开具，哪些已不再由社区出具、应到哪里办理。', 'Which certificates the community still issues, and where to get the ones it no longer issues.')}</Typography.Paragraph>
        </div>
        <Space className="qc-no-print">
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>{t('打印本页', 'Print')}</Button>
          <Button icon={<FilePdfOutlined />} href="/api/public/handbook.pdf" target="_blank">{t('下载 PDF', 'PDF')}</Button>
        </Space>
      </Flex>
      <Flex gap={12} wrap align="center" className="qc-no-print" style={{ marginBottom: 16 }}>
        <Input.Search defaultValue={initialQ} placeholder={t('您要开什么证明？如：无犯罪、出生、居住', 'What do you need? e.g. criminal record, birth, residence')} allowClear onSearch={search} style={{ maxWidth: 420 }} size="large" data-testid="handbook-search" />
        <Space>
          <Switch checked={online} onChange={setOnline} size="small" />
          <span>{t('只看可网上办理的', 'Online only')}</span>
        </Space>
      </Flex>
      <ErrorAlert error={handbook.error ?? kinds.error} onRetry={() => { handbook.reload(); kinds.reload(); }} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'elsewhere',
            label: t('社区不再出具（{n}）', 'Not issued here ({n})', { n: handbook.data?.length ?? 0 }),
            children: handbook.loading ? <Skeleton active /> : handbook.data?.length ? <Space orientation="vertical" style={{ width: '100%' }}>{handbook.data.map((e) => <div key={e.code} className="qc-print-break"><HandbookCard e={e} /></div>)}</Space> : <Empty description={t('没有找到，请换个说法或拨打 12345 咨询', 'Nothing found: try other words or call 12345')} />,
          },
          {
            key: 'here',
            label: t('社区可出具（{n}）', 'Issued here ({n})', { n: shownKinds.length }),
            children: kinds.loading ? <Skeleton active /> : shownKinds.length ? <Space orientation="vertical" style={{ width: '100%' }}>{shownKinds.map((k) => <KindCard key={k.code} k={k} />)}</Space> : <Empty />,
          },
        ]}
      />
    </PublicLayout>
  );
}
