// The __title__ list. Types come from the generated contract: no hand-written copy of a shape.
import { Card, Table } from 'antd';
import { call, type ResponseOf } from '../../api/typed';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';

type Item = ResponseOf<'/api/__kebab__'>['items'][number];

export default function __Name__Page() {
  const { t } = useI18n();
  const { data, loading } = useApi((signal) => call.get('/api/__kebab__', { query: { limit: 50, offset: 0 }, signal }), []);
  return (
    <Card title={t('__zh__', '__title__')}>
      <Table<Item> rowKey="id" loading={loading} dataSource={data?.items ?? []} columns={[{ title: t('标题', 'Title'), dataIndex: 'title' }]} />
    </Card>
  );
}
