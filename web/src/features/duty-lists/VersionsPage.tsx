// 动态调整: every version of a township's lists (number, date, reason, who, what changed); any
// version can be opened and compared with today's lists or with another version.
import { Button, Card, Descriptions, Empty, Flex, Select, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { withQuery } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { ErrorAlert } from '../../components/errors';
import { PageHeader } from '../../components/PageHeader';
import { userText, UserText } from '../../components/UserText';
import { useApi } from '../../hooks/useApi';
import { useI18n } from '../../i18n';
import { fieldName, listKinds, listName, versionKind, type ListKind, type SnapshotItem } from './texts';

type Version = ResponseOf<'/api/duty-lists/townships/{id}/versions'>[number];
type Comparison = ResponseOf<'/api/duty-lists/townships/{id}/compare'>;

export default function VersionsPage() {
  const { t, lang } = useI18n();
  const id = Number(useParams().id);
  const versions = useApi((signal) => call.get('/api/duty-lists/townships/{id}/versions', { path: { id }, signal }), [id]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [view, setView] = useState<number | null>(null);
  const list = versions.data ?? [];
  const latest = list[0]?.versionNo ?? 0;
  return (
    <>
      <PageHeader
        title={t('清单版本与动态调整', 'Versions of the lists')}
        subtitle={t('每次调整都是一个带日期、理由和经办人的版本；可查看任一版本并与现行清单对比', 'Every adjustment is a dated, reasoned version; open any one and compare it with today')}
        extra={<Link to={`/duty-lists?township=${id}`}><Button>{t('返回清单', 'Back to the lists')}</Button></Link>}
      />
      <ErrorAlert error={versions.error} onRetry={versions.reload} />
      <Flex gap={16} wrap align="flex-start">
        <Card size="small" title={t('版本记录', 'Versions')} style={{ flex: '1 1 320px', maxWidth: 460 }}>
          {list.length ? (
            <Timeline
              items={list.map((v: Version) => ({
                key: v.versionNo,
                children: (
                  <div data-testid={`duty-version-${v.versionNo}`}>
                    <Flex gap={6} wrap align="center">
                      <Typography.Text strong>{t('第 {n} 版', 'Version {n}', { n: v.versionNo })}</Typography.Text>
                      <Tag>{t(...(versionKind[v.kind] ?? [v.kind, v.kind]))}</Tag>
                      <Typography.Text type="secondary">{v.effectiveDate}</Typography.Text>
                    </Flex>
                    <div><UserText>{v.reason}</UserText></div>
                    <Typography.Text type="secondary">
                      {userText(v.createdBy?.name ?? v.createdByName)} · {t('新增 {a} 取消 {r} 调整 {c}', '+{a} −{r} ~{c}', { a: v.summary.added, r: v.summary.removed, c: v.summary.changed })} · {t('基本 {b} / 配合 {p} / 收回 {k}', '{b} / {p} / {k}', { b: v.summary.basic, p: v.summary.cooperative, k: v.summary.takenBack })}
                    </Typography.Text>
                    <Flex gap={8} style={{ marginTop: 4 }}>
                      <Button size="small" onClick={() => setView(v.versionNo)}>{t('查看', 'Open')}</Button>
                      {v.versionNo < latest ? <Button size="small" onClick={() => { setFrom(v.versionNo); setTo(null); }} data-testid={`duty-compare-${v.versionNo}`}>{t('与现行对比', 'Compare with today')}</Button> : null}
                      <Button size="small" href={withQuery(`/api/duty-lists/townships/${id}/export`, { version: v.versionNo, lang })}>{t('导出', 'Export')}</Button>
                    </Flex>
                  </div>
                ),
              }))}
            />
          ) : (
            <Empty description={t('还没有版本', 'No versions yet')} />
          )}
        </Card>
        <div style={{ flex: '2 1 480px', minWidth: 0 }}>
          {from ? (
            <Card size="small" title={t('对比', 'Comparison')} extra={
              <Flex gap={8} align="center" wrap>
                <Select size="small" value={from} onChange={setFrom} options={list.map((v) => ({ value: v.versionNo, label: t('第 {n} 版', 'Version {n}', { n: v.versionNo }) }))} style={{ width: 110 }} />
                →
                <Select size="small" value={to ?? 0} onChange={(v) => setTo(v || null)} options={[{ value: 0, label: t('现行清单', 'Today') }, ...list.filter((v) => v.versionNo > from).map((v) => ({ value: v.versionNo, label: t('第 {n} 版', 'Version {n}', { n: v.versionNo }) }))]} style={{ width: 120 }} />
              </Flex>
            }>
              <CompareView townshipId={id} from={from} to={to} />
            </Card>
          ) : null}
          {view ? <VersionView townshipId={id} no={view} /> : null}
        </div>
      </Flex>
    </>
  );
}

function Value({ field, v }: { field: string; v: string | number | boolean | null }) {
  const { t } = useI18n();
  if (v === null || v === '') return <Typography.Text type="secondary">{t('（空）', '(empty)')}</Typography.Text>;
  if (field === 'listKind') return <>{t(...listName[v as ListKind])}</>;
  if (typeof v === 'boolean') return <>{v ? t('是', 'yes') : t('否', 'no')}</>;
  return <UserText>{String(v)}</UserText>;
}

function CompareView({ townshipId, from, to }: { townshipId: number; from: number; to: number | null }) {
  const { t } = useI18n();
  const c = useApi<Comparison>((signal) => call.get('/api/duty-lists/townships/{id}/compare', { path: { id: townshipId }, query: to ? { from, to } : { from }, signal }), [townshipId, from, to]);
  const d = c.data;
  const simple = (rows: SnapshotItem[]) => (
    <Table rowKey="id" size="small" dataSource={rows} pagination={{ pageSize: 20, hideOnSinglePage: true }} columns={[{ title: t('清单', 'List'), dataIndex: 'listKind', render: (k: ListKind) => t(...listName[k]) }, { title: t('事项名称', 'Item'), dataIndex: 'name', render: (v: string) => userText(v) }, { title: t('对应上级部门', 'Upper department'), dataIndex: 'departmentName', render: (v: string | null) => userText(v) }]} />
  );
  return (
    <div data-testid="duty-comparison">
      <ErrorAlert error={c.error} />
      {d ? (
        <Tabs
          items={[
            { key: 'changed', label: t('调整 {n}', 'Changed {n}', { n: d.changed.length }), children: (
              <Table rowKey="id" size="small" dataSource={d.changed} pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[{ title: t('事项名称', 'Item'), dataIndex: 'name', render: (v: string) => userText(v) }, {
                  title: t('变化', 'Changes'), dataIndex: 'changes', render: (ch: Comparison['changed'][number]['changes']) => (
                    <Descriptions size="small" column={1}>
                      {ch.map((x) => <Descriptions.Item key={x.field} label={t(...(fieldName[x.field] ?? [x.field, x.field]))}><Value field={x.field} v={x.from} /> → <Value field={x.field} v={x.to} /></Descriptions.Item>)}
                    </Descriptions>
                  ),
                }]} />
            ) },
            { key: 'added', label: t('新增 {n}', 'Added {n}', { n: d.added.length }), children: simple(d.added) },
            { key: 'removed', label: t('取消 {n}', 'Removed {n}', { n: d.removed.length }), children: simple(d.removed) },
          ]}
        />
      ) : null}
      {d ? <Typography.Text type="secondary">{t('{n} 项未变', '{n} unchanged', { n: d.unchanged })}</Typography.Text> : null}
    </div>
  );
}

function VersionView({ townshipId, no }: { townshipId: number; no: number }) {
  const { t } = useI18n();
  const v = useApi((signal) => call.get('/api/duty-lists/townships/{id}/versions/{no}', { path: { id: townshipId, no }, signal }), [townshipId, no]);
  return (
    <Card size="small" title={t('第 {n} 版清单', 'Version {n}', { n: no })} style={{ marginTop: 16 }}>
      <ErrorAlert error={v.error} />
      <Tabs items={listKinds.map((k) => ({
        key: k, label: t(...listName[k]),
        children: <Table rowKey="id" size="small" loading={v.loading} dataSource={(v.data?.items ?? []).filter((i) => i.listKind === k)} pagination={{ pageSize: 30, hideOnSinglePage: true }}
          columns={[{ title: t('序号', 'No.'), dataIndex: 'seq', width: 60 }, { title: t('事项名称', 'Item'), dataIndex: 'name', render: (x: string) => userText(x) }, { title: t('责任主体', 'Carried by'), dataIndex: 'carrier', render: (x: string | null) => userText(x) }, { title: t('对应上级部门', 'Upper department'), dataIndex: 'departmentName', render: (x: string | null) => userText(x) }]} />,
      }))} />
    </Card>
  );
}
