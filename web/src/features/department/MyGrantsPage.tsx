// 我的授权: what the caller's department may read, write and see unmasked, where and why.
import { Card, Empty, Skeleton, Table } from 'antd';
import { GrantFields, useNodeNames } from '../../components/GrantFields';
import type { RecordKind } from '../../api/types';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { UserText } from '../../components/UserText';

// The contract names a grant's kind a plain string; it is one of the record kinds, which GrantFields takes.
type Grant = ResponseOf<'/api/grants/mine'>[number] & { recordKind: RecordKind };

export default function MyGrantsPage() {
  const { t, tt } = useI18n();
  const { data, error, loading, reload } = useApi((signal) => call.get('/api/grants/mine', { signal }) as Promise<Grant[]>, []);
  const names = useNodeNames((data ?? []).map((g) => g.nodeId));
  return (
    <div>
      <PageHeader title={t('我的授权', 'My grants')} subtitle={t('本部门可以读取、补充哪些基础数据，在哪个范围内，出于什么目的', 'What base data your department may read and supplement, where, and for what purpose')} />
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data ? <Skeleton active /> : null}
      {data && !data.length ? (
        <Card>
          <Empty description={t('本部门暂无有效授权，请联系系统管理员', 'Your department has no active grant; ask the administrator')} />
        </Card>
      ) : null}
      {data && data.length ? (
        <Table
          rowKey="id"
          dataSource={data}
          pagination={false}
          scroll={{ x: 1000 }}
          data-testid="grants-table"
          columns={[
            { key: 'kind', title: t('记录类型', 'Records'), render: (_, g) => tt(`kind_${g.recordKind}`) },
            { key: 'fields', title: t('字段', 'Fields'), width: 460, render: (_, g) => <GrantFields grant={g} /> },
            { key: 'node', title: t('范围', 'Area'), render: (_, g) => <UserText>{names.get(g.nodeId) ?? '…'}</UserText> },
            { key: 'purpose', title: t('用途', 'Purpose'), width: 220, render: (_, g) => <UserText>{g.purpose}</UserText> },
            { key: 'valid', title: t('有效期', 'Valid'), render: (_, g) => `${g.validFrom} ~ ${g.validTo ?? t('长期', 'open-ended')}` },
          ]}
        />
      ) : null}
    </div>
  );
}
