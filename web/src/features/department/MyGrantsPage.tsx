// 我的授权: what the caller's department may read, write and see unmasked, where and why.
import { Card, Empty, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client';
import type { Grant } from '../../api/types';
import { ErrorAlert } from '../../components/errors';
import { useFields } from '../../components/fields';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useLabelKinds } from '../../hooks/useReference';
import { useI18n } from '../../i18n';
import { nodeView } from '../../shell/tree';
import { useEffect, useState } from 'react';

export function useNodeNames(ids: number[]) {
  const [names, setNames] = useState(new Map<number, string>());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    Promise.all([...new Set(ids)].map((id) => nodeView(id).then((v) => [id, [...v.ancestors.slice(1), v.node].map((n) => n.name).join(' / ') || v.node.name] as const, () => [id, `#${id}`] as const))).then((pairs) => live && setNames(new Map(pairs)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return names;
}

export function GrantFields({ grant }: { grant: Grant }) {
  const { t, lang } = useI18n();
  const { label } = useFields();
  const kinds = useLabelKinds();
  const labelName = (c: string) => {
    const k = kinds?.find((x) => x.code === c);
    return k ? (lang === 'en' ? k.nameEn : k.nameZh) : c;
  };
  const fieldName = (f: string) => (f.startsWith('label:') ? `${t('标签', 'label')}「${labelName(f.slice(6))}」` : label(grant.recordKind, f));
  return (
    <Flex vertical gap={4}>
      <div>
        <Typography.Text type="secondary">{t('可读：', 'Read: ')}</Typography.Text>
        {grant.readFields.map((f) => (
          <Tag key={f}>{fieldName(f)}</Tag>
        ))}
      </div>
      {grant.writeFields.length ? (
        <div>
          <Typography.Text type="secondary">{t('可写：', 'Write: ')}</Typography.Text>
          {grant.writeFields.map((f) => (
            <Tag key={f} color="blue">
              {fieldName(f)}
            </Tag>
          ))}
        </div>
      ) : null}
      {grant.unmaskedFields.length ? (
        <div>
          <Typography.Text type="secondary">{t('明文显示：', 'Shown unmasked: ')}</Typography.Text>
          {grant.unmaskedFields.map((f) => (
            <Tag key={f} color="red">
              {fieldName(f)}
            </Tag>
          ))}
        </div>
      ) : null}
      {grant.labels.length ? (
        <div>
          <Typography.Text type="secondary">{t('仅限人群：', 'Only residents labelled: ')}</Typography.Text>
          {grant.labels.map((l) => (
            <Tag key={l} color="orange">
              {labelName(l)}
            </Tag>
          ))}
        </div>
      ) : null}
    </Flex>
  );
}

export default function MyGrantsPage() {
  const { t, tt } = useI18n();
  const { data, error, loading, reload } = useApi((signal) => api.get<Grant[]>('/grants/mine', undefined, signal), []);
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
            { key: 'node', title: t('范围', 'Area'), render: (_, g) => names.get(g.nodeId) ?? '…' },
            { key: 'purpose', title: t('用途', 'Purpose'), dataIndex: 'purpose', width: 220 },
            { key: 'valid', title: t('有效期', 'Valid'), render: (_, g) => `${g.validFrom} ~ ${g.validTo ?? t('长期', 'open-ended')}` },
          ]}
        />
      ) : null}
    </div>
  );
}
